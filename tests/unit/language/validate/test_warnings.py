"""WARNING diagnostics: reported by ValidateStateMachineDefinition on request, never failing it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.validate import WARNING, validate_definition, validation_response
from emulator.language.validate.warnings import (
    NO_DOLLAR_MESSAGE,
    NO_PATH_MESSAGE,
    PASS_RESULT_IS_STATIC_MESSAGE,
)


def _text(state: dict[str, Any], **top: Any) -> str:
    return json.dumps({"StartAt": "S", "States": {"S": state}, **top})


def _warnings(state: dict[str, Any], **top: Any) -> list[tuple[str, str, str | None]]:
    return [
        (d.code, d.message, d.location)
        for d in validate_definition(_text(state, **top))
        if d.severity == WARNING
    ]


@pytest.mark.parametrize("value", ["$.a", "$$.Execution.Id", "$[0]", "States.Format('{}', $.a)"])
def test_a_template_field_without_dollar_suffix_holding_a_path_warns(value: str) -> None:
    state = {"Type": "Pass", "Parameters": {"nested": {"x": value}}, "End": True}
    assert _warnings(state) == [("NO_DOLLAR", NO_DOLLAR_MESSAGE, "/States/S/Parameters")]


@pytest.mark.parametrize("value", ["$5.00", "cost: $.a", "$", "plain", "States are nice", 3])
def test_text_that_is_not_plainly_a_path_does_not_warn(value: Any) -> None:
    assert _warnings({"Type": "Pass", "Parameters": {"x": value}, "End": True}) == []


def test_dollar_suffixed_fields_do_not_warn() -> None:
    assert _warnings({"Type": "Pass", "Parameters": {"x.$": "$.a"}, "End": True}) == []


def test_pass_result_holding_a_path_is_static() -> None:
    state = {"Type": "Pass", "Result": {"x.$": "$.a"}, "End": True}
    assert _warnings(state) == [("PASS_RESULT_IS_STATIC", PASS_RESULT_IS_STATIC_MESSAGE, "/States/S/Result")]


def test_fail_error_holding_a_path_suggests_the_path_field() -> None:
    assert _warnings({"Type": "Fail", "Error": "$.error", "Cause": "it broke"}) == [
        ("NO_PATH", NO_PATH_MESSAGE, "/States/S/Error")
    ]


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html
# (NO_PATH: "Field value looks like a path, but field name does not end with 'Path'") and
# https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html (each string comparison has a
# ...Path twin that compares with a value read from the input)
CHOICE_COMPARISONS = [
    ({"Variable": "$.a", "StringEquals": "$.b"}, ["/States/S/Choices[0]/StringEquals"]),
    (
        {"Variable": "$.a", "StringGreaterThanEquals": "$$.Execution.Name"},
        ["/States/S/Choices[0]/StringGreaterThanEquals"],
    ),
    ({"Variable": "$.a", "StringEqualsPath": "$.b"}, []),
    ({"Variable": "$.a", "StringEquals": "$5.00"}, []),
    ({"Variable": "$.a", "StringMatches": "$.b*"}, []),
    (
        {
            "And": [
                {"Variable": "$.a", "IsPresent": True},
                {"Not": {"Variable": "$.a", "StringLessThan": "$.b"}},
            ]
        },
        ["/States/S/Choices[0]/And/1/Not/StringLessThan"],
    ),
]


@pytest.mark.parametrize(("rule", "locations"), CHOICE_COMPARISONS)
def test_a_string_comparison_holding_a_path_suggests_the_path_operator(
    rule: dict[str, Any], locations: list[str]
) -> None:
    state = {"Type": "Choice", "Choices": [{**rule, "Next": "S"}], "Default": "S"}
    assert _warnings(state) == [("NO_PATH", NO_PATH_MESSAGE, location) for location in locations]


def test_jsonata_states_have_no_jsonpath_warnings() -> None:
    state = {"Type": "Pass", "Output": {"x": "$.a"}, "End": True}
    assert _warnings(state, QueryLanguage="JSONata") == []


def test_warnings_are_returned_only_on_request_and_keep_the_result_ok() -> None:
    diagnostics = validate_definition(_text({"Type": "Pass", "Parameters": {"x": "$.a"}, "End": True}))
    assert validation_response(diagnostics) == {"result": "OK", "diagnostics": [], "truncated": False}
    assert validation_response(diagnostics, severity=WARNING) == {
        "result": "OK",
        "diagnostics": [
            {
                "severity": "WARNING",
                "code": "NO_DOLLAR",
                "message": NO_DOLLAR_MESSAGE,
                "location": "/States/S/Parameters",
            }
        ],
        "truncated": False,
    }
