"""Parallel states: the branches run as flows of their own on the same input; when one fails (or
the execution is stopped) the others are aborted and their aborts recorded as AWS does."""

from __future__ import annotations

import asyncio

from emulator.language.errors import StatesError
from emulator.language.states.parallel_state import ParallelState
from emulator.model.types import Json
from emulator.runtime.recorder import Chain
from emulator.runtime.work.frames import BranchFrame, all_or_first_failure, attempt_frame, resume_point
from emulator.runtime.work.scope import Context, Outcome, Scope


class ParallelWork:
    failed_event: str | None = "ParallelStateFailed"
    stays_active_on_failure = False

    def prepare(
        self, scope: Scope, state: ParallelState, value: Json, context: Context, chain: Chain
    ) -> Json:
        """The branches' input (Parameters / Arguments)."""
        return scope.dataflow.arguments(state.common, state.parameters, value, context, chain)

    async def attempt(
        self, scope: Scope, state: ParallelState, prepared: Json, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        recorder = scope.run.recorder

        async def branches(frame: BranchFrame, memo: BranchFrame | None) -> list[Json]:
            concurrent = len(state.branches) > 1
            chains = [chain.inner(chain.last, concurrent) for _ in state.branches]
            results = await _run_branches(scope, state, prepared, chains, frame, memo)
            chain.last = max(branch.last for branch in chains)
            return results

        frame = BranchFrame("Parallel", state.common.name, chain, iterations=False)
        output = await attempt_frame(recorder, chain, frame, branches)
        recorder.remember_text(output, "[" + ",".join(recorder.text(item) for item in output) + "]")
        next_name = None if state.common.end else state.common.next
        dataflow = scope.dataflow
        if state.common.is_jsonata:
            return await dataflow.evaluated(dataflow.finish, state, value, output, context, chain), next_name
        return dataflow.finish(state, value, output, context, chain), next_name


async def _run_branches(
    scope: Scope,
    state: ParallelState,
    value: Json,
    chains: list[Chain],
    frame: BranchFrame,
    memo: BranchFrame | None,
) -> list[Json]:
    async def branch(index: int) -> Json:
        own = chains[index]
        if memo is not None and index in memo.results:  # redriven: a branch that succeeded is kept
            frame.results[index] = memo.results[index]
            return memo.results[index]
        start, start_value = resume_point(memo, index, own, value)
        frame.flows[index] = frame.started[index] = own
        try:
            result = await scope.run_machine(state.branches[index], start_value, own, start)
        except StatesError:
            if own.concurrent:
                # After what the other branches record at the same moment (as a Map's iterations).
                await asyncio.sleep(0)
            if frame.failing is not None:  # a sibling failed first: this branch is aborted with the rest
                return None
            frame.flows.pop(index, None)  # gone when the frame was aborted
            frame.failing = own
            raise
        frame.flows.pop(index, None)
        frame.results[index] = result
        return result

    if len(state.branches) == 1:
        return [await branch(0)]
    return await all_or_first_failure([asyncio.ensure_future(branch(i)) for i in range(len(state.branches))])
