from __future__ import annotations

import json
from typing import Any

from emulator.language.validate import errors_of, invalid_definition_message, validate_definition

_END = {"Type": "Pass", "End": True}


def _errors(definition: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(d.code, d.message, d.location) for d in errors_of(validate_definition(json.dumps(definition)))]


def test_missing_next_target_and_unreachable_state_are_both_reported() -> None:
    definition = {"StartAt": "pass1", "States": {"pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": _END}}
    diagnostics = validate_definition(json.dumps(definition))
    assert invalid_definition_message(diagnostics) == (
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at "
        '/States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2\''
    )


def test_missing_start_at_target() -> None:
    assert _errors({"StartAt": "Nope", "States": {"A": _END}}) == [
        ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: Nope", "/StartAt"),
        ("MISSING_TRANSITION_TARGET", 'State "A" is not reachable.', "/States/A"),
    ]


def test_choice_default_and_catch_targets_count_as_transitions() -> None:
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "T"}],
                "Default": "D",
            },
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                "End": True,
            },
            "D": {"Type": "Succeed"},
            "F": {"Type": "Fail"},
        },
    }
    assert _errors(definition) == []


def test_missing_choice_target_is_located_at_the_rule() -> None:
    choice = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "X"}],
        "Default": "E",
    }
    assert _errors({"StartAt": "C", "States": {"C": choice, "E": _END}}) == [
        ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: X", "/States/C/Choices[0]/Next")
    ]


def test_targets_do_not_cross_into_a_branch() -> None:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "After"}}}
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": [branch], "Next": "After"}, "After": _END},
    }
    assert (
        "MISSING_TRANSITION_TARGET",
        "Missing 'Next' target: After",
        "/States/P/Branches[0]/States/B/Next",
    ) in (_errors(definition))


def test_machine_without_terminal_state() -> None:
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}},
    }
    assert _errors(definition) == [("MISSING_END_STATE", "Workflow has no terminal state", None)]


def test_state_names_are_unique_across_nested_machines() -> None:
    processor = {"StartAt": "A", "States": {"A": _END}}
    definition = {"StartAt": "A", "States": {"A": {"Type": "Map", "ItemProcessor": processor, "End": True}}}
    assert _errors(definition) == [
        ("DUPLICATE_STATE_NAME", "Duplicate State name: A", "/States/A/ItemProcessor/States/A")
    ]


def test_transitions_are_not_checked_when_the_schema_fails() -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope", "Bogus": 1}}}
    assert [code for code, _, _ in _errors(definition)] == ["SCHEMA_VALIDATION_FAILED"]


def test_no_terminal_state_suppresses_the_unreachable_state_walk() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Next": "A"},
            "C": {"Type": "Pass", "Next": "A"},
        },
    }
    assert _errors(definition) == [("MISSING_END_STATE", "Workflow has no terminal state", None)]


def test_an_unreachable_terminal_state_is_reported_as_unreachable() -> None:
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}, "C": _END},
    }
    assert _errors(definition) == [("MISSING_TRANSITION_TARGET", 'State "C" is not reachable.', "/States/C")]


def test_a_dangling_target_comes_before_the_missing_end_state() -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "NOPE"}}}
    assert _errors(definition) == [
        ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Next"),
        ("MISSING_END_STATE", "Workflow has no terminal state", None),
    ]
