"""Which fields of ``$states`` a JSONata expression may read, by the field it is written in, checked
when the definition is created.

Rows: https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html ("Reserved variable:
$states": ``$states.input`` "can be used in all fields that accept JSONata expressions";
``$states.result`` for Task, Parallel and Map; ``$states.errorOutput`` "can be used in the Catch field's
Assign or Output"; "Attempting to access $states.result or $states.errorOutput in fields and states where
they are not accessible will be caught at creation, update, or validation of the state machine") and
https://states-language.net/spec.html (``$states.result`` "can be referenced in the state's top-level
Output and Assign fields"; ``$states.errorOutput`` "in a Catcher's Output and Assign fields"). AWS's
wording, ``UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not exist.``, is quoted in
https://github.com/anomalyco/sst/issues/6110 (errorOutput in a Task's Arguments).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from emulator.language.validate import errors_of, invalid_definition_message, validate_definition

TASK = "arn:aws:states:::lambda:invoke"
PROCESSOR = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
BRANCHES = [PROCESSOR]
CODE = "UNSUPPORTED_JSONATA_EXPRESSION"


def _errors(state: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """The expression diagnostics (the one-state machines need not be well formed otherwise)."""
    text = json.dumps(
        {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": state, "Done": {"Type": "Succeed"}}}
    )
    diagnostics = errors_of(validate_definition(text))
    return [(d.code, d.message, d.location) for d in diagnostics if d.code.endswith("_JSONATA_EXPRESSION")]


def _expression(field: str) -> str:
    return "{% $states." + field + " %}"


def _task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": TASK, "End": True, **fields}


def _map(**fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True, **fields}


def _parallel(**fields: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": BRANCHES, "End": True, **fields}


def _catch(**fields: Any) -> list[dict[str, Any]]:
    return [{"ErrorEquals": ["States.ALL"], "Next": "Done", **fields}]


def _choice(**fields: Any) -> dict[str, Any]:
    rule = {"Condition": "{% true %}", "Next": "Done", **fields}
    return {"Type": "Choice", "Choices": [rule], "Default": "Done"}


# (where, the state with the expression ``x`` in that position, the expression's location, the
# $states field offered there beyond input and context)
POSITIONS: list[tuple[str, Callable[[str], dict[str, Any]], str, str | None]] = [
    ("Pass Output", lambda x: {"Type": "Pass", "Output": x, "End": True}, "/States/S/Output", None),
    ("Pass Assign", lambda x: {"Type": "Pass", "Assign": {"v": x}, "End": True}, "/States/S/Assign/v", None),
    ("Succeed Output", lambda x: {"Type": "Succeed", "Output": {"v": [x]}}, "/States/S/Output/v[0]", None),
    ("Wait Seconds", lambda x: {"Type": "Wait", "Seconds": x, "End": True}, "/States/S/Seconds", None),
    (
        "Wait Output",
        lambda x: {"Type": "Wait", "Seconds": 1, "Output": x, "End": True},
        "/States/S/Output",
        None,
    ),
    ("Fail Error", lambda x: {"Type": "Fail", "Error": x}, "/States/S/Error", None),
    ("Fail Cause", lambda x: {"Type": "Fail", "Cause": x}, "/States/S/Cause", None),
    ("Choice Condition", lambda x: _choice(Condition=x), "/States/S/Choices[0]/Condition", None),
    ("Choice rule Output", lambda x: _choice(Output=x), "/States/S/Choices[0]/Output", None),
    ("Choice rule Assign", lambda x: _choice(Assign={"v": x}), "/States/S/Choices[0]/Assign/v", None),
    ("Task Arguments", lambda x: _task(Arguments={"Payload": x}), "/States/S/Arguments/Payload", None),
    ("Task TimeoutSeconds", lambda x: _task(TimeoutSeconds=x), "/States/S/TimeoutSeconds", None),
    ("Task HeartbeatSeconds", lambda x: _task(HeartbeatSeconds=x), "/States/S/HeartbeatSeconds", None),
    ("Task Output", lambda x: _task(Output=x), "/States/S/Output", "result"),
    ("Task Assign", lambda x: _task(Assign={"v": x}), "/States/S/Assign/v", "result"),
    (
        "Task Catch Output",
        lambda x: _task(Catch=_catch(Output=x)),
        "/States/S/Catch[0]/Output",
        "errorOutput",
    ),
    (
        "Task Catch Assign",
        lambda x: _task(Catch=_catch(Assign={"v": x})),
        "/States/S/Catch[0]/Assign/v",
        "errorOutput",
    ),
    ("Map Items", lambda x: _map(Items=x), "/States/S/Items", None),
    ("Map ItemSelector", lambda x: _map(ItemSelector={"v": x}), "/States/S/ItemSelector/v", None),
    ("Map MaxConcurrency", lambda x: _map(MaxConcurrency=x), "/States/S/MaxConcurrency", None),
    ("Map Output", lambda x: _map(Output=x), "/States/S/Output", "result"),
    ("Map Assign", lambda x: _map(Assign={"v": x}), "/States/S/Assign/v", "result"),
    ("Map Catch Output", lambda x: _map(Catch=_catch(Output=x)), "/States/S/Catch[0]/Output", "errorOutput"),
    ("Parallel Arguments", lambda x: _parallel(Arguments=x), "/States/S/Arguments", None),
    ("Parallel Output", lambda x: _parallel(Output=x), "/States/S/Output", "result"),
    ("Parallel Assign", lambda x: _parallel(Assign={"v": x}), "/States/S/Assign/v", "result"),
    (
        "Parallel Catch Assign",
        lambda x: _parallel(Catch=_catch(Assign={"v": x})),
        "/States/S/Catch[0]/Assign/v",
        "errorOutput",
    ),
]
FIELDS = ("input", "context", "result", "errorOutput")
ROWS = [
    pytest.param(
        build, location, field, field in ("input", "context") or field == extra, id=f"{where}-{field}"
    )
    for where, build, location, extra in POSITIONS
    for field in FIELDS
]


@pytest.mark.parametrize(("build", "location", "field", "offered"), ROWS)
def test_each_states_field_is_offered_where_aws_documents_it(
    build: Callable[[str], dict[str, Any]], location: str, field: str, offered: bool
) -> None:
    errors = _errors(build("{% $states." + field + " %}"))
    expected = [] if offered else [(CODE, f"Field '$states.{field}' does not exist.", location)]
    assert errors == expected


def test_a_field_read_deep_inside_the_expression_is_found() -> None:
    expression = "{% $map([1, 2], function($v) { $v & $states.errorOutput.Cause }) %}"
    assert _errors(_task(Arguments={"a": expression})) == [
        (CODE, "Field '$states.errorOutput' does not exist.", "/States/S/Arguments/a")
    ]


def test_a_field_that_states_never_has_does_not_exist_anywhere() -> None:
    assert _errors(_task(Output="{% $states.output %}")) == [
        (CODE, "Field '$states.output' does not exist.", "/States/S/Output")
    ]


def test_each_unavailable_field_is_reported_once_per_expression() -> None:
    expression = "{% $states.result.a & $states.result.b & $states.errorOutput %}"
    assert _errors({"Type": "Pass", "Output": expression, "End": True}) == [
        (CODE, "Field '$states.result' does not exist.", "/States/S/Output"),
        (CODE, "Field '$states.errorOutput' does not exist.", "/States/S/Output"),
    ]


def test_create_state_machine_names_code_message_and_location() -> None:
    state = _task(Arguments={"Payload": "{% $states.errorOutput %}"})
    text = json.dumps({"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": state}})
    assert invalid_definition_message(validate_definition(text)) == (
        "Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not "
        "exist. at /States/S/Arguments/Payload'"
    )


def test_an_expression_that_binds_states_itself_reads_its_own() -> None:
    expression = "{% ($states := {'result': 1}; $states.result) %}"
    assert _errors({"Type": "Pass", "Output": expression, "End": True}) == []


def test_a_jsonpath_state_is_not_checked() -> None:
    # In a JSONPath state "{% ... %}" is a plain string (transforming-data.html: JSONata is per state).
    text = json.dumps(
        {"StartAt": "S", "States": {"S": {"Type": "Pass", "Result": "{% $states.result %}", "End": True}}}
    )
    assert errors_of(validate_definition(text)) == []
