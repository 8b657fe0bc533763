"""Running Map / Parallel states (frames) and the aborts AWS records when they are given up.

A frame is what a flow's active state runs: a ``BranchFrame`` (the branches of a Parallel, the
iterations of an inline Map) or a ``MapRunFrame`` (a Distributed Map's run, in
``distributed_map.py``). Each knows how to record its own abort: a failure in one branch, or
StopExecution, aborts the rest through ``Frame.abort`` without asking what kind of frame it is.
"""

from __future__ import annotations

import asyncio
from collections import ChainMap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from emulator.language.errors import StatesError
from emulator.model.types import Json
from emulator.runtime.failures import AttemptFailed, AttemptFailure
from emulator.runtime.recorder import Chain, Recorder

T = TypeVar("T")


class Frame(Protocol):
    """A running Map / Parallel / Map Run, as an abort sees it."""

    @property
    def chain(self) -> Chain: ...

    def abort(self, recorder: Recorder, previous: int | None) -> None:
        """Record the abort of what runs in the frame, then of the frame's state. ``previous``
        None (StopExecution): each event follows its own flow's latest event."""
        ...


@dataclass(slots=True)
class BranchFrame:
    """A running Parallel (``type_name`` "Parallel") or inline Map ("Map"): its branches /
    iterations still running (``flows``, by index) and the one that failed first, so a failure or
    StopExecution can record their aborts."""

    type_name: str
    name: str
    chain: Chain
    iterations: bool  # an inline Map: each aborted flow also records MapIterationAborted
    flows: dict[int, Chain] = field(default_factory=dict)
    failing: Chain | None = None
    # For RedriveExecution: every flow this attempt started, and the results of those that succeeded.
    started: dict[int, Chain] = field(default_factory=dict)
    results: dict[int, Json] = field(default_factory=dict)

    def abort(self, recorder: Recorder, previous: int | None) -> None:
        self.abort_flows(recorder, previous)
        recorder.add(f"{self.type_name}StateAborted", self.chain.last if previous is None else previous)

    def abort_siblings(self, recorder: Recorder, failing: int) -> None:
        """A branch / iteration failed: AWS records the abort of the Task it failed in, then of
        every branch / iteration still running (and what runs in them), linked to the failure."""
        if self.failing is not None:
            abort_flow(recorder, self.failing, failing)
            self.failing = None
        self.abort_flows(recorder, failing)

    def abort_flows(self, recorder: Recorder, previous: int | None) -> None:
        for index, flow in sorted(self.flows.items()):
            if self.iterations:
                recorder.add(
                    "MapIterationAborted",
                    self.chain.last if previous is None else previous,
                    "mapIterationAbortedEventDetails",
                    {"name": self.name, "index": index},
                )
            abort_flow(recorder, flow, previous)
        self.flows.clear()

    def failed_event(self, fallback: int) -> int:
        """The event the failing branch / iteration ended on (``fallback``: none failed)."""
        return fallback if self.failing is None else self.failing.last


def abort_flow(recorder: Recorder, flow: Chain, previous: int | None) -> None:
    """Record the abort of the state running in ``flow`` (a branch, an iteration, the execution)."""
    active, flow.active = flow.active, None
    if active is None:
        return
    if flow.frame is not None:
        flow.frame.abort(recorder, previous)
        flow.frame = None
        return
    if active in _ABORTABLE:
        recorder.add(f"{active}StateAborted", flow.last if previous is None else previous)


# The states with an abort event (HistoryEvent's types: TaskStateAborted, WaitStateAborted; Map and
# Parallel record theirs through their frame). Pass, Choice, Succeed and Fail have none.
_ABORTABLE = frozenset({"Task", "Wait", "Map", "Parallel"})


def resume_point(memo: BranchFrame | None, index: int, own: Chain, value: Json) -> tuple[str | None, Json]:
    """Redriving a Map / Parallel: a branch / iteration that failed or was aborted continues from the
    state it stopped in, with that state's input and its own variables (``own`` takes them up)."""
    old = None if memo is None else memo.started.get(index)
    if old is None or old.state is None:
        return None, value
    scope = old.variables.maps[0] if isinstance(old.variables, ChainMap) else {}
    own.variables = ChainMap(scope, *own.variables.maps[1:]) if isinstance(own.variables, ChainMap) else scope
    own.resume = old.last_frame
    return old.state, old.value


async def all_or_first_failure(tasks: list[asyncio.Future[T]]) -> list[T]:
    """Await the tasks; on the first failure cancel the others and raise it."""
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
            # A task may still end in an error (an integration answering its cancellation with one):
            # nobody awaits it any more, so take the error here rather than have asyncio log it.
            task.add_done_callback(_consume_outcome)
        raise
    for task in tasks:
        failure = task.exception() if task.done() and not task.cancelled() else None
        if failure is not None:
            for other in tasks:
                other.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise failure
    return [task.result() for task in tasks]


async def run_pooled(
    count: int, workers: int, job: Callable[[int], Awaitable[None]], stopped: Callable[[], bool] | None = None
) -> None:
    """``job(0)`` … ``job(count - 1)``, started in index order, at most ``workers`` at once (one:
    one after the other); the first failure cancels the rest. ``stopped``: start no more jobs."""
    next_index = 0

    async def worker() -> None:
        nonlocal next_index
        while next_index < count and (stopped is None or not stopped()):
            index = next_index
            next_index += 1
            await job(index)

    if workers <= 1:
        await worker()
    else:
        await all_or_first_failure([asyncio.ensure_future(worker()) for _ in range(workers)])


def _consume_outcome(task: asyncio.Future[T]) -> None:
    if not task.cancelled():
        task.exception()


async def attempt_frame(
    recorder: Recorder,
    chain: Chain,
    frame: BranchFrame,
    body: Callable[[BranchFrame, BranchFrame | None], Awaitable[list[Json]]],
    started_details: dict[str, Json] | None = None,
) -> list[Json]:
    """One attempt of a Parallel's branches / a Map's iterations (``body``): ``<Type>StateStarted``,
    then ``<Type>StateSucceeded``, or the aborts of the flows still running and ``AttemptFailed``
    (the retry loop records ``<Type>StateFailed`` when no retrier takes it)."""
    memo, chain.resume = chain.resume, None  # RedriveExecution: the attempt to take up
    key = None if started_details is None else "mapStateStartedEventDetails"
    chain.last = recorder.add(f"{frame.type_name}StateStarted", chain.last, key, started_details)
    chain.frame = chain.last_frame = frame
    try:
        results = await body(frame, memo)
    except StatesError as failure:
        chain.frame = None
        failing = frame.failed_event(chain.last)
        frame.abort_siblings(recorder, failing)
        raise AttemptFailed(AttemptFailure(failure, failing)) from None
    chain.frame = None
    recorder.add(f"{frame.type_name}StateSucceeded", chain.last)
    return results
