from __future__ import annotations

import asyncio

import pytest

from emulator.language.errors import StatesError
from emulator.runtime.callbacks import CallbackWaiter
from emulator.runtime.task_tokens import TaskFailedWithoutError, TaskTokenRegistry, TokenState


class GatedSleep:
    """Heartbeat timers that end only when the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.sleeps: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await self.gate.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_success_returns_the_sent_json_value() -> None:
    tokens = TaskTokenRegistry()
    waiter = CallbackWaiter(tokens)
    callback = waiter.issue("123456789012", "us-east-1")
    waiting = asyncio.ensure_future(waiter.wait(callback, None))
    tokens.succeed(tokens.find(callback.token), '{"a":[1,2]}')  # type: ignore[arg-type]
    assert await waiting == {"a": [1, 2]}


async def test_failure_raises_the_sent_error_and_cause() -> None:
    tokens = TaskTokenRegistry()
    waiter = CallbackWaiter(tokens)
    callback = waiter.issue("123456789012", "us-east-1")
    tokens.fail(tokens.find(callback.token), "Custom", "why")  # type: ignore[arg-type]
    with pytest.raises(StatesError) as raised:
        await waiter.wait(callback, None)
    assert (raised.value.error, raised.value.cause) == ("Custom", "why")


async def test_failure_without_error_keeps_both_fields_empty() -> None:
    tokens = TaskTokenRegistry()
    waiter = CallbackWaiter(tokens)
    callback = waiter.issue("123456789012", "us-east-1")
    tokens.fail(tokens.find(callback.token), None, None)  # type: ignore[arg-type]
    with pytest.raises(TaskFailedWithoutError) as raised:
        await waiter.wait(callback, None)
    assert (raised.value.error, raised.value.cause) == (None, None)


async def test_missed_heartbeat_is_a_timeout_scaled_by_the_timeout_scale() -> None:
    sleep = GatedSleep()
    waiter = CallbackWaiter(TaskTokenRegistry(), timeout_scale=0.5, sleep=sleep)
    callback = waiter.issue("123456789012", "us-east-1")
    waiting = asyncio.ensure_future(waiter.wait(callback, 10))
    await settle()
    sleep.gate.set()
    with pytest.raises(StatesError) as raised:
        await waiting
    assert raised.value.error == "States.Timeout"
    assert sleep.sleeps == [5.0]


async def test_a_heartbeat_restarts_the_timer() -> None:
    sleep = GatedSleep()
    tokens = TaskTokenRegistry()
    waiter = CallbackWaiter(tokens, sleep=sleep)
    callback = waiter.issue("123456789012", "us-east-1")
    waiting = asyncio.ensure_future(waiter.wait(callback, 3))
    await settle()
    tokens.heartbeat(tokens.find(callback.token))  # type: ignore[arg-type]
    await settle()
    assert sleep.sleeps == [3, 3]
    tokens.succeed(tokens.find(callback.token), "true")  # type: ignore[arg-type]
    assert await waiting is True


async def test_close_makes_later_answers_see_a_closed_token() -> None:
    tokens = TaskTokenRegistry()
    waiter = CallbackWaiter(tokens)
    callback = waiter.issue("123456789012", "us-east-1")
    waiter.close(callback)
    assert tokens.state(callback.token) == TokenState.CLOSED
