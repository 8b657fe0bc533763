"""State type -> the unit doing its work. A new state type is one module here and one line in
``units``; TestState swaps entries (a mocked Map or Parallel) and keeps the rest."""

from __future__ import annotations

from typing import Any

from emulator.language.states.choice_state import ChoiceState
from emulator.language.states.fail_state import FailState
from emulator.language.states.map_state import MapState
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.pass_state import PassState
from emulator.language.states.registry import State
from emulator.language.states.succeed_state import SucceedState
from emulator.language.states.task_state import TaskState
from emulator.language.states.wait_state import WaitState
from emulator.model.types import Json
from emulator.runtime.recorder import Chain
from emulator.runtime.work.inline_map import InlineMapWork
from emulator.runtime.work.parallel import ParallelWork
from emulator.runtime.work.scope import Context, Outcome, Scope, Work
from emulator.runtime.work.simple import ChoiceWork, FailWork, PassWork, SucceedWork, WaitWork


class MapWork:
    """A Map runs its iterations inline, or as a Map Run of child executions (Distributed)."""

    failed_event: str | None = "MapStateFailed"
    stays_active_on_failure = False

    def __init__(self, inline: Work[MapState, Any], distributed: Work[MapState, Any]) -> None:
        self.inline = inline
        self.distributed = distributed

    def _unit(self, state: MapState) -> Work[MapState, Any]:
        return self.inline if state.distributed is None else self.distributed

    def prepare(self, scope: Scope, state: MapState, value: Json, context: Context, chain: Chain) -> object:
        prepared: object = self._unit(state).prepare(scope, state, value, context, chain)
        return prepared

    async def attempt(
        self, scope: Scope, state: MapState, prepared: object, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        return await self._unit(state).attempt(scope, state, prepared, value, context, chain)


def units(
    task: Work[TaskState, Any], distributed_map: Work[MapState, Any]
) -> dict[type[State], Work[Any, Any]]:
    """The units of every state type (the two that need services are built by the caller)."""
    return {
        PassState: PassWork(),
        TaskState: task,
        ChoiceState: ChoiceWork(),
        WaitState: WaitWork(),
        SucceedState: SucceedWork(),
        FailState: FailWork(),
        ParallelState: ParallelWork(),
        MapState: MapWork(InlineMapWork(), distributed_map),
    }
