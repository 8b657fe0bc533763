"""Choice: picks the next state from its rules, or ``Default``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.choice import ChoiceBranch, compile_choices
from emulator.language.states.common import StateCommon, parse_common
from emulator.model.types import Json


@dataclass(frozen=True, slots=True)
class ChoiceState:
    common: StateCommon
    choices: tuple[ChoiceBranch, ...]
    default: str | None


def parse_choice(name: str, raw: dict[str, Any], location: str, query_language: str) -> ChoiceState:
    return ChoiceState(
        common=parse_common(name, raw, location, query_language),
        choices=compile_choices(raw.get("Choices"), location),
        default=raw.get("Default"),
    )


def choose(state: ChoiceState, value: Json, context: Mapping[str, Json]) -> str:
    """The name of the next state; raises ``States.NoChoiceMatched`` when nothing matches."""
    for branch in state.choices:
        if branch.rule.matches(value, context):
            return branch.next
    if state.default is not None:
        return state.default
    raise StatesError(
        ErrorName.NO_CHOICE_MATCHED,
        f"No Choice Rules matched and no Default was specified for state: {state.common.name}",
    )
