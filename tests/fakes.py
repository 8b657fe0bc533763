"""Test doubles shared by the unit tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.types import Json


class ManualClock:
    """Virtual time: ``now`` starts at ``start``; ``sleep`` advances it instantly (and yields once,
    so other tasks run as they would during a real sleep). ``sleeps`` records every sleep."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if seconds > 0:
            self.time += seconds
        await asyncio.sleep(0)


class StubIntegration:
    """An integration answering from a function (``respond(invocation) -> result``; raise
    ``StatesError`` to fail). ``calls`` records every invocation."""

    def __init__(self, respond: Callable[[TaskInvocation], Json | Awaitable[Json]]) -> None:
        self.respond = respond
        self.calls: list[TaskInvocation] = []

    async def invoke(self, invocation: TaskInvocation) -> Json:
        self.calls.append(invocation)
        result: Any = self.respond(invocation)
        if asyncio.iscoroutine(result):
            result = await result
        return result


def failing(error: str, cause: str | None = None) -> Callable[[TaskInvocation], Json]:
    def respond(invocation: TaskInvocation) -> Json:
        raise StatesError(error, cause)

    return respond
