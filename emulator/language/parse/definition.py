"""Compile a (validated) definition document into a frozen tree of states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from emulator.language.errors import DefinitionError, required_fields_message
from emulator.language.evaluate.variables import variable_references
from emulator.language.states.common import JSONPATH, fail
from emulator.language.validated import optional_integer, optional_text, text
from emulator.model.types import Json, JsonObject

if TYPE_CHECKING:
    from emulator.language.states.registry import State


@dataclass(frozen=True, slots=True)
class Definition:
    """A state machine, or a Parallel branch / Map item processor (same shape)."""

    start_at: str
    states: dict[str, State]  # name -> compiled state (never mutated after compilation)
    timeout_seconds: int | None = None
    query_language: str = JSONPATH
    comment: str | None = None
    # State name -> sorted names of the variables it reads, for this machine and every branch /
    # item processor inside it (DescribeStateMachine's ``variableReferences``; states that read
    # none are left out).
    variable_references: dict[str, tuple[str, ...]] = field(default_factory=dict)


def compile_machine(document: Json, location: str = "", query_language: str = JSONPATH) -> Definition:
    from emulator.language.states.registry import STATE_PARSERS

    if not isinstance(document, dict):
        raise fail("Expected value of type Object", location or "/")
    language = text(document.get("QueryLanguage", query_language))
    states_raw = document.get("States")
    start_at = document.get("StartAt")
    if not isinstance(states_raw, dict) or not isinstance(start_at, str):
        raise fail(required_fields_message("StartAt", "States"), location or "/")
    states: dict[str, State] = {}
    references: dict[str, tuple[str, ...]] = {}
    for name, raw in states_raw.items():
        where = f"{location}/States/{name}"
        if not isinstance(raw, dict):
            raise fail("Expected value of type Object", where)
        type_name = raw.get("Type")
        parser = STATE_PARSERS.get(type_name) if isinstance(type_name, str) else None
        if parser is None:
            raise fail(f"Unknown state type: {raw.get('Type')!r}", f"{where}/Type")
        state = states[name] = parser(name, raw, where, language)
        names = variable_references(raw, state.common.query_language)
        if names:
            references[name] = names
        for nested in nested_machines(state):
            references.update(nested.variable_references)
    if start_at not in states:
        raise DefinitionError(
            "MISSING_TRANSITION_TARGET", f"Missing 'StartAt' target: {start_at}", f"{location}/StartAt"
        )
    return Definition(
        start_at=start_at,
        states=states,
        timeout_seconds=optional_integer(document.get("TimeoutSeconds")),
        query_language=language,
        comment=optional_text(document.get("Comment")),
        variable_references=references,
    )


def nested_machines(state: State) -> tuple[Definition, ...]:
    """The branches of a Parallel, the item processor of a Map (nothing for other states)."""
    from emulator.language.states.map_state import MapState
    from emulator.language.states.parallel_state import ParallelState

    if isinstance(state, MapState):
        return (state.processor,)
    if isinstance(state, ParallelState):
        return state.branches
    return ()


def compile_definition(document: JsonObject) -> Definition:
    """Compile a validated definition document (called once, at CreateStateMachine)."""
    return compile_machine(document)
