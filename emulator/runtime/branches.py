"""Parallel and inline Map states: branches / iterations run as flows of their own, and when one
fails (or the execution is stopped) the others are aborted and their aborts recorded as AWS does.

``Engine`` inherits ``Branches``; the mixin uses the engine's state machine runner and its retry
and result helpers (and ``DistributedMaps`` to abort a Map Run).
"""

from __future__ import annotations

import asyncio
from collections import ChainMap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.language.errors import StatesError
from emulator.language.evaluate.jsonata import QueryEvaluationError
from emulator.language.states.map_state import MapState
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.task_state import TaskState
from emulator.model.types import Json
from emulator.runtime.engine_base import EngineBase
from emulator.runtime.recorder import Chain, Recorder
from emulator.runtime.run import Run

if TYPE_CHECKING:
    from emulator.runtime.map_run_executor import MapRunFrame

# Inline Map runs at most this many iterations at once (AWS's inline limit).
INLINE_MAP_CONCURRENCY = 40


@dataclass(slots=True)
class Frame:
    """A running Map or Parallel state: its branches / iterations still running (``flows``, by
    index) and the one that failed first, so a failure or StopExecution can record their aborts."""

    kind: str
    name: str
    chain: Chain
    flows: dict[int, Chain] = field(default_factory=dict)
    failing: Chain | None = None
    # For RedriveExecution: every flow this attempt started, and the results of those that succeeded.
    started: dict[int, Chain] = field(default_factory=dict)
    results: dict[int, Json] = field(default_factory=dict)


