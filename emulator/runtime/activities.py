"""Activity task queues: the interpreter ``submit``s tasks, workers long-poll with GetActivityTask.

A poll waits (through the clock, so WAIT_TIME_SCALE applies) up to ``poll_seconds`` for a task and
is woken by ``submit`` — no polling loop. A poll that times out returns None (AWS answers with no
task token).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.language.errors import ErrorName, HeartbeatTimedOut, StatesError
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json
from emulator.runtime.clock import Clock
from emulator.runtime.task_tokens import TaskOutcome, TaskTokenRegistry, TokenState, answer_of
from emulator.runtime.virtual_clock import parking

if TYPE_CHECKING:  # the registry pulls in the whole language layer: not on the start-up path
    from emulator.integrations.registry import TaskInvocation

POLL_SECONDS = 60.0
# Open GetActivityTask polls per activity ARN ("Pollers per Activity ARN: 1,000 pollers calling
# GetActivityTask in parallel per ARN", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
MAX_POLLERS = 1000


class TooManyPollers(Exception):
    """``MAX_POLLERS`` workers already wait on this activity (GetActivityTask answers
    ActivityWorkerLimitExceeded)."""


@dataclass(slots=True)
class ActivityTask:
    token: str
    input: str  # JSON text
    on_start: Callable[[str | None], None] | None = None  # called with the worker name on delivery


class ActivityQueues:
    def __init__(
        self, clock: Clock, poll_seconds: float = POLL_SECONDS, max_pollers: int = MAX_POLLERS
    ) -> None:
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._max_pollers = max_pollers
        self._tasks: dict[str, deque[ActivityTask]] = {}
        self._pollers: dict[str, deque[tuple[asyncio.Future[ActivityTask | None], str | None]]] = {}

    def submit(self, activity_arn: str, task: ActivityTask) -> None:
        """Hand ``task`` to the oldest waiting worker, or queue it for the next poll."""
        waiting = self._pollers.get(activity_arn)
        while waiting:
            future, worker_name = waiting.popleft()
            if not future.done():
                self._deliver(task, worker_name)
                future.set_result(task)
                return
        self._tasks.setdefault(activity_arn, deque()).append(task)

    def withdraw(self, activity_arn: str, token: str) -> bool:
        """Remove a queued task that no worker picked up yet (its state timed out or was aborted)."""
        queued = self._tasks.get(activity_arn)
        if not queued:
            return False
        for task in queued:
            if task.token == token:
                queued.remove(task)
                return True
        return False

    def discard(self, activity_arn: str) -> None:
        """The activity was deleted: queued tasks are dropped and waiting workers get nothing."""
        self._tasks.pop(activity_arn, None)
        for future, _worker in self._pollers.pop(activity_arn, ()):
            if not future.done():
                future.set_result(None)

    def queued(self, activity_arn: str) -> int:
        return len(self._tasks.get(activity_arn, ()))

    async def poll(self, activity_arn: str, worker_name: str | None = None) -> ActivityTask | None:
        queued = self._tasks.get(activity_arn)
        if queued:
            task = queued.popleft()
            self._deliver(task, worker_name)
            return task
        waiting = self._pollers.setdefault(activity_arn, deque())
        if len(waiting) >= self._max_pollers:
            raise TooManyPollers(activity_arn)
        future: asyncio.Future[ActivityTask | None] = asyncio.get_running_loop().create_future()
        entry = (future, worker_name)
        waiting.append(entry)
        timer: asyncio.Future[None] = asyncio.ensure_future(self._clock.sleep(self._poll_seconds))
        try:
            waiters: list[asyncio.Future[Any]] = [future, timer]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not future.done():
                future.cancel()
                with contextlib.suppress(ValueError):
                    waiting.remove(entry)
        return future.result() if not future.cancelled() else None

    @staticmethod
    def _deliver(task: ActivityTask, worker_name: str | None) -> None:
        if task.on_start is not None:
            task.on_start(worker_name)


class ActivityIntegration:
    """The Task integration for activity ARNs: queue the task for GetActivityTask, then wait for
    SendTaskSuccess/SendTaskFailure on its token.

    ``TimeoutSeconds`` and ``HeartbeatSeconds`` count from the moment a worker takes the task
    (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html: "For Activities, the
    count begins when GetActivityTask receives a token and ActivityStarted is logged"); until then
    only the execution's own ``TimeoutSeconds`` bounds the wait. A missed heartbeat is
    ``States.Timeout`` (``HeartbeatTimedOut``), recorded as ActivityTimedOut."""

    def __init__(
        self,
        queues: ActivityQueues,
        tokens: TaskTokenRegistry,
        clock: Clock,
        exists: Callable[[str], bool] | None = None,
    ) -> None:
        self._queues = queues
        self._tokens = tokens
        self._clock = clock
        self._exists = exists

    async def prepare(self, invocation: TaskInvocation) -> None:
        """A deleted (or never created) activity fails the state before anything is scheduled."""
        arn = invocation.resource.arn
        if self._exists is not None and not self._exists(arn):
            raise StatesError(ErrorName.RUNTIME, f"The activity {arn} does not exist.")

    async def invoke(self, invocation: TaskInvocation) -> Json:
        beat = asyncio.Event()
        started = asyncio.Event()
        pending = self._tokens.issue(invocation.account, invocation.region, on_heartbeat=beat.set)
        activity_arn = invocation.resource.arn
        on_started = invocation.on_started

        def taken(worker_name: str | None) -> None:
            started.set()
            if on_started is not None:
                on_started(worker_name)

        task = ActivityTask(pending.token, to_json_text(invocation.parameters), on_start=taken)
        self._queues.submit(activity_arn, task)
        try:
            with parking(self._clock):  # a worker's answer: a virtual clock does not skip meanwhile
                outcome = await self._outcome(
                    pending.outcome, started, beat, invocation.timeout_seconds, invocation.heartbeat_seconds
                )
        finally:
            self._queues.withdraw(activity_arn, pending.token)
            if self._tokens.state(pending.token) == TokenState.PENDING:
                self._tokens.close(pending.token)
        return answer_of(outcome)

    async def _outcome(
        self,
        outcome: asyncio.Future[TaskOutcome],
        started: asyncio.Event,
        beat: asyncio.Event,
        timeout_seconds: int | None,
        heartbeat_seconds: int | None,
    ) -> TaskOutcome:
        if timeout_seconds is None and heartbeat_seconds is None:
            return await asyncio.shield(outcome)
        taken: asyncio.Future[Any] = asyncio.ensure_future(started.wait())
        try:
            first: list[asyncio.Future[Any]] = [outcome, taken]
            await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
        finally:
            taken.cancel()
        if outcome.done():
            return outcome.result()
        deadline: asyncio.Future[None] | None = None
        if timeout_seconds is not None:
            deadline = asyncio.ensure_future(self._clock.sleep(timeout_seconds))
        try:
            while True:
                beat.clear()
                waiters: list[asyncio.Future[Any]] = [outcome]
                if deadline is not None:
                    waiters.append(deadline)
                timer: asyncio.Future[None] | None = None
                beaten: asyncio.Future[Any] | None = None
                if heartbeat_seconds is not None:
                    timer = asyncio.ensure_future(self._clock.sleep(heartbeat_seconds))
                    beaten = asyncio.ensure_future(beat.wait())
                    waiters += [timer, beaten]
                try:
                    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiter in (timer, beaten):
                        if waiter is not None:
                            waiter.cancel()
                if outcome.done():
                    return outcome.result()
                if deadline is not None and deadline.done():
                    raise StatesError(ErrorName.TIMEOUT, None)
                if timer is not None and not beat.is_set():
                    raise HeartbeatTimedOut()
        finally:
            if deadline is not None:
                deadline.cancel()
