"""The ``Condition`` of a JSONata Choice rule: what a definition may give and what it decides.

Rows: https://states-language.net/spec.html (JSONata Choice Rules: "The "Condition" field accepts a
boolean value or a JSONata string that must evaluate to a boolean value"; the chosen rule's Output,
else the state input, is the state output; with no rule chosen, the state's top-level Output, else
the input) and https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html (a string
that is not ``{% … %}`` is a literal, not an expression).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.validate import errors_of, validate_definition
from emulator.model.jsontext import from_json_text
from emulator.model.records import ExecutionStatus
from tests.unit.runtime.harness import run_definition

WRONG = (
    "SCHEMA_VALIDATION_FAILED",
    "The value for the field 'Condition' must be a BOOLEAN",
    "/States/C/Choices[0]/Condition",
)


def _machine(condition: Any, rule_output: Any = None, state_output: Any = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"Condition": condition, "Next": "Taken"}
    if rule_output is not None:
        rule["Output"] = rule_output
    choice: dict[str, Any] = {"Type": "Choice", "Choices": [rule], "Default": "Default"}
    if state_output is not None:
        choice["Output"] = state_output
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": choice,
            "Taken": {"Type": "Pass", "Output": {"took": "rule", "in": "{% $states.input %}"}, "End": True},
            "Default": {
                "Type": "Pass",
                "Output": {"took": "default", "in": "{% $states.input %}"},
                "End": True,
            },
        },
    }


@pytest.mark.parametrize(
    ("condition", "errors"),
    [
        (True, []),
        (False, []),
        ("{% true %}", []),
        ("{% $states.input.flag %}", []),
        ("true", [WRONG]),  # a literal string, not an expression
        ("$states.input.flag", [WRONG]),
        (1, [WRONG]),
        ({"a": 1}, [WRONG]),
        (None, [WRONG]),
    ],
)
def test_condition_takes_a_boolean_or_an_expression(
    condition: Any, errors: list[tuple[str, str, str]]
) -> None:
    diagnostics = errors_of(validate_definition(json.dumps(_machine(condition))))
    assert [(d.code, d.message, d.location) for d in diagnostics] == errors


@pytest.mark.parametrize(
    ("condition", "rule_output", "state_output", "expected"),
    [
        (True, None, None, {"took": "rule", "in": {"flag": False}}),
        (False, None, None, {"took": "default", "in": {"flag": False}}),
        ("{% $states.input.flag %}", None, None, {"took": "default", "in": {"flag": False}}),
        ("{% $not($states.input.flag) %}", None, None, {"took": "rule", "in": {"flag": False}}),
        # the chosen rule's Output becomes the state output; without one, the input passes through
        (True, {"r": 1}, {"s": 1}, {"took": "rule", "in": {"r": 1}}),
        (True, None, {"s": 1}, {"took": "rule", "in": {"flag": False}}),
        # with no rule chosen, the state's top-level Output becomes the state output
        (False, {"r": 1}, {"s": 1}, {"took": "default", "in": {"s": 1}}),
    ],
)
async def test_condition_decides_and_outputs(
    condition: Any, rule_output: Any, state_output: Any, expected: Any
) -> None:
    execution = await run_definition(_machine(condition, rule_output, state_output), '{"flag": false}')
    assert execution.status == ExecutionStatus.SUCCEEDED
    assert from_json_text(execution.output) == expected
