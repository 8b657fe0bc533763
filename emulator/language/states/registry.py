"""The state types: the typed union and type name -> parser. A new state type is one module, a
member of ``State`` and one line in ``STATE_PARSERS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from emulator.language.states.choice_state import ChoiceState, parse_choice
from emulator.language.states.fail_state import FailState, parse_fail
from emulator.language.states.map_state import MapState, parse_map
from emulator.language.states.parallel_state import ParallelState, parse_parallel
from emulator.language.states.pass_state import PassState, parse_pass
from emulator.language.states.succeed_state import SucceedState, parse_succeed
from emulator.language.states.task_state import TaskState, parse_task
from emulator.language.states.wait_state import WaitState, parse_wait
from emulator.model.types import JsonObject

State: TypeAlias = (
    PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState
)

# (name, raw state object, location, inherited query language) -> the compiled state
StateParser = Callable[[str, JsonObject, str, str], State]

STATE_PARSERS: dict[str, StateParser] = {
    "Pass": parse_pass,
    "Task": parse_task,
    "Choice": parse_choice,
    "Wait": parse_wait,
    "Succeed": parse_succeed,
    "Fail": parse_fail,
    "Parallel": parse_parallel,
    "Map": parse_map,
}
