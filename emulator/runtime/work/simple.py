"""The states that run nothing: Pass, Choice, Wait, Succeed and Fail (their data steps are
``DataFlow``'s; Wait waits through the scope). They have no retriers: one attempt each."""

from __future__ import annotations

from emulator.language.states.choice_state import ChoiceState
from emulator.language.states.common import StateCommon
from emulator.language.states.fail_state import FailState
from emulator.language.states.pass_state import PassState
from emulator.language.states.succeed_state import SucceedState
from emulator.language.states.wait_state import WaitState
from emulator.model.types import Json
from emulator.runtime.recorder import Chain
from emulator.runtime.work.scope import Context, Outcome, Scope


def _next_of(common: StateCommon) -> str | None:
    return None if common.end else common.next


class _Simple:
    """No preparation, no state-level failure event."""

    failed_event: str | None = None
    stays_active_on_failure = False

    def prepare(self, scope: Scope, state: object, value: Json, context: Context, chain: Chain) -> None:
        return None


class PassWork(_Simple):
    async def attempt(
        self, scope: Scope, state: PassState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        common = state.common
        dataflow = scope.dataflow
        if common.is_jsonata:
            output = await dataflow.evaluated(dataflow.run_pass, state, value, context, chain)
        else:
            output = dataflow.run_pass(state, value, context, chain)
        return output, None if common.end else common.next


class ChoiceWork(_Simple):
    async def attempt(
        self, scope: Scope, state: ChoiceState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        dataflow = scope.dataflow
        if state.common.is_jsonata:
            return await dataflow.evaluated(dataflow.run_choice, state, value, context, chain)
        return dataflow.run_choice(state, value, context, chain)


class WaitWork(_Simple):
    async def attempt(
        self, scope: Scope, state: WaitState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        dataflow = scope.dataflow
        if state.common.is_jsonata:
            seconds, effective = await dataflow.evaluated(
                dataflow.wait_seconds, state, value, context, chain, scope.now()
            )
            await scope.wait(seconds)
            output = await dataflow.evaluated(
                dataflow.pass_through, state.common, value, effective, context, chain
            )
            return output, _next_of(state.common)
        seconds, effective = dataflow.wait_seconds(state, value, context, chain, scope.now())
        await scope.wait(seconds)
        return dataflow.pass_through(state.common, value, effective, context, chain), _next_of(state.common)


class SucceedWork(_Simple):
    async def attempt(
        self, scope: Scope, state: SucceedState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        dataflow = scope.dataflow
        effective = dataflow.effective_input(state.common, value, context, chain)
        if state.common.is_jsonata:
            output = await dataflow.evaluated(
                dataflow.pass_through, state.common, value, effective, context, chain
            )
            return output, None
        return dataflow.pass_through(state.common, value, effective, context, chain), None


class FailWork(_Simple):
    async def attempt(
        self, scope: Scope, state: FailState, prepared: None, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        dataflow = scope.dataflow
        if state.common.is_jsonata:
            raise await dataflow.evaluated(dataflow.failure, state, value, context, chain)
        raise dataflow.failure(state, value, context, chain)
