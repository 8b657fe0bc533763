from __future__ import annotations

import asyncio

import pytest

from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import HeartbeatTimedOut, StatesError
from emulator.language.states.task_state import TaskResource
from emulator.runtime.activities import ActivityIntegration, ActivityQueues, ActivityTask, TooManyPollers
from emulator.runtime.task_tokens import TaskTokenRegistry, TokenState

ARN = "arn:aws:states:us-east-1:123456789012:activity:work"


async def settle() -> None:
    """Let scheduled callbacks and freshly created tasks run."""
    for _ in range(5):
        await asyncio.sleep(0)


class GateClock:
    """A clock whose sleeps end only when the test opens the gate (no wall-clock waiting)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.sleeps: list[float] = []

    def now(self) -> float:
        return 0.0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await self.gate.wait()


async def test_a_waiting_poll_is_woken_by_submit() -> None:
    queues = ActivityQueues(GateClock())
    started: list[str | None] = []
    poll = asyncio.ensure_future(queues.poll(ARN, "worker-1"))
    await settle()
    assert not poll.done()
    queues.submit(ARN, ActivityTask("t1", '{"a":1}', on_start=started.append))
    task = await poll
    assert task is not None and task.token == "t1"
    assert started == ["worker-1"]


async def test_a_poll_times_out_with_no_task_after_60_seconds_of_clock_time() -> None:
    clock = GateClock()
    queues = ActivityQueues(clock)
    poll = asyncio.ensure_future(queues.poll(ARN))
    await settle()
    assert clock.sleeps == [60.0]
    clock.gate.set()
    assert await poll is None
    queues.submit(ARN, ActivityTask("late", "{}"))
    assert queues.queued(ARN) == 1  # the timed-out poller did not swallow it


async def test_queued_tasks_are_delivered_in_order_and_can_be_withdrawn() -> None:
    queues = ActivityQueues(GateClock())
    for token in ("a", "b", "c"):
        queues.submit(ARN, ActivityTask(token, "{}"))
    assert queues.withdraw(ARN, "b")
    first, second = await queues.poll(ARN), await queues.poll(ARN)
    assert first is not None and second is not None
    assert [first.token, second.token] == ["a", "c"]


async def test_deleting_the_activity_releases_waiting_workers() -> None:
    queues = ActivityQueues(GateClock())
    poll = asyncio.ensure_future(queues.poll(ARN))
    await settle()
    queues.discard(ARN)
    assert await poll is None


def _invocation(heartbeat: int | None = None) -> TaskInvocation:
    resource = TaskResource(ARN, "activity", "activity", "activity", "", "")
    return TaskInvocation(resource, {"x": 1}, {}, "us-east-1", "123456789012", heartbeat_seconds=heartbeat)


async def test_activity_integration_returns_the_worker_output() -> None:
    clock = GateClock()
    queues, tokens = ActivityQueues(clock), TaskTokenRegistry()
    running = asyncio.ensure_future(ActivityIntegration(queues, tokens, clock).invoke(_invocation()))
    task = await queues.poll(ARN)
    assert task is not None and task.input == '{"x":1}'
    pending = tokens.find(task.token)
    assert pending is not None
    tokens.succeed(pending, '{"ok":true}')
    assert await running == {"ok": True}
    assert tokens.state(task.token) == TokenState.CLOSED


async def test_activity_integration_raises_the_worker_failure() -> None:
    clock = GateClock()
    queues, tokens = ActivityQueues(clock), TaskTokenRegistry()
    running = asyncio.ensure_future(ActivityIntegration(queues, tokens, clock).invoke(_invocation()))
    task = await queues.poll(ARN)
    assert task is not None
    pending = tokens.find(task.token)
    assert pending is not None
    tokens.fail(pending, "Custom", "why")
    try:
        await running
    except StatesError as error:
        assert (error.error, error.cause) == ("Custom", "why")
    else:
        raise AssertionError("expected a StatesError")


async def test_missing_heartbeat_is_a_timeout_counted_from_the_worker_taking_the_task() -> None:
    # https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html (HeartbeatSeconds: "this
    # state fails with a States.Timeout error name … For Activities, the count begins when
    # GetActivityTask receives a token and ActivityStarted is logged")
    clock = GateClock()
    queues, tokens = ActivityQueues(clock), TaskTokenRegistry()
    running = asyncio.ensure_future(
        ActivityIntegration(queues, tokens, clock).invoke(_invocation(heartbeat=5))
    )
    await settle()
    assert clock.sleeps == []  # no worker yet: nothing counts
    task = await queues.poll(ARN)
    assert task is not None
    await settle()
    assert clock.sleeps == [5]
    clock.gate.set()
    try:
        await running
    except HeartbeatTimedOut as error:
        assert (error.error, error.cause) == ("States.Timeout", None)
    else:
        raise AssertionError("expected a heartbeat timeout")
    assert tokens.state(task.token) == TokenState.CLOSED


async def test_a_task_no_worker_took_is_withdrawn_when_the_state_ends() -> None:
    clock = GateClock()
    queues, tokens = ActivityQueues(clock), TaskTokenRegistry()
    running = asyncio.ensure_future(
        ActivityIntegration(queues, tokens, clock).invoke(_invocation(heartbeat=5))
    )
    await settle()
    assert queues.queued(ARN) == 1
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert queues.queued(ARN) == 0


async def test_cancelling_the_task_closes_its_token() -> None:
    clock = GateClock()
    queues, tokens = ActivityQueues(clock), TaskTokenRegistry()
    running = asyncio.ensure_future(ActivityIntegration(queues, tokens, clock).invoke(_invocation()))
    task = await queues.poll(ARN)
    assert task is not None
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert tokens.state(task.token) == TokenState.CLOSED


async def test_polls_past_the_pollers_quota_are_refused_and_a_freed_place_is_reused() -> None:
    # https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html ("Pollers per Activity
    # ARN": GetActivityTask calls in parallel per ARN; past it, ActivityWorkerLimitExceeded).
    queues = ActivityQueues(GateClock(), max_pollers=2)
    first = asyncio.ensure_future(queues.poll(ARN))
    second = asyncio.ensure_future(queues.poll(ARN))
    await settle()
    with pytest.raises(TooManyPollers):
        await queues.poll(ARN)
    queues.submit(ARN, ActivityTask("t1", "{}"))
    await settle()
    assert first.done() and not second.done()
    third = asyncio.ensure_future(queues.poll(ARN))  # the delivered poll freed its place
    await settle()
    assert not third.done()
    for poll in (second, third):
        poll.cancel()
    await asyncio.gather(second, third, return_exceptions=True)


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html: ``error`` and
# ``cause`` are both optional; the task fails with what was sent (no invented empty name).
FAILURE_ROWS = [
    ("error and cause", "Worker.Broke", "disk full"),
    ("error only", "Worker.Broke", None),
    ("cause only", None, "disk full"),
    ("neither", None, None),
]


@pytest.mark.parametrize(("row", "error", "cause"), FAILURE_ROWS, ids=[r[0] for r in FAILURE_ROWS])
async def test_an_activity_fails_with_exactly_what_send_task_failure_sent(
    row: str, error: str | None, cause: str | None
) -> None:
    clock = GateClock()
    queues, tokens = ActivityQueues(clock), TaskTokenRegistry()
    running = asyncio.ensure_future(ActivityIntegration(queues, tokens, clock).invoke(_invocation()))
    task = await queues.poll(ARN)
    assert task is not None
    pending = tokens.find(task.token)
    assert pending is not None
    tokens.fail(pending, error, cause)
    with pytest.raises(StatesError) as raised:
        await running
    assert (raised.value.error, raised.value.cause) == (error, cause)
