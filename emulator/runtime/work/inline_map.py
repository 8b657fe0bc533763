"""Inline Map states: the iterations run as flows of their own (at most MaxConcurrency, and AWS's
inline limit, at once); when one fails (or the execution is stopped) the others are aborted."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from emulator.language.errors import StatesError
from emulator.language.states.map_state import MapState
from emulator.model.types import Json
from emulator.runtime.recorder import Chain
from emulator.runtime.work.frames import BranchFrame, attempt_frame, resume_point, run_pooled
from emulator.runtime.work.scope import Context, Outcome, Scope

# Inline Map runs at most this many iterations at once (AWS's inline limit).
INLINE_MAP_CONCURRENCY = 40


@dataclass(frozen=True, slots=True)
class PreparedMap:
    """What a Map reads once, before its first attempt."""

    effective: Json  # the effective input (ItemSelector's ``$``)
    items: list[Json]
    concurrency: int


class InlineMapWork:
    failed_event: str | None = "MapStateFailed"
    stays_active_on_failure = False

    def prepare(
        self, scope: Scope, state: MapState, value: Json, context: Context, chain: Chain
    ) -> PreparedMap:
        return PreparedMap(*scope.dataflow.map_items(state, value, context, chain))

    async def attempt(
        self,
        scope: Scope,
        state: MapState,
        prepared: PreparedMap,
        value: Json,
        context: Context,
        chain: Chain,
    ) -> Outcome:
        async def iterations(frame: BranchFrame, memo: BranchFrame | None) -> list[Json]:
            return await _run_iterations(scope, state, prepared, context, frame, memo)

        frame = BranchFrame("Map", state.common.name, chain, iterations=True)
        details: dict[str, Json] = {"length": len(prepared.items)}
        results = await attempt_frame(scope.run.recorder, chain, frame, iterations, details)
        next_name = None if state.common.end else state.common.next
        dataflow = scope.dataflow
        if state.common.is_jsonata:
            return await dataflow.evaluated(dataflow.finish, state, value, results, context, chain), next_name
        return dataflow.finish(state, value, results, context, chain), next_name


async def _run_iterations(
    scope: Scope,
    state: MapState,
    prepared: PreparedMap,
    context: Context,
    frame: BranchFrame,
    memo: BranchFrame | None,
) -> list[Json]:
    """Run the iterations; on success ``frame.chain.last`` is the last MapIterationSucceeded."""
    recorder = scope.run.recorder
    dataflow = scope.dataflow
    name = state.common.name
    chain = frame.chain
    value, items = prepared.effective, prepared.items
    results: list[Json] = [None] * len(items)
    # AWS: an iteration starts from the event the previous one ended on (not from its outcome
    # event); the Map's own outcome follows the last MapIterationSucceeded.
    start_from = chain.last
    last_outcome = chain.last
    concurrency = prepared.concurrency
    workers = len(items) if concurrency <= 0 else min(concurrency, len(items))
    workers = min(workers, INLINE_MAP_CONCURRENCY)
    # With several iterations at once AWS starts them all (their MapIterationStarted events, each
    # following MapStateStarted) before any enters its first state; then each runs until it waits.
    concurrent = workers > 1

    async def iteration(index: int) -> None:
        nonlocal start_from, last_outcome
        if memo is not None and index in memo.results:  # redriven: an iteration that succeeded is kept
            results[index] = frame.results[index] = memo.results[index]
            return
        if state.common.is_jsonata:
            item = await dataflow.evaluated(
                dataflow.map_item, state, value, index, items[index], context, chain
            )
        else:
            item = dataflow.map_item(state, value, index, items[index], context, chain)
        own = chain.inner(
            recorder.add(
                "MapIterationStarted",
                start_from,
                "mapIterationStartedEventDetails",
                {"name": name, "index": index},
            ),
            concurrent,
        )
        start, item = resume_point(memo, index, own, item)
        frame.flows[index] = frame.started[index] = own
        try:
            if concurrent:
                await asyncio.sleep(0)
                if frame.failing is not None:
                    return
            results[index] = await scope.run_machine(state.processor, item, own, start)
        except StatesError:
            if concurrent:
                # AWS handles an iteration's failure after what the others record at the same
                # moment (several Tasks timing out together: every TaskTimedOut, then one
                # MapIterationFailed; the other iterations are aborted, timed out or not).
                await asyncio.sleep(0)
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

    await run_pooled(len(items), workers, iteration, lambda: frame.failing is not None)
    chain.last = last_outcome
    return results
