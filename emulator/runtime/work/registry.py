"""State type -> the unit doing its work. A new state type is one module here and one line in
``units``; TestState swaps entries (a mocked Map or Parallel) and keeps the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, cast

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
from emulator.runtime.work.distributed_map import DistributedMapWork, PreparedDistributedMap
from emulator.runtime.work.inline_map import InlineMapWork, PreparedMap
from emulator.runtime.work.parallel import ParallelWork
from emulator.runtime.work.scope import Context, Outcome, Scope, Work
from emulator.runtime.work.simple import ChoiceWork, FailWork, PassWork, SucceedWork, WaitWork
from emulator.runtime.work.task import TaskWork


class MapWork:
    """A Map runs its iterations inline, or as a Map Run of child executions (Distributed)."""

    failed_event: str | None = "MapStateFailed"
    stays_active_on_failure = False

    def __init__(self, inline: InlineMapWork, distributed: DistributedMapWork) -> None:
        self.inline = inline
        self.distributed = distributed

    def prepare(
        self, scope: Scope, state: MapState, value: Json, context: Context, chain: Chain
    ) -> PreparedMap | PreparedDistributedMap:
        if state.distributed is None:
            return self.inline.prepare(scope, state, value, context, chain)
        return self.distributed.prepare(scope, state, value, context, chain)

    async def attempt(
        self,
        scope: Scope,
        state: MapState,
        prepared: PreparedMap | PreparedDistributedMap,
        value: Json,
        context: Context,
        chain: Chain,
    ) -> Outcome:
        if isinstance(prepared, PreparedMap):
            return await self.inline.attempt(scope, state, prepared, value, context, chain)
        return await self.distributed.attempt(scope, state, prepared, value, context, chain)


StateT = TypeVar("StateT", bound=State)
PreparedT = TypeVar("PreparedT")


class WorkRegistry:
    """The unit of each state type. Registering is typed (a unit for ``TaskState`` takes a
    ``TaskState``); looking up by a state's own type is where the registry vouches for the pair."""

    __slots__ = ("_units",)

    def __init__(self, units: Mapping[type, Work[State, object]] | None = None) -> None:
        self._units: dict[type, Work[State, object]] = dict(units or {})

    @classmethod
    def standard(cls, task: TaskWork, distributed_map: DistributedMapWork) -> WorkRegistry:
        """Every state type's unit (the two that need services are built by the caller)."""
        return (
            cls()
            .with_unit(PassState, PassWork())
            .with_unit(TaskState, task)
            .with_unit(ChoiceState, ChoiceWork())
            .with_unit(WaitState, WaitWork())
            .with_unit(SucceedState, SucceedWork())
            .with_unit(FailState, FailWork())
            .with_unit(ParallelState, ParallelWork())
            .with_unit(MapState, MapWork(InlineMapWork(), distributed_map))
        )

    def with_unit(self, state_type: type[StateT], unit: Work[StateT, PreparedT]) -> WorkRegistry:
        """A registry with ``unit`` doing the work of ``state_type`` (the rest unchanged)."""
        units = dict(self._units)
        # The registry vouches for the pair: a state of ``state_type`` only ever meets ``unit``.
        units[state_type] = cast("Work[State, object]", unit)
        return WorkRegistry(units)

    def unit_for(self, state: State) -> Work[State, object]:
        return self._units[type(state)]

    @property
    def by_type(self) -> Mapping[type, Work[State, object]]:
        """State type -> unit, for the executor's lookup on every state."""
        return self._units
