"""Expectations of ``sfn-emulator test`` cases: reading them, and what each reports when unmet."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.testing.expectations import ExpectationError, check, parse_expectations


def _described(status: str = "SUCCEEDED", output: Any = None, **extra: Any) -> dict[str, Any]:
    described: dict[str, Any] = {"status": status, **extra}
    if output is not None:
        described["output"] = json.dumps(output)
    return described


def _events(*names: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"type": "ExecutionStarted", "timestamp": 0.0}]
    for name in names:
        events.append(
            {"type": "PassStateEntered", "timestamp": 0.0, "stateEnteredEventDetails": {"name": name}}
        )
        events.append(
            {"type": "PassStateExited", "timestamp": 0.0, "stateExitedEventDetails": {"name": name}}
        )
    return events


def test_without_expectations_a_case_needs_success() -> None:
    expected = parse_expectations(None, "X")
    assert check(expected, _described(), []) == []
    assert check(expected, _described("FAILED", error="E", cause="c"), []) == [
        "status FAILED (E: c), expected SUCCEEDED"
    ]


def test_every_unmet_expectation_is_reported() -> None:
    expected = parse_expectations(
        {
            "Output": {"a": 1},
            "Assertions": [
                {"Path": "$.a", "Equals": 2},
                {"Path": "$.missing", "Exists": True},
                {"Path": "$.a", "Exists": False},
                {"JSONata": "a > 5"},
            ],
            "StatesVisited": ["One", "Two"],
        },
        "X",
    )
    problems = check(expected, _described(output={"a": 3}), _events("One", "Three"))
    assert problems == [
        'output {"a":3}, expected {"a":1}',
        "path '$.a' is 3, expected 2",
        "path '$.missing' is missing, expected Exists=True",
        "path '$.a' exists, expected Exists=False",
        "JSONata 'a > 5' is false, expected true",
        "states visited ['One', 'Three'], expected ['One', 'Two']",
    ]


def test_met_expectations_report_nothing() -> None:
    expected = parse_expectations(
        {
            "Status": "FAILED",
            "Error": "OrderDeclined",
            "Cause": "no",
            "Assertions": [],
            "StatesVisited": ["One"],
        },
        "X",
    )
    assert check(expected, _described("FAILED", error="OrderDeclined", cause="no"), _events("One")) == []


def test_a_broken_user_expression_is_reported_not_raised() -> None:
    expected = parse_expectations(
        {"Assertions": [{"JSONata": "$count("}, {"Path": "$.[", "Exists": True}]}, "X"
    )
    problems = check(expected, _described(output={}), [])
    assert problems[0].startswith("JSONata '$count(' failed")
    assert problems[1].startswith("path '$.[' cannot be read")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must be an object"),
        ({"Expect": 1}, "unknown keys ['Expect']"),
        ({"Status": "DONE"}, "Status must be one of"),
        ({"Assertions": {}}, "must be a list of objects"),
        ({"Assertions": [{"Equals": 1}]}, "needs one of 'Path' and 'JSONata'"),
        ({"Assertions": [{"Path": "$.a"}]}, "needs 'Equals' or 'Exists'"),
        ({"StatesVisited": "A"}, "must be a list of state names"),
    ],
)
def test_malformed_expectations_are_refused_with_their_location(raw: Any, message: str) -> None:
    with pytest.raises(ExpectationError) as raised:
        parse_expectations(raw, "StateMachines.M.Expectations.C")
    assert message in str(raised.value) and "StateMachines.M.Expectations.C" in str(raised.value)