class Branches(EngineBase):
    if TYPE_CHECKING:

        def _abort_map_run(self, frame: MapRunFrame, previous: int, recorder: Any) -> None: ...

    # --- Parallel -------------------------------------------------------------------------------

    async def _work_parallel(
        self, run: Run, state: ParallelState, value: Json, context: dict[str, Any], chain: Chain
    ) -> Json:
        recorder = run.recorder
        try:
            effective = self.dataflow.arguments(state.common, state.parameters, value, context, chain)
        except QueryEvaluationError as failure:
            failure.before_start = True  # type: ignore[attr-defined]
            raise

        async def attempt(frame: Frame, memo: Frame | None) -> list[Json]:
            chains = [chain.inner(chain.last) for _ in state.branches]
            results = await self._run_branches(run, state, effective, chains, frame, memo)
            chain.last = max(branch.last for branch in chains)
            return results

        output = await self._run_attempts(run, state, "Parallel", context, chain, attempt)
        recorder.remember_text(output, "[" + ",".join(recorder.text(item) for item in output) + "]")
        return self._finish_result(state, value, output, context, chain)

    async def _run_attempts(
        self,
        run: Run,
        state: ParallelState | MapState,
        kind: str,
        context: dict[str, Any],
        chain: Chain,
        attempt: Callable[[Frame, Frame | None], Awaitable[list[Json]]],
        started_details: dict[str, Any] | None = None,
    ) -> list[Json]:
        """Run a Parallel's branches / a Map's iterations (``attempt``) until they succeed or no
        retrier takes their failure: ``<kind>StateStarted`` before each attempt, the aborts of the
        flows still running after a failure, then ``<kind>StateSucceeded`` or ``<kind>StateFailed``."""
        recorder = run.recorder
        key = None if started_details is None else "mapStateStartedEventDetails"
        attempts = [0] * len(state.retry)
        memo, chain.resume = chain.resume, None  # RedriveExecution: the attempt to take up
        while True:
            chain.last = recorder.add(f"{kind}StateStarted", chain.last, key, started_details)
            frame = Frame(kind, state.common.name, chain)
            chain.frame = chain.last_frame = frame
            try:
                results = await attempt(frame, memo)
            except StatesError as failure:
                chain.frame = memo = None
                failing = getattr(failure, "chain_last", chain.last)
                self._abort_siblings(recorder, frame, failing)
                if await self._retry_pause(run, state, failure, attempts, context):
                    chain.last = failing
                    continue
                chain.last = recorder.add(f"{kind}StateFailed", failing)
                raise
            chain.frame = None
            recorder.add(f"{kind}StateSucceeded", chain.last)
            return results

    async def _run_branches(
        self,
        run: Run,
        state: ParallelState,
        value: Json,
        chains: list[Chain],
        frame: Frame,
        memo: Frame | None = None,
    ) -> list[Json]:
        async def branch(index: int) -> Json:
            own = chains[index]
            if memo is not None and index in memo.results:  # redriven: a branch that succeeded is kept
                frame.results[index] = memo.results[index]
                return memo.results[index]
            start, start_value = _resume_point(memo, index, own, value)
            frame.flows[index] = frame.started[index] = own
            try:
                result = await self._run_machine(run, state.branches[index], start_value, own, start)
            except StatesError as failure:
                if frame.failing is not None:  # a sibling failed first: this branch is aborted with the rest
                    return None
                frame.flows.pop(index, None)  # gone when the frame was aborted
                frame.failing = own
                failure.chain_last = own.last  # type: ignore[attr-defined]
                raise
            frame.flows.pop(index, None)
            frame.results[index] = result
            return result

        if len(state.branches) == 1:
            return [await branch(0)]
        return await all_or_first_failure(
            [asyncio.ensure_future(branch(i)) for i in range(len(state.branches))]
        )

    # --- aborts ---------------------------------------------------------------------------------

    def _abort_siblings(self, recorder: Recorder, frame: Frame, failing: int) -> None:
        """A branch / iteration failed: AWS records the abort of the Task it failed in, then of every
        branch / iteration still running (and what runs in them), all linked to the failure's event."""
        if frame.failing is not None:
            self._abort_flow(recorder, frame.failing, failing)
            frame.failing = None
        self._abort_flows(recorder, frame, failing)

    def _abort_flows(self, recorder: Recorder, frame: Frame, previous: int | None) -> None:
        for index, flow in sorted(frame.flows.items()):
            if frame.kind == "Map":
                recorder.add(
                    "MapIterationAborted",
                    frame.chain.last if previous is None else previous,
                    "mapIterationAbortedEventDetails",
                    {"name": frame.name, "index": index},
                )
            self._abort_flow(recorder, flow, previous)
        frame.flows.clear()

    def _abort_flow(self, recorder: Recorder, flow: Chain, previous: int | None) -> None:
        """Record the abort of the state running in ``flow`` (a branch or an iteration)."""
        active, flow.active = flow.active, None
        if active is None:
            return
        if flow.frame is not None:
            self._abort_frame(recorder, flow.frame, previous)
            flow.frame = None
            return
        recorder.add(f"{active}StateAborted", flow.last if previous is None else previous)

    def _abort_frame(self, recorder: Recorder, frame: Any, previous: int | None) -> None:
        """A Map / Parallel / Map Run given up from outside: its branches' aborts, then its own.
        ``previous`` None (StopExecution): each event follows its own flow's latest event."""
        at = frame.chain.last if previous is None else previous
        if frame.kind == "MapRun":
            self._abort_map_run(frame, at, recorder)
            recorder.add("MapStateAborted", at)
            return
        self._abort_flows(recorder, frame, previous)
        recorder.add(f"{frame.kind}StateAborted", at)

    # --- Map ------------------------------------------------------------------------------------

    async def _work_map(
        self, run: Run, state: MapState, value: Json, context: dict[str, Any], chain: Chain
    ) -> Json:
        try:
            effective, items, concurrency = self.dataflow.map_items(state, value, context, chain)
        except QueryEvaluationError as failure:
            failure.before_start = True  # type: ignore[attr-defined]
            raise

        async def attempt(frame: Frame, memo: Frame | None) -> list[Json]:
            return await self._run_iterations(run, state, effective, items, context, concurrency, frame, memo)

        results = await self._run_attempts(
            run, state, "Map", context, chain, attempt, started_details={"length": len(items)}
        )
        return self._finish_result(state, value, results, context, chain)

    async def _run_iterations(
        self,
        run: Run,
        state: MapState,
        value: Json,
        items: list[Json],
        context: dict[str, Any],
        concurrency: int,
        frame: Frame,
        memo: Frame | None = None,
    ) -> list[Json]:
        """Run the iterations; on success ``frame.chain.last`` is the last MapIterationSucceeded."""
        recorder = run.recorder
        name = state.common.name
        chain = frame.chain
        results: list[Json] = [None] * len(items)
        dataflow = self.dataflow
        # AWS: an iteration starts from the event the previous one ended on (not from its outcome
        # event); the Map's own outcome follows the last MapIterationSucceeded.
        start_from = chain.last
        last_outcome = chain.last
        workers = len(items) if concurrency <= 0 else min(concurrency, len(items))
        workers = min(workers, INLINE_MAP_CONCURRENCY)
        # With several iterations at once AWS starts the next iterations before an iteration enters
        # a Task (their MapIterationStarted events come first); states that do not wait run inline.
        task_first = workers > 1 and isinstance(state.processor.states[state.processor.start_at], TaskState)

        async def iteration(index: int) -> None:
            nonlocal start_from, last_outcome
            if memo is not None and index in memo.results:  # redriven: an iteration that succeeded is kept
                results[index] = frame.results[index] = memo.results[index]
                return
            item = dataflow.map_item(state, value, index, items[index], context, chain)
            own = chain.inner(
                recorder.add(
                    "MapIterationStarted",
                    start_from,
                    "mapIterationStartedEventDetails",
                    {"name": name, "index": index},
                )
            )
            start, item = _resume_point(memo, index, own, item)
            frame.flows[index] = frame.started[index] = own
            try:
                if task_first:
                    await asyncio.sleep(0)
                    if frame.failing is not None:
                        return
                results[index] = await self._run_machine(run, state.processor, item, own, start)
            except StatesError as failure:
                if frame.failing is not None:  # another iteration failed first: aborted with the rest
                    return
                frame.flows.pop(index, None)
                frame.failing = own
                recorder.add(
                    "MapIterationFailed",
                    own.last,
                    "mapIterationFailedEventDetails",
                    {"name": name, "index": index},
                )
                failure.chain_last = own.last  # type: ignore[attr-defined]
                raise
            frame.flows.pop(index, None)
            frame.results[index] = results[index]
            last_outcome = recorder.add(
                "MapIterationSucceeded",
                own.last,
                "mapIterationSucceededEventDetails",
                {"name": name, "index": index},
            )
            start_from = own.last

        if workers <= 1:
            for index in range(len(items)):
                await iteration(index)
            chain.last = last_outcome
            return results
        next_index = 0

        async def worker() -> None:
            nonlocal next_index
            while next_index < len(items) and frame.failing is None:
                index = next_index
                next_index += 1
                await iteration(index)

        await all_or_first_failure([asyncio.ensure_future(worker()) for _ in range(workers)])
        chain.last = last_outcome
        return results


def _resume_point(memo: Frame | None, index: int, own: Chain, value: Json) -> tuple[str | None, Json]:
    """Redriving a Map / Parallel: a branch / iteration that failed or was aborted continues from the
    state it stopped in, with that state's input and its own variables (``own`` takes them up)."""
    old = None if memo is None else memo.started.get(index)
    if old is None or old.state is None:
        return None, value
    scope = old.variables.maps[0] if isinstance(old.variables, ChainMap) else {}
    own.variables = ChainMap(scope, *own.variables.maps[1:]) if isinstance(own.variables, ChainMap) else scope
    own.resume = old.last_frame
    return old.state, old.value


async def all_or_first_failure(tasks: list[asyncio.Future[Any]]) -> list[Any]:
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
        if task.done() and not task.cancelled() and task.exception() is not None:
            for other in tasks:
                other.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise task.exception()  # type: ignore[misc]
    return [task.result() for task in tasks]


def _consume_outcome(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
