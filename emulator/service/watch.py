"""Watching executions as they run: the one place events are pushed from.

The engine tells ``ExecutionEvents`` (``env.execution_events``) of every event any execution
appends; subscribers (execution log lines, the console's push endpoint, the testing kit's waits)
are called on the event loop, in order, right after the event is recorded. A subscriber must be
quick and must not raise: it runs on the execution's own path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from emulator.model.history import HistoryEvent
from emulator.model.records import Execution

if TYPE_CHECKING:  # environment.py builds the hub: no import cycle at run time
    from emulator.service.environment import RequestContext, ServiceEnvironment

log = logging.getLogger("emulator.service.watch")

Subscriber = Callable[[Execution, HistoryEvent], None]

# The events after which an execution records nothing more (until a RedriveExecution).
TERMINAL_EVENTS = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}
)


class ExecutionEvents:
    """The hub: subscribers for every execution, and watchers of one execution by ARN."""

    __slots__ = ("_subscribers", "_watchers")

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._watchers: dict[str, list[asyncio.Queue[HistoryEvent]]] = {}

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber(execution, event)`` for every event; returns the unsubscribe function."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def __call__(self, execution: Execution, event: HistoryEvent) -> None:
        for subscriber in self._subscribers:
            try:
                subscriber(execution, event)
            except Exception:  # a broken subscriber must never break the execution
                log.exception("execution event subscriber failed")
        queues = self._watchers.get(execution.arn)
        if queues:
            for queue in queues:
                queue.put_nowait(event)

    def _watch(self, arn: str) -> asyncio.Queue[HistoryEvent]:
        queue: asyncio.Queue[HistoryEvent] = asyncio.Queue()
        self._watchers.setdefault(arn, []).append(queue)
        return queue

    def _unwatch(self, arn: str, queue: asyncio.Queue[HistoryEvent]) -> None:
        queues = self._watchers.get(arn)
        if queues is not None and queue in queues:
            queues.remove(queue)
            if not queues:
                del self._watchers[arn]


async def watch_execution(
    env: ServiceEnvironment,
    context: RequestContext,
    execution_arn: str,
    follow_redrives: bool = False,
    map_run_express: bool = False,
) -> AsyncIterator[HistoryEvent]:
    """The execution's events: those recorded so far, then each new one as it is appended, ending
    after its terminal event (``follow_redrives``: keep waiting, a redrive appends more).
    Raises ``ExecutionDoesNotExist`` (as DescribeExecution does) for an unknown ARN.
    ``map_run_express``: an EXPRESS child of a Map Run is watched too (the console shows what the
    emulator recorded of it; the AWS API has no history for it)."""
    from emulator.service.executions import get_execution

    execution = get_execution(env, context, execution_arn, map_run_express=map_run_express)
    hub = env.execution_events
    queue = hub._watch(execution.arn)
    try:
        events = execution.history.events
        sent = 0
        for event in list(events):
            sent = event.id
            yield event
            if event.type in TERMINAL_EVENTS and sent == len(events) and not follow_redrives:
                return
        while True:
            event = await queue.get()
            if event.id <= sent:  # recorded before we started listening: already yielded
                continue
            sent = event.id
            yield event
            if event.type in TERMINAL_EVENTS and not follow_redrives:
                return
    finally:
        hub._unwatch(execution.arn, queue)
