"""Transition checks, run once the schema is sound: every target exists in its scope, every state
is reachable from ``StartAt``, each scope can end, and state names are unique machine-wide."""

from __future__ import annotations

from collections.abc import Iterator

from emulator.language.validate.context import Checker, join
from emulator.language.validate.diagnostics import (
    DUPLICATE_STATE_NAME,
    MISSING_END_STATE,
    MISSING_TRANSITION_TARGET,
)
from emulator.language.validated import json_object, objects, text
from emulator.model.types import JsonObject

_TERMINAL_TYPES = frozenset({"Succeed", "Fail"})


def check_transitions(checker: Checker, machine: JsonObject) -> None:
    seen: set[str] = set()
    for scope, location in _scopes(machine, "/"):
        _check_scope(checker, scope, location, seen)


def _scopes(machine: JsonObject, location: str) -> Iterator[tuple[JsonObject, str]]:
    """The machine and every nested machine (Parallel branches, Map processors), depth first."""
    yield machine, location
    for name, raw in json_object(machine["States"]).items():
        state = json_object(raw)
        state_location = join(join(location, "States"), name)
        for index, branch in enumerate(objects(state.get("Branches"))):
            yield from _scopes(branch, f"{join(state_location, 'Branches')}[{index}]")
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                yield from _scopes(json_object(state[field]), join(state_location, field))


def _targets(state: JsonObject, location: str) -> Iterator[tuple[str, str]]:
    """Each transition target of ``state`` with the location of the field naming it."""
    if "Next" in state:
        yield text(state["Next"]), join(location, "Next")
    for index, rule in enumerate(objects(state.get("Choices"))):
        if "Next" in rule:
            yield text(rule["Next"]), join(f"{join(location, 'Choices')}[{index}]", "Next")
    if "Default" in state:
        yield text(state["Default"]), join(location, "Default")
    for index, catcher in enumerate(objects(state.get("Catch"))):
        if "Next" in catcher:
            yield text(catcher["Next"]), join(f"{join(location, 'Catch')}[{index}]", "Next")


# AWS's texts, quoted from CreateStateMachine errors users pasted: "Missing 'Next' target: pass3 at
# /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2"
# (https://github.com/localstack/localstack/issues/11978, https://github.com/aws-cloudformation/cfn-lint/issues/4073);
# "Missing 'Next' target" names Choices[].Next, Default and Catch[].Next targets too, and a loop gives
# "MISSING_END_STATE: Workflow has no terminal state at null" (measured:
# https://github.com/floci-io/floci/issues/2735). The StartAt wording is unsourced.
def _check_scope(checker: Checker, scope: JsonObject, location: str, seen: set[str]) -> None:
    states = json_object(scope["States"])
    states_location = join(location, "States")
    for name in states:
        if name in seen:
            checker.error(f"Duplicate State name: {name}", join(states_location, name), DUPLICATE_STATE_NAME)
        seen.add(name)
    start = text(scope["StartAt"])
    if start not in states:
        checker.error(f"Missing 'Next' target: {start}", join(location, "StartAt"), MISSING_TRANSITION_TARGET)
    edges: dict[str, list[str]] = {}
    for name, state in states.items():
        edges[name] = []
        for target, target_location in _targets(json_object(state), join(states_location, name)):
            if target in states:
                edges[name].append(target)
            else:
                checker.error(f"Missing 'Next' target: {target}", target_location, MISSING_TRANSITION_TARGET)
    # Without a terminal state AWS reports MISSING_END_STATE alone, without the unreachable-state
    # walk (measured against AWS: https://github.com/floci-io/floci/pull/2786).
    if not any(
        json_object(state).get("End") is True or json_object(state).get("Type") in _TERMINAL_TYPES
        for state in states.values()
    ):
        checker.error(
            "Workflow has no terminal state", None if location == "/" else location, MISSING_END_STATE
        )
        return
    reachable = _reachable(start, edges)
    for name in states:
        if name not in reachable:
            checker.error(
                f'State "{name}" is not reachable.', join(states_location, name), MISSING_TRANSITION_TARGET
            )


def _reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    if start not in edges:
        return set()
    reached = {start}
    pending = [start]
    while pending:
        for target in edges[pending.pop()]:
            if target not in reached:
                reached.add(target)
                pending.append(target)
    return reached
