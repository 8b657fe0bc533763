"""State type -> parser. A new state type is one module and one line here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.language.states.choice_state import parse_choice
from emulator.language.states.fail_state import parse_fail
from emulator.language.states.map_state import parse_map
from emulator.language.states.parallel_state import parse_parallel
from emulator.language.states.pass_state import parse_pass
from emulator.language.states.succeed_state import parse_succeed
from emulator.language.states.task_state import parse_task
from emulator.language.states.wait_state import parse_wait

StateParser = Callable[[str, dict[str, Any], str, str], Any]

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
