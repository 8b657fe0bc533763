"""The rules of workflow variables, one row per documented rule, run through the engine.

Rows: https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html — "Evaluation order in
an assign field" (values as they were on state entry; the swap example), "Variable scope" (Parallel
branches and Map iterations read outer scopes, not each other; their variables go out of scope when the
state completes; the Assign of a Catch assigns in the outer scope; a Distributed Map cannot read outer
variables), and "Using variables in JSONPath states" (what ``$`` is in an Assign, per state type), and
https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html ("Assign and Output steps
occur in parallel": a state's Output never sees its own Assign).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.validate import errors_of, validate_definition
from emulator.model.jsontext import from_json_text
from emulator.model.records import ExecutionStatus
from tests.fakes import StubIntegration
from tests.unit.runtime.harness import run_definition

TASK = "arn:aws:states:::sqs:sendMessage"
FAILING_BRANCH = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "why"}}}


@dataclass(frozen=True)
class Row:
    rule: str
    definition: dict[str, Any]
    output: Any
    input: Any = None
    assigned: dict[str, dict[str, str]] | None = None  # state name -> assignedVariables on its exit


def _jsonata(states: dict[str, Any], start: str) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", "StartAt": start, "States": states}


def _jsonpath(states: dict[str, Any], start: str) -> dict[str, Any]:
    return {"StartAt": start, "States": states}


ROWS = [
    Row(
        "expressions are evaluated with the values of state entry, then assigned (the page's swap example)",
        _jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"x": 3, "a": 6}, "Next": "Step"},
                "Step": {"Type": "Pass", "Assign": {"x": "{% $a %}", "nextX": "{% $x %}"}, "Next": "Show"},
                "Show": {"Type": "Pass", "Output": {"x": "{% $x %}", "nextX": "{% $nextX %}"}, "End": True},
            },
            "Init",
        ),
        {"x": 6, "nextX": 3},
        assigned={"Step": {"x": "6", "nextX": "3"}},
    ),
    Row(
        "a state's Output does not see the values its own Assign stores",
        _jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"x": 1}, "Next": "Step"},
                "Step": {"Type": "Pass", "Assign": {"x": 2}, "Output": "{% $x %}", "End": True},
            },
            "Init",
        ),
        1,
    ),
    Row(
        "Map iterations read outer variables; their own variables go out of scope when the Map completes",
        _jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "Map"},
                "Map": {
                    "Type": "Map",
                    "Items": [1, 2],
                    "ItemProcessor": {
                        "StartAt": "Set",
                        "States": {
                            "Set": {
                                "Type": "Pass",
                                "Assign": {"inner": "{% $states.input %}"},
                                "Next": "Get",
                            },
                            "Get": {"Type": "Pass", "Output": ["{% $outer %}", "{% $inner %}"], "End": True},
                        },
                    },
                    "Next": "After",
                },
                "After": {
                    "Type": "Pass",
                    "Output": {"result": "{% $states.input %}", "inner": "{% $exists($inner) %}"},
                    "End": True,
                },
            },
            "Init",
        ),
        {"result": [["o", 1], ["o", 2]], "inner": False},
    ),
    Row(
        "Parallel branches read outer variables but not the variables of another branch",
        _jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "Both"},
                "Both": {
                    "Type": "Parallel",
                    "Branches": [
                        {
                            "StartAt": "A1",
                            "States": {
                                "A1": {"Type": "Pass", "Assign": {"fromA": 1}, "Next": "A2"},
                                "A2": {
                                    "Type": "Pass",
                                    "Output": ["{% $outer %}", "{% $fromA %}"],
                                    "End": True,
                                },
                            },
                        },
                        {
                            "StartAt": "B1",
                            "States": {
                                "B1": {"Type": "Wait", "Seconds": 0, "Next": "B2"},
                                "B2": {"Type": "Pass", "Output": "{% $exists($fromA) %}", "End": True},
                            },
                        },
                    ],
                    "End": True,
                },
            },
            "Init",
        ),
        [["o", 1], False],
    ),
    Row(
        "the Assign of a Catch assigns in the outer scope, with the variables of state entry",
        _jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"count": 1}, "Next": "Try"},
                "Try": {
                    "Type": "Parallel",
                    "Branches": [FAILING_BRANCH],
                    "Catch": [
                        {
                            "ErrorEquals": ["States.ALL"],
                            "Assign": {
                                "count": "{% $count + 1 %}",
                                "error": "{% $states.errorOutput.Error %}",
                            },
                            "Output": {"seen": "{% $count %}"},
                            "Next": "After",
                        }
                    ],
                    "End": True,
                },
                "After": {
                    "Type": "Pass",
                    "Output": {
                        "count": "{% $count %}",
                        "error": "{% $error %}",
                        "input": "{% $states.input %}",
                    },
                    "End": True,
                },
            },
            "Init",
        ),
        {"count": 2, "error": "Boom", "input": {"seen": 1}},
        assigned={"Try": {"count": "2", "error": '"Boom"'}},
    ),
    Row(
        "JSONPath: Assign of a Pass reads $ as the state's result (Result)",
        _jsonpath(
            {
                "P": {"Type": "Pass", "Result": {"r": 1}, "Assign": {"v.$": "$.r"}, "Next": "Show"},
                "Show": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
            },
            "P",
        ),
        {"v": 1},
        input={"r": 0},
    ),
    Row(
        "JSONPath: Assign of a Wait reads $ as the effective input (after InputPath)",
        _jsonpath(
            {
                "W": {
                    "Type": "Wait",
                    "Seconds": 0,
                    "InputPath": "$.in",
                    "Assign": {"v.$": "$.r"},
                    "Next": "Show",
                },
                "Show": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
            },
            "W",
        ),
        {"v": 2},
        input={"in": {"r": 2}, "r": 0},
    ),
    Row(
        "JSONPath: Assign of a Choice rule reads $ as the effective input",
        _jsonpath(
            {
                "C": {
                    "Type": "Choice",
                    "InputPath": "$.in",
                    "Choices": [
                        {"Variable": "$.r", "NumericEquals": 3, "Assign": {"v.$": "$.r"}, "Next": "Show"}
                    ],
                    "Default": "Show",
                },
                "Show": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
            },
            "C",
        ),
        {"v": 3},
        input={"in": {"r": 3}},
    ),
    Row(
        "JSONPath: Assign of a Task reads $ as the result (after ResultSelector), not the input",
        _jsonpath(
            {
                "T": {
                    "Type": "Task",
                    "Resource": TASK,
                    "Parameters": {"QueueUrl": "q", "MessageBody": "b"},
                    "ResultSelector": {"id.$": "$.MessageId"},
                    "Assign": {"v.$": "$.id"},
                    "Next": "Show",
                },
                "Show": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
            },
            "T",
        ),
        {"v": "m-1"},
    ),
    Row(
        "JSONPath: Assign of a Parallel reads $ as the array of branch outputs",
        _jsonpath(
            {
                "P": {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": True}}}
                    ],
                    "Assign": {"v.$": "$[0]"},
                    "Next": "Show",
                },
                "Show": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": True},
            },
            "P",
        ),
        {"v": "b"},
    ),
]


def _integrations() -> IntegrationRegistry:
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(lambda call: {"MessageId": "m-1"}))
    return registry


@pytest.mark.parametrize("row", ROWS, ids=[row.rule for row in ROWS])
async def test_documented_variable_rule(row: Row) -> None:
    execution = await run_definition(
        row.definition, json.dumps(row.input or {}), integrations=_integrations()
    )
    assert (execution.status, execution.error, execution.cause) == (ExecutionStatus.SUCCEEDED, None, None)
    assert from_json_text(execution.output) == row.output
    for name, variables in (row.assigned or {}).items():
        exits = [
            event.details
            for event in execution.history.events
            if event.type.endswith("StateExited") and event.details["name"] == name
        ]
        assert [details.get("assignedVariables") for details in exits] == [variables]


async def test_a_distributed_map_cannot_read_outer_variables() -> None:
    # workflow-variables.html: "Distributed Map states cannot currently reference variables in outer
    # scopes" — the child's expression finds nothing, so each item fails.
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Read",
        "States": {"Read": {"Type": "Pass", "Output": "{% $outer %}", "End": True}},
    }
    definition = _jsonata(
        {
            "Init": {"Type": "Pass", "Assign": {"outer": 1}, "Next": "Map"},
            "Map": {"Type": "Map", "Items": [1], "ItemProcessor": processor, "End": True},
        },
        "Init",
    )
    execution = await run_definition(definition)
    assert (execution.status, execution.error) == (
        ExecutionStatus.FAILED,
        "States.ExceedToleratedFailureThreshold",
    )


# workflow-variables.html, "Using variables in JSONPath states": a variable may be referenced "in any field
# that accepts a JSONPath expression ($. or $$. syntax), except ResultPath" — Parameters (paths and
# intrinsic arguments), InputPath, OutputPath, a Choice rule's Variable and its …Path operands, ItemsPath,
# and the other …Path fields of state-wait.html, state-fail.html, state-map.html and state-task.html
# (SecondsPath, TimestampPath, ErrorPath, CausePath, MaxConcurrencyPath, TimeoutSecondsPath,
# HeartbeatSecondsPath), ItemSelector, ResultSelector, a Parallel's Parameters and Assign itself.
SET = {
    "Type": "Pass",
    "Assign": {"v": {"a": [1, 2, 3], "s": "x", "n": 2, "t": "2016-03-14T01:59:00Z", "e": "Err", "c": "Why"}},
    "Next": "Use",
}
_ITEM = {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}
JSONPATH_REFERENCES = [
    ("Wait SecondsPath", {"Type": "Wait", "SecondsPath": "$v.n", "Next": "Yes"}, "yes"),
    ("Wait TimestampPath", {"Type": "Wait", "TimestampPath": "$v.t", "Next": "Yes"}, "yes"),
    (
        "Map MaxConcurrencyPath",
        {
            "Type": "Map",
            "ItemsPath": "$v.a",
            "MaxConcurrencyPath": "$v.n",
            "ItemProcessor": _ITEM,
            "End": True,
        },
        [1, 2, 3],
    ),
    (
        "Map ItemSelector",
        {
            "Type": "Map",
            "ItemsPath": "$v.a",
            "ItemSelector": {"i.$": "$$.Map.Item.Value", "s.$": "$v.s"},
            "ItemProcessor": _ITEM,
            "End": True,
        },
        [{"i": 1, "s": "x"}, {"i": 2, "s": "x"}, {"i": 3, "s": "x"}],
    ),
    (
        "Task Parameters and ResultSelector",
        {
            "Type": "Task",
            "Resource": TASK,
            "Parameters": {"QueueUrl.$": "$v.s", "MessageBody": "b"},
            "ResultSelector": {"id.$": "$.MessageId", "s.$": "$v.s"},
            "End": True,
        },
        {"id": "m-1", "s": "x"},
    ),
    (
        "Task TimeoutSecondsPath and HeartbeatSecondsPath",
        {
            "Type": "Task",
            "Resource": TASK,
            "Parameters": {"QueueUrl": "q", "MessageBody": "b"},
            "TimeoutSecondsPath": "$v.n",
            "HeartbeatSecondsPath": "$v.n",
            "OutputPath": "$.MessageId",
            "End": True,
        },
        "m-1",
    ),
    (
        "Assign (paths and intrinsics)",
        {"Type": "Pass", "Assign": {"w.$": "$v.s", "z.$": "States.ArrayLength($v.a)"}, "Next": "Show"},
        {"w": "x", "z": 3},
    ),
    (
        "Parallel Parameters",
        {"Type": "Parallel", "Parameters": {"s.$": "$v.s"}, "Branches": [_ITEM], "End": True},
        [{"s": "x"}],
    ),
    (
        "Choice TimestampEqualsPath",
        {
            "Type": "Choice",
            "Choices": [{"Variable": "$v.t", "TimestampEqualsPath": "$v.t", "Next": "Yes"}],
            "Default": "No",
        },
        "yes",
    ),
    ("Parameters path", {"Type": "Pass", "Parameters": {"p.$": "$v.a"}, "End": True}, {"p": [1, 2, 3]}),
    (
        "intrinsic arguments",
        {
            "Type": "Pass",
            "Parameters": {"n.$": "States.ArrayLength($v.a)", "f.$": "States.Format('{}!', $v.s)"},
            "End": True,
        },
        {"n": 3, "f": "x!"},
    ),
    ("InputPath", {"Type": "Pass", "InputPath": "$v.s", "End": True}, "x"),
    ("OutputPath", {"Type": "Pass", "OutputPath": "$v.n", "End": True}, 2),
    (
        "Choice Variable",
        {
            "Type": "Choice",
            "Choices": [{"Variable": "$v.s", "StringEquals": "x", "Next": "Yes"}],
            "Default": "No",
        },
        "yes",
    ),
    (
        "Choice …Path operand",
        {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericEqualsPath": "$v.n", "Next": "Yes"}],
            "Default": "No",
        },
        "yes",
    ),
    (
        "ItemsPath",
        {
            "Type": "Map",
            "ItemsPath": "$v.a",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            "End": True,
        },
        [1, 2, 3],
    ),
]


@pytest.mark.parametrize(
    ("use", "expected"),
    [(use, expected) for _, use, expected in JSONPATH_REFERENCES],
    ids=[r[0] for r in JSONPATH_REFERENCES],
)
async def test_a_jsonpath_field_reads_a_variable(use: dict[str, Any], expected: Any) -> None:
    definition = _jsonpath(
        {
            "Set": SET,
            "Use": use,
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
            "Show": {"Type": "Pass", "Parameters": {"w.$": "$w", "z.$": "$z"}, "End": True},
        },
        "Set",
    )
    execution = await run_definition(definition, json.dumps({"n": 2}), integrations=_integrations())
    assert execution.status == ExecutionStatus.SUCCEEDED, execution.cause
    assert from_json_text(execution.output) == expected


@pytest.mark.parametrize(
    ("error_path", "cause_path", "error", "cause"),
    [
        ("$v.e", "$v.c", "Err", "Why"),
        ("States.Format('{}!', $v.e)", "States.JsonToString($v.a)", "Err!", "[1,2,3]"),
    ],
)
async def test_fail_error_and_cause_paths_read_variables(
    error_path: str, cause_path: str, error: str, cause: str
) -> None:
    # state-fail.html: ErrorPath / CausePath take a path or an intrinsic; workflow-variables.html: any
    # JSONPath field but ResultPath may reference a variable.
    use = {"Type": "Fail", "ErrorPath": error_path, "CausePath": cause_path}
    execution = await run_definition(_jsonpath({"Set": SET, "Use": use}, "Set"))
    assert (execution.status, execution.error, execution.cause) == (ExecutionStatus.FAILED, error, cause)


def test_result_path_cannot_reference_a_variable() -> None:
    # workflow-variables.html ("except ResultPath") and https://states-language.net/spec.html ("In a
    # JSONPath state, the "ResultPath" field MUST NOT reference a variable").
    definition = _jsonpath({"Set": SET, "Use": {"Type": "Pass", "ResultPath": "$v.x", "End": True}}, "Set")
    diagnostics = errors_of(validate_definition(json.dumps(definition)))
    assert [(d.message, d.location) for d in diagnostics] == [
        ("The value for the field 'ResultPath' must be a valid ReferencePath", "/States/Use/ResultPath")
    ]


# https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html ("Variable size limits"):
# one variable at most 256 KiB, the values of one Assign at most 256 KiB together, the variables stored
# in one execution at most 10 MiB. Sizes are the UTF-8 bytes of each value's JSON text (what
# assignedVariables records). Exceeding one is States.DataLimitExceeded, which ends the execution like
# the other payload limits (concepts-error-handling.html: a terminal error States.ALL does not catch).
KIB = 1024
_STRING_OF = "{% $pad('', $states.input.n, 'x') %}"  # a string whose JSON text is n + 2 bytes


def _chain(count: int, names: list[str], size: int, catch: bool = False) -> dict[str, Any]:
    """``count`` Pass states, state i assigning each name of ``names`` (suffixed by i when it ends with
    '#') a string whose JSON text is ``size`` bytes."""
    states: dict[str, Any] = {}
    for i in range(count):
        assign = {(name[:-1] + str(i) if name.endswith("#") else name): _STRING_OF for name in names}
        states[f"A{i}"] = {"Type": "Pass", "Assign": assign, "Output": "{% $states.input %}"}
        states[f"A{i}"]["Next" if i < count - 1 else "End"] = f"A{i + 1}" if i < count - 1 else True
    return {"QueryLanguage": "JSONata", "StartAt": "A0", "States": states}


# (rule, definition, input n, failing state or None)
SIZE_ROWS = [
    ("one variable of exactly 256 KiB", _chain(1, ["v"], 256 * KIB), 256 * KIB - 2, None),
    ("one variable one byte over 256 KiB", _chain(1, ["v"], 256 * KIB), 256 * KIB - 1, "A0"),
    ("two variables of 128 KiB each in one Assign", _chain(1, ["a", "b"], 0), 128 * KIB - 2, None),
    ("two variables one byte over 256 KiB together", _chain(1, ["a", "b"], 0), 128 * KIB - 1, "A0"),
    # 40 × 256 KiB = 10 MiB exactly: allowed; the 41st distinct variable goes over.
    ("40 distinct variables of 256 KiB: exactly 10 MiB", _chain(40, ["v#"], 0), 256 * KIB - 2, None),
    ("41 distinct variables of 256 KiB: over 10 MiB", _chain(41, ["v#"], 0), 256 * KIB - 2, "A40"),
    ("reassigning one variable 41 times stores 256 KiB", _chain(41, ["v"], 0), 256 * KIB - 2, None),
]


@pytest.mark.parametrize(("rule", "definition", "n", "failing"), SIZE_ROWS, ids=[row[0] for row in SIZE_ROWS])
async def test_variable_size_limits(
    rule: str, definition: dict[str, Any], n: int, failing: str | None
) -> None:
    execution = await run_definition(definition, json.dumps({"n": n}))
    if failing is None:
        assert (execution.status, execution.error) == (ExecutionStatus.SUCCEEDED, None)
        return
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "States.DataLimitExceeded")
    assert execution.cause is not None and f"executing the state '{failing}'" in execution.cause
    types = [event.type for event in execution.history.events]
    assert types[-2:] == ["PassStateEntered", "ExecutionFailed"]


async def test_each_map_iteration_counts_the_outer_variables_and_its_own() -> None:
    # "Variable scope" + "Variable size limits": an iteration's variables are stored beside the outer
    # ones; 39 outer variables of 256 KiB leave room for one more per iteration, not two.
    outer = _chain(39, ["o#"], 0)
    outer["States"]["A38"].pop("End")
    outer["States"]["A38"]["Next"] = "Map"
    inner = _chain(2, ["i#"], 0)
    outer["States"]["Map"] = {
        "Type": "Map",
        "Items": "{% [$states.input] %}",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **inner},
        "End": True,
    }
    execution = await run_definition(outer, json.dumps({"n": 256 * KIB - 2}))
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "States.DataLimitExceeded")
    assert execution.cause is not None and "executing the state 'A1'" in execution.cause
