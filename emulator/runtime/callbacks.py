"""Callback waits: a task token in ``$$.Task.Token`` and a state that waits for SendTaskSuccess /
SendTaskFailure on it (``.waitForTaskToken``, and the token a ``.sync`` task also carries).

Nothing polls: the wait is the token's future, raced against a heartbeat timer that
SendTaskHeartbeat restarts. Timers run on ``sleep`` (real seconds times ``timeout_scale``), not on
the execution clock: WAIT_TIME_SCALE speeds up Wait states, never a task's deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.language.errors import HeartbeatTimedOut
from emulator.model.types import Json
from emulator.runtime.clock import Clock
from emulator.runtime.task_tokens import (
    PendingTask,
    TaskOutcome,
    TaskTokenRegistry,
    TokenState,
    answer_of,
)
from emulator.runtime.virtual_clock import parking

Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class Callback:
    """One issued token and the signal its heartbeats raise."""

    pending: PendingTask
    beat: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def token(self) -> str:
        return self.pending.token


class CallbackWaiter:
    def __init__(
        self,
        tokens: TaskTokenRegistry,
        timeout_scale: float = 1.0,
        sleep: Sleep | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``clock``: a virtual clock (``--clock virtual|auto``) times the heartbeats instead of
        ``sleep``, and is told the wait is on the outside world."""
        self.tokens = tokens
        self.timeout_scale = timeout_scale
        self._sleep: Sleep = clock.sleep if clock is not None else (sleep or asyncio.sleep)
        self._clock = clock

    def issue(self, account: str, region: str, token: str | None = None) -> Callback:
        """``token``: wait again for one issued before a restart (a resumed execution)."""
        beat = asyncio.Event()
        pending = self.tokens.issue(account, region, on_heartbeat=beat.set, token=token)
        return Callback(pending, beat)

    def close(self, callback: Callback) -> None:
        """The task is over (answered, timed out, cancelled): later SendTask* calls are refused."""
        if self.tokens.state(callback.token) == TokenState.PENDING:
            self.tokens.close(callback.token)

    async def wait(self, callback: Callback, heartbeat_seconds: int | None) -> Json:
        """The value sent with SendTaskSuccess; SendTaskFailure and a missed heartbeat raise."""
        with parking(self._clock):
            outcome = await self._outcome(callback, heartbeat_seconds)
        return answer_of(outcome)

    async def _outcome(self, callback: Callback, heartbeat_seconds: int | None) -> TaskOutcome:
        outcome = callback.pending.outcome
        if heartbeat_seconds is None:
            return await asyncio.shield(outcome)
        while True:
            callback.beat.clear()
            timer = asyncio.ensure_future(self._sleep(heartbeat_seconds * self.timeout_scale))
            beaten = asyncio.ensure_future(callback.beat.wait())
            try:
                waiters: list[asyncio.Future[Any]] = [outcome, timer, beaten]
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                timer.cancel()
                beaten.cancel()
            if outcome.done():
                return outcome.result()
            if not callback.beat.is_set():
                # AWS records a missed heartbeat of a callback task as TaskTimedOut / States.Timeout.
                raise HeartbeatTimedOut()
