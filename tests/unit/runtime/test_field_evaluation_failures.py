"""Evaluation failures in every field a state evaluates, in both query languages: the error name,
the events recorded before the execution fails, and the cause.

JSONPath fields fail with ``States.Runtime`` (no event of their own: ``<Type>StateEntered`` then
``ExecutionFailed``); JSONata fields fail with ``States.QueryEvaluationError`` and record
``EvaluationFailed`` (state name, field location) first. Causes carry the runtime's prefix.
Rows: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (States.Runtime,
States.QueryEvaluationError, States.ResultPathMatchFailure) and the state page of each field (cited per
table); the cause wordings are the table in ``emulator/language/evaluate/field_errors.py`` and the
expression's own (``jsonata.py``), the JSONPath template's (``templates.py``) and the path's (``io.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry
from emulator.model.records import Execution, ExecutionStatus
from tests.fakes import StubIntegration
from tests.unit.runtime.test_map_run import RecordingSink, run

PREFIX = "An error occurred while executing the state 'S' (entered at the event id #2). "
RUNTIME = "States.Runtime"
QUERY = "States.QueryEvaluationError"
TASK = "arn:aws:states:::sqs:sendMessage"
SEND = {"QueueUrl": "q", "MessageBody": "b"}
PROCESSOR = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **PROCESSOR}
READER = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}}
WRITER_RESOURCE = "arn:aws:states:::s3:putObject"


@dataclass(frozen=True)
class Row:
    field: str
    state: dict[str, Any]
    input: Any
    error: str
    cause: str  # without the runtime's prefix
    events: tuple[str, ...]  # after ExecutionStarted
    location: str | None = None  # JSONata: EvaluationFailed's location
    prefixed: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _integrations() -> IntegrationRegistry:
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(lambda call: {"MessageId": "m"}))
    registry.register("s3", StubIntegration(lambda call: "[1, 2, 3]"))
    return registry


async def _run(row: Row, jsonata: bool) -> Execution:
    definition: dict[str, Any] = {"StartAt": "S", "States": {"S": row.state}}
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    return await run(definition, json.dumps(row.input), RecordingSink(), _integrations())


async def _check(row: Row, jsonata: bool) -> None:
    execution = await _run(row, jsonata)
    cause = PREFIX + row.cause if row.prefixed else row.cause
    assert (execution.status, execution.error, execution.cause) == (ExecutionStatus.FAILED, row.error, cause)
    history = execution.history.events
    assert [event.type for event in history] == ["ExecutionStarted", *row.events, "ExecutionFailed"]
    evaluation = [event.details for event in history if event.type == "EvaluationFailed"]
    if jsonata and row.error == QUERY:
        expected = {"error": QUERY, "cause": cause, "state": "S"}
        if row.location is not None:
            expected["location"] = row.location
        assert evaluation == [expected]
    else:
        assert evaluation == []


def _task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": TASK, "End": True, **fields}


def _map(processor: dict[str, Any] = PROCESSOR, **fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


def _not_found(path: str, field_name: str, input_text: str) -> str:
    return f"The JSONPath '{path}' specified for the field '{field_name}' could not be found in the input '{input_text}'"


def _no_results(path: str) -> str:
    name = path.removeprefix("$.")
    return f"Invalid path '{path}' : No results for path: $['{name}']"


PASS_ENTERED = ("PassStateEntered",)
TASK_ENTERED = ("TaskStateEntered",)
MAP_ENTERED = ("MapStateEntered",)
MAP_RUN_FAILED = ("MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed", "MapStateFailed")
# A JSONata evaluation failing inside the run: EvaluationFailed where it failed, before the state's own
# failure (the recorded order: EvaluationFailed, MapStateFailed; EvaluationFailed, MapIterationFailed).
MAP_RUN_EVALUATION_FAILED = (*MAP_RUN_FAILED[:-1], "EvaluationFailed", "MapStateFailed")

# JSONPath fields. https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html,
# input-output-resultpath.html, input-output-outputpath.html (InputPath, Parameters, ResultSelector,
# ResultPath, OutputPath), state-map.html (ItemsPath, ItemSelector, MaxConcurrencyPath, ToleratedFailure*Path,
# ItemReader, ItemBatcher, ResultWriter), state-wait.html (SecondsPath, TimestampPath), state-task.html
# (TimeoutSecondsPath, HeartbeatSecondsPath, Credentials), state-fail.html (ErrorPath, CausePath),
# state-choice.html (Variable), workflow-variables.html (Assign).
JSONPATH_ROWS = [
    Row(
        "InputPath",
        {"Type": "Pass", "InputPath": "$.a", "End": True},
        {},
        RUNTIME,
        _no_results("$.a"),
        PASS_ENTERED,
    ),
    Row(
        "OutputPath",
        {"Type": "Pass", "OutputPath": "$.a", "End": True},
        {},
        RUNTIME,
        _no_results("$.a"),
        PASS_ENTERED,
    ),
    Row(
        "Parameters",
        {"Type": "Pass", "Parameters": {"v.$": "$.a"}, "End": True},
        {},
        RUNTIME,
        _not_found("$.a", "v.$", "{}"),
        PASS_ENTERED,
    ),
    Row(
        "Parameters (Task)",
        _task(Parameters={"QueueUrl.$": "$.q", "MessageBody": "b"}),
        {},
        RUNTIME,
        _not_found("$.q", "QueueUrl.$", "{}"),
        TASK_ENTERED,
    ),
    Row(
        "ResultSelector",
        _task(Parameters=SEND, ResultSelector={"v.$": "$.zz"}),
        {},
        RUNTIME,
        _not_found("$.zz", "v.$", '{"MessageId":"m"}'),
        ("TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded"),
    ),
    Row(
        "ResultPath",
        {"Type": "Pass", "ResultPath": "$.a.b", "End": True},
        {"a": "s"},
        "States.ResultPathMatchFailure",
        'Unable to apply ReferencePath $.a.b to input {"a":"s"}',
        PASS_ENTERED,
        prefixed=False,
    ),
    Row(
        "Assign",
        {"Type": "Pass", "Assign": {"v.$": "$.a"}, "End": True},
        {},
        RUNTIME,
        _not_found("$.a", "v.$", "{}"),
        PASS_ENTERED,
    ),
    Row("ItemsPath (missing)", _map(ItemsPath="$.a"), {}, RUNTIME, _no_results("$.a"), MAP_ENTERED),
    Row(
        "ItemsPath (not an array)",
        _map(ItemsPath="$.a"),
        {"a": 5},
        RUNTIME,
        "Map state input must be an array but was: 5",
        MAP_ENTERED,
    ),
    Row(
        "ItemSelector",
        _map(ItemSelector={"v.$": "$.zz"}),
        [1],
        RUNTIME,
        _not_found("$.zz", "v.$", "[1]"),
        ("MapStateEntered", "MapStateStarted", "MapStateFailed"),
    ),
    Row(
        "MaxConcurrencyPath (missing)",
        _map(ItemsPath="$.i", MaxConcurrencyPath="$.m"),
        {"i": [1]},
        RUNTIME,
        _no_results("$.m"),
        MAP_ENTERED,
    ),
    Row(
        "MaxConcurrencyPath (not an integer)",
        _map(ItemsPath="$.i", MaxConcurrencyPath="$.m"),
        {"i": [1], "m": "x"},
        RUNTIME,
        'The MaxConcurrencyPath field refers to value "x" which is not a valid integer: $.m',
        MAP_ENTERED,
    ),
    Row(
        "ToleratedFailureCountPath (not an integer)",
        _map(DISTRIBUTED, ItemsPath="$.i", ToleratedFailureCountPath="$.n"),
        {"i": [1], "n": 1.5},
        RUNTIME,
        'The ToleratedFailureCountPath field refers to value "1.5" which is not a valid integer: $.n',
        ("MapStateEntered", "MapStateStarted"),
    ),
    Row(
        "ToleratedFailureCountPath (negative)",
        _map(DISTRIBUTED, ItemsPath="$.i", ToleratedFailureCountPath="$.n"),
        {"i": [1], "n": -1},
        RUNTIME,
        "ToleratedFailureCount cannot be negative.",
        ("MapStateEntered", "MapStateStarted"),
    ),
    Row(
        "ToleratedFailurePercentagePath (out of range)",
        _map(DISTRIBUTED, ItemsPath="$.i", ToleratedFailurePercentagePath="$.p"),
        {"i": [1], "p": 100.5},
        RUNTIME,
        "ToleratedFailurePercentage must be between 0 and 100.",
        ("MapStateEntered", "MapStateStarted"),
    ),
    Row(
        "ToleratedFailurePercentagePath (not a number)",
        _map(DISTRIBUTED, ItemsPath="$.i", ToleratedFailurePercentagePath="$.p"),
        {"i": [1], "p": {}},
        RUNTIME,
        'The ToleratedFailurePercentagePath field refers to value "{}" which is not a valid float: $.p',
        ("MapStateEntered", "MapStateStarted"),
    ),
    Row(
        "ItemReader Parameters",
        _map(DISTRIBUTED, ItemReader={**READER, "Parameters": {"Bucket.$": "$.zz", "Key": "k"}}),
        {"i": 1},
        RUNTIME,
        _not_found("$.zz", "Bucket.$", '{"i":1}'),
        MAP_RUN_FAILED,
    ),
    Row(
        "ItemReader ReaderConfig MaxItemsPath",
        _map(
            DISTRIBUTED,
            ItemReader={
                "Resource": READER["Resource"],
                "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.zz"},
                "Parameters": {"Bucket": "b", "Key": "k"},
            },
        ),
        {},
        RUNTIME,
        _no_results("$.zz"),
        MAP_RUN_FAILED,
    ),
    Row(
        "ItemBatcher MaxItemsPerBatchPath",
        _map(DISTRIBUTED, ItemsPath="$.i", ItemBatcher={"MaxItemsPerBatchPath": "$.zz"}),
        {"i": [1]},
        RUNTIME,
        _no_results("$.zz"),
        MAP_RUN_FAILED,
    ),
    Row(
        "ItemBatcher BatchInput",
        _map(
            DISTRIBUTED, ItemsPath="$.i", ItemBatcher={"MaxItemsPerBatch": 1, "BatchInput": {"v.$": "$.zz"}}
        ),
        {"i": [1]},
        RUNTIME,
        _not_found("$.zz", "v.$", '{"i":[1]}'),
        MAP_RUN_FAILED,
    ),
    Row(
        "ResultWriter Parameters",
        _map(
            DISTRIBUTED,
            ItemsPath="$.i",
            ResultWriter={"Resource": WRITER_RESOURCE, "Parameters": {"Bucket.$": "$.zz", "Prefix": "p"}},
        ),
        {"i": [1]},
        RUNTIME,
        _not_found("$.zz", "Bucket.$", '{"i":[1]}'),
        MAP_RUN_FAILED,
    ),
    Row(
        "SecondsPath (missing)",
        {"Type": "Wait", "SecondsPath": "$.s", "End": True},
        {},
        RUNTIME,
        "The SecondsPath parameter does not reference an input value: $.s",
        ("WaitStateEntered",),
    ),
    Row(
        "SecondsPath (negative)",
        {"Type": "Wait", "SecondsPath": "$.s", "End": True},
        {"s": -1},
        RUNTIME,
        "The SecondsPath parameter references a negative value: $.s == -1",
        ("WaitStateEntered",),
    ),
    Row(
        "TimestampPath (not a timestamp)",
        {"Type": "Wait", "TimestampPath": "$.t", "End": True},
        {"t": "tomorrow"},
        RUNTIME,
        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == tomorrow",
        ("WaitStateEntered",),
    ),
    Row(
        "TimeoutSecondsPath (missing)",
        _task(Parameters=SEND, TimeoutSecondsPath="$.t"),
        {},
        RUNTIME,
        _no_results("$.t"),
        TASK_ENTERED,
    ),
    Row(
        "TimeoutSecondsPath (not an integer)",
        _task(Parameters=SEND, TimeoutSecondsPath="$.t"),
        {"t": "x"},
        RUNTIME,
        'The TimeoutSecondsPath field refers to value "x" which is not a valid integer: $.t',
        TASK_ENTERED,
    ),
    Row(
        "HeartbeatSecondsPath (not positive)",
        _task(Parameters=SEND, HeartbeatSecondsPath="$.h"),
        {"h": 0},
        RUNTIME,
        'The HeartbeatSecondsPath field refers to value "0" which is not a valid positive integer: $.h',
        TASK_ENTERED,
    ),
    Row(
        "Credentials",
        _task(Parameters=SEND, Credentials={"RoleArn.$": "$.r"}),
        {},
        RUNTIME,
        _not_found("$.r", "RoleArn.$", "{}"),
        TASK_ENTERED,
    ),
    Row(
        "ErrorPath",
        {"Type": "Fail", "ErrorPath": "$.e"},
        {},
        RUNTIME,
        _not_found("$.e", "ErrorPath", "{}"),
        ("FailStateEntered",),
    ),
    Row(
        "CausePath",
        {"Type": "Fail", "CausePath": "$.c"},
        {},
        RUNTIME,
        _not_found("$.c", "CausePath", "{}"),
        ("FailStateEntered",),
    ),
    Row(
        "Choice Variable",
        {
            "Type": "Choice",
            "Choices": [{"Variable": "$.a", "StringEquals": "x", "Next": "S"}],
            "Default": "S",
        },
        {},
        RUNTIME,
        "Invalid path '$.a': The choice state's condition path references an invalid value.",
        ("ChoiceStateEntered",),
    ),
]


@pytest.mark.parametrize("row", JSONPATH_ROWS, ids=lambda row: row.field)
async def test_jsonpath_field_failures(row: Row) -> None:
    await _check(row, jsonata=False)


def _undefined(expression: str, field_path: str) -> str:
    return f"The JSONata expression '{expression}' specified for the field '{field_path}' returned nothing (undefined)."


def _wrong_type(expression: str, field_path: str, expected: str, actual: str, value: str) -> str:
    return (
        f"The JSONata expression '{expression}' specified for the field '{field_path}' returned an unexpected "
        f"result type. Expected '{expected}', but was '{actual}' for value: {value}"
    )


def _evaluated(*before: str) -> tuple[str, ...]:
    return (*before, "EvaluationFailed")


MISSING = "$states.input.zz"

# JSONata fields. https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html (Arguments,
# Output, Assign: an expression that returns nothing fails with States.QueryEvaluationError),
# state-map.html (Items must be an array; MaxConcurrency, ToleratedFailure*, ItemSelector, ItemReader,
# ItemBatcher, ResultWriter), state-wait.html (Seconds, Timestamp), state-task.html (TimeoutSeconds,
# HeartbeatSeconds: positive integers; Credentials), state-choice.html (Condition: a boolean),
# state-fail.html (Error, Cause: strings).
JSONATA_ROWS = [
    Row(
        "Arguments",
        _task(Arguments={"QueueUrl": "{% " + MISSING + " %}", "MessageBody": "b"}),
        {},
        QUERY,
        _undefined(MISSING, "Arguments/QueueUrl"),
        _evaluated(*TASK_ENTERED),
        "Arguments/QueueUrl",
    ),
    Row(
        "Arguments (Parallel)",
        {"Type": "Parallel", "Branches": [PROCESSOR], "Arguments": "{% " + MISSING + " %}", "End": True},
        {},
        QUERY,
        _undefined(MISSING, "Arguments"),
        ("ParallelStateEntered", "EvaluationFailed", "ParallelStateFailed"),
        "Arguments",
    ),
    Row(
        "Output",
        {"Type": "Pass", "Output": "{% " + MISSING + " %}", "End": True},
        {},
        QUERY,
        _undefined(MISSING, "Output"),
        _evaluated(*PASS_ENTERED),
        "Output",
    ),
    Row(
        "Output (Task result)",
        _task(Arguments=SEND, Output="{% $states.result.zz %}"),
        {},
        QUERY,
        _undefined("$states.result.zz", "Output"),
        _evaluated("TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded"),
        "Output",
    ),
    Row(
        "Assign",
        {"Type": "Pass", "Assign": {"v": "{% " + MISSING + " %}"}, "End": True},
        {},
        QUERY,
        _undefined(MISSING, "Assign/v"),
        _evaluated(*PASS_ENTERED),
        "Assign/v",
    ),
    Row(
        "Output (error during evaluation)",
        {"Type": "Pass", "Output": "{% $nothing() %}", "End": True},
        {},
        QUERY,
        "The JSONata expression '$nothing()' specified for the field 'Output' threw an error during evaluation. "
        "T1006: Attempted to invoke a non-function",
        _evaluated(*PASS_ENTERED),
        "Output",
    ),
    Row(
        "Items (not an array)",
        _map(Items="{% 'one' %}"),
        {},
        QUERY,
        _wrong_type("'one'", "Items", "array", "string", '"one"'),
        ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
        "Items",
    ),
    Row(
        "Items (absent, input not an array)",
        _map(),
        {"a": 1},
        QUERY,
        'Map state input must be an array but was: {"a":1}',
        ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
        None,
    ),
    Row(
        "MaxConcurrency (not an integer)",
        _map(Items=[1], MaxConcurrency="{% 1.5 %}"),
        {},
        QUERY,
        _wrong_type("1.5", "MaxConcurrency", "integer", "number", "1.5"),
        ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
        "MaxConcurrency",
    ),
    Row(
        "MaxConcurrency (negative)",
        _map(Items=[1], MaxConcurrency="{% -1 %}"),
        {},
        QUERY,
        "The JSONata expression '-1' specified for the field 'MaxConcurrency' returned a negative value: -1",
        ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
        "MaxConcurrency",
    ),
    Row(
        "ToleratedFailurePercentage (not a number)",
        _map(DISTRIBUTED, Items=[1], ToleratedFailurePercentage="{% 'x' %}"),
        {},
        QUERY,
        _wrong_type("'x'", "ToleratedFailurePercentage", "number", "string", '"x"'),
        ("MapStateEntered", "MapStateStarted", "EvaluationFailed"),
        "ToleratedFailurePercentage",
    ),
    Row(
        "ToleratedFailurePercentage (out of range)",
        _map(DISTRIBUTED, Items=[1], ToleratedFailurePercentage="{% 101 %}"),
        {},
        RUNTIME,
        "ToleratedFailurePercentage must be between 0 and 100.",
        ("MapStateEntered", "MapStateStarted"),
    ),
    Row(
        "ToleratedFailureCount (negative)",
        _map(DISTRIBUTED, Items=[1], ToleratedFailureCount="{% -1 %}"),
        {},
        RUNTIME,
        "ToleratedFailureCount cannot be negative.",
        ("MapStateEntered", "MapStateStarted"),
    ),
    Row(
        "ItemBatcher MaxItemsPerBatch",
        _map(DISTRIBUTED, Items=[1], ItemBatcher={"MaxItemsPerBatch": "{% 'x' %}"}),
        {},
        QUERY,
        _wrong_type("'x'", "MaxItemsPerBatch", "integer", "string", '"x"'),
        MAP_RUN_EVALUATION_FAILED,
        "MaxItemsPerBatch",
    ),
    Row(
        "ItemBatcher BatchInput",
        _map(
            DISTRIBUTED, Items=[1], ItemBatcher={"MaxItemsPerBatch": 1, "BatchInput": "{% " + MISSING + " %}"}
        ),
        {},
        QUERY,
        _undefined(MISSING, "BatchInput"),
        MAP_RUN_EVALUATION_FAILED,
        "BatchInput",
    ),
    Row(
        "ItemReader Arguments",
        _map(
            DISTRIBUTED, ItemReader={**READER, "Arguments": {"Bucket": "{% " + MISSING + " %}", "Key": "k"}}
        ),
        {},
        QUERY,
        _undefined(MISSING, "Arguments/Bucket"),
        MAP_RUN_EVALUATION_FAILED,
        "Arguments/Bucket",
    ),
    Row(
        # https://states-language.net/spec.html (Reading Items): "a JSON object or a JSONata string that
        # evaluates to a JSON object"
        "ItemReader Arguments (not an object)",
        _map(DISTRIBUTED, ItemReader={**READER, "Arguments": "{% 'b' %}"}),
        {},
        QUERY,
        _wrong_type("'b'", "Arguments", "object", "string", '"b"'),
        MAP_RUN_EVALUATION_FAILED,
        "Arguments",
    ),
    Row(
        "ItemReader ReaderConfig MaxItems",
        _map(
            DISTRIBUTED,
            ItemReader={
                "Resource": READER["Resource"],
                "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% 'x' %}"},
                "Arguments": {"Bucket": "b", "Key": "k"},
            },
        ),
        {},
        QUERY,
        _wrong_type("'x'", "MaxItems", "integer", "string", '"x"'),
        MAP_RUN_EVALUATION_FAILED,
        "MaxItems",
    ),
    Row(
        "ResultWriter Arguments",
        _map(
            DISTRIBUTED,
            Items=[1],
            ResultWriter={
                "Resource": WRITER_RESOURCE,
                "Arguments": {"Bucket": "{% " + MISSING + " %}", "Prefix": "p"},
            },
        ),
        {},
        QUERY,
        _undefined(MISSING, "Arguments/Bucket"),
        MAP_RUN_EVALUATION_FAILED,
        "Arguments/Bucket",
    ),
    Row(
        # https://states-language.net/spec.html (Writing Results): a JSON object, or an expression giving one
        "ResultWriter Arguments (not an object)",
        _map(DISTRIBUTED, Items=[1], ResultWriter={"Resource": WRITER_RESOURCE, "Arguments": "{% [1] %}"}),
        {},
        QUERY,
        _wrong_type("[1]", "Arguments", "object", "array", "[1]"),
        MAP_RUN_EVALUATION_FAILED,
        "Arguments",
    ),
    Row(
        "Seconds (not an integer)",
        {"Type": "Wait", "Seconds": "{% 'x' %}", "End": True},
        {},
        QUERY,
        _wrong_type("'x'", "Seconds", "integer", "string", '"x"'),
        ("WaitStateEntered", "EvaluationFailed"),
        "Seconds",
    ),
    Row(
        "Seconds (negative)",
        {"Type": "Wait", "Seconds": "{% -1 %}", "End": True},
        {},
        QUERY,
        "The JSONata expression '-1' specified for the field 'Seconds' returned a negative value: -1",
        ("WaitStateEntered", "EvaluationFailed"),
        "Seconds",
    ),
    Row(
        "Timestamp (not a string)",
        {"Type": "Wait", "Timestamp": "{% 5 %}", "End": True},
        {},
        QUERY,
        _wrong_type("5", "Timestamp", "string", "number", "5"),
        ("WaitStateEntered", "EvaluationFailed"),
        "Timestamp",
    ),
    Row(
        "Timestamp (not a date-time)",
        {"Type": "Wait", "Timestamp": "{% 'tomorrow' %}", "End": True},
        {},
        QUERY,
        "The JSONata expression ''tomorrow'' specified for the field 'Timestamp' returned an invalid ISO-8601 "
        "extended offset date-time format string: tomorrow",
        ("WaitStateEntered", "EvaluationFailed"),
        "Timestamp",
    ),
    Row(
        "TimeoutSeconds (not an integer)",
        _task(Arguments=SEND, TimeoutSeconds="{% 'x' %}"),
        {},
        QUERY,
        _wrong_type("'x'", "TimeoutSeconds", "integer", "string", '"x"'),
        _evaluated(*TASK_ENTERED),
        "TimeoutSeconds",
    ),
    Row(
        "TimeoutSeconds (not positive)",
        _task(Arguments=SEND, TimeoutSeconds="{% 0 %}"),
        {},
        QUERY,
        "The JSONata expression '0' specified for the field 'TimeoutSeconds' returned a non-positive value: 0",
        _evaluated(*TASK_ENTERED),
        "TimeoutSeconds",
    ),
    Row(
        "HeartbeatSeconds (undefined)",
        _task(Arguments=SEND, HeartbeatSeconds="{% " + MISSING + " %}"),
        {},
        QUERY,
        _undefined(MISSING, "HeartbeatSeconds"),
        _evaluated(*TASK_ENTERED),
        "HeartbeatSeconds",
    ),
    Row(
        "Credentials",
        _task(Arguments=SEND, Credentials={"RoleArn": "{% " + MISSING + " %}"}),
        {},
        QUERY,
        _undefined(MISSING, "Credentials/RoleArn"),
        _evaluated(*TASK_ENTERED),
        "Credentials/RoleArn",
    ),
    Row(
        "Condition (not a boolean)",
        {"Type": "Choice", "Choices": [{"Condition": "{% 'yes' %}", "Next": "S"}], "Default": "S"},
        {},
        QUERY,
        _wrong_type("'yes'", "Condition", "boolean", "string", '"yes"'),
        ("ChoiceStateEntered", "EvaluationFailed"),
        "Condition",
    ),
    Row(
        "Condition (undefined)",
        {"Type": "Choice", "Choices": [{"Condition": "{% " + MISSING + " %}", "Next": "S"}], "Default": "S"},
        {},
        QUERY,
        _undefined(MISSING, "Condition"),
        ("ChoiceStateEntered", "EvaluationFailed"),
        "Condition",
    ),
    Row(
        "Error (not a string)",
        {"Type": "Fail", "Error": "{% 5 %}"},
        {},
        QUERY,
        _wrong_type("5", "Error", "string", "number", "5"),
        ("FailStateEntered", "EvaluationFailed"),
        "Error",
    ),
    Row(
        "Cause (undefined)",
        {"Type": "Fail", "Cause": "{% " + MISSING + " %}"},
        {},
        QUERY,
        _undefined(MISSING, "Cause"),
        ("FailStateEntered", "EvaluationFailed"),
        "Cause",
    ),
]


@pytest.mark.parametrize("row", JSONATA_ROWS, ids=lambda row: row.field)
async def test_jsonata_field_failures(row: Row) -> None:
    await _check(row, jsonata=True)


async def test_a_query_evaluation_error_can_be_caught() -> None:
    state = _task(
        Arguments={"QueueUrl": "{% " + MISSING + " %}"},
        Catch=[
            {
                "ErrorEquals": ["States.QueryEvaluationError"],
                "Next": "Caught",
                "Output": "{% $states.errorOutput %}",
            }
        ],
    )
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {"S": state, "Caught": {"Type": "Succeed"}},
    }
    execution = await run(definition, "{}", RecordingSink(), _integrations())
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert json.loads(execution.output or "") == {
        "Error": QUERY,
        "Cause": PREFIX + _undefined(MISSING, "Arguments/QueueUrl"),
    }
    types = [event.type for event in execution.history.events]
    assert types[:4] == ["ExecutionStarted", "TaskStateEntered", "EvaluationFailed", "TaskStateExited"]


async def test_a_runtime_error_is_never_caught() -> None:
    state = {
        "Type": "Pass",
        "InputPath": "$.a",
        "End": True,
    }
    definition = {
        "StartAt": "W",
        "States": {
            "W": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "S", "States": {"S": state}}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    execution = await run(definition, "{}", RecordingSink(), _integrations())
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == RUNTIME


# A States.QueryEvaluationError is an error the state reports like any other: a retrier whose ErrorEquals
# matches it retries the state (https://states-language.net/spec.html, "Retrying after error": "When a
# state reports an error, the interpreter scans through the Retriers"; only States.Runtime is never
# retried — https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html, where
# States.ALL and States.TaskFailed match every error name but States.Runtime / the timeouts). Each failed
# evaluation is recorded as EvaluationFailed; a Map / Parallel that fails before it starts reports
# <Type>StateFailed once, when no retrier takes the failure any more.
def _retry(*errors: str, attempts: int = 2) -> list[dict[str, Any]]:
    return [{"ErrorEquals": list(errors), "IntervalSeconds": 1, "MaxAttempts": attempts}]


_UNDEFINED_ARGUMENTS = {"QueueUrl": "{% " + MISSING + " %}", "MessageBody": "b"}
RETRY_ROWS = [
    ("Task Arguments, retried twice", _task(Arguments=_UNDEFINED_ARGUMENTS, Retry=_retry(QUERY)), 3, ()),
    ("Task Arguments, States.ALL", _task(Arguments=_UNDEFINED_ARGUMENTS, Retry=_retry("States.ALL")), 3, ()),
    (
        "Task Arguments, States.TaskFailed",
        _task(Arguments=_UNDEFINED_ARGUMENTS, Retry=_retry("States.TaskFailed", attempts=1)),
        2,
        (),
    ),
    (
        "Task Arguments, no matching retrier",
        _task(Arguments=_UNDEFINED_ARGUMENTS, Retry=_retry("Other")),
        1,
        (),
    ),
    (
        "Task Arguments, MaxAttempts 0",
        _task(Arguments=_UNDEFINED_ARGUMENTS, Retry=_retry(QUERY, attempts=0)),
        1,
        (),
    ),
    (
        "Task TimeoutSeconds",
        _task(Arguments=SEND, TimeoutSeconds="{% 'x' %}", Retry=_retry(QUERY, attempts=1)),
        2,
        (),
    ),
    ("Map Items", _map(Items="{% 'one' %}", Retry=_retry(QUERY)), 3, ("MapStateFailed",)),
    (
        "Parallel Arguments",
        {
            "Type": "Parallel",
            "Branches": [PROCESSOR],
            "Arguments": "{% " + MISSING + " %}",
            "Retry": _retry("States.ALL", attempts=1),
            "End": True,
        },
        2,
        ("ParallelStateFailed",),
    ),
]


@pytest.mark.parametrize(
    ("case", "state", "evaluations", "after"), RETRY_ROWS, ids=[r[0] for r in RETRY_ROWS]
)
async def test_a_query_evaluation_error_is_retried_by_a_matching_retrier(
    case: str, state: dict[str, Any], evaluations: int, after: tuple[str, ...]
) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": state}}
    execution = await run(definition, "{}", RecordingSink(), _integrations())
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, QUERY)
    types = [event.type for event in execution.history.events]
    entered = f"{state['Type']}StateEntered"
    assert types == [
        "ExecutionStarted",
        entered,
        *["EvaluationFailed"] * evaluations,
        *after,
        "ExecutionFailed",
    ]


async def test_a_retried_evaluation_that_succeeds_runs_the_task() -> None:
    # The retry re-evaluates Arguments: $states.context.State.RetryCount is 1 on the second attempt.
    arguments = {
        "QueueUrl": "{% $states.context.State.RetryCount = 0 ? $nothing : 'q' %}",
        "MessageBody": "b",
    }
    state = _task(Arguments=arguments, Retry=_retry(QUERY), Output="{% $states.context.State.RetryCount %}")
    definition = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": state}}
    execution = await run(definition, "{}", RecordingSink(), _integrations())
    assert (execution.status, execution.output) == (ExecutionStatus.SUCCEEDED, "1")
    types = [event.type for event in execution.history.events]
    assert types == [
        "ExecutionStarted",
        "TaskStateEntered",
        "EvaluationFailed",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]


async def test_an_item_selector_failure_is_retried_with_the_map() -> None:
    # The ItemSelector of an inline Map fails once the Map has started: the attempt fails, a matching
    # retrier starts the Map again, each failed evaluation recorded as EvaluationFailed.
    state = _map(Items=[1, 2], ItemSelector={"v": "{% " + MISSING + " %}"}, Retry=_retry(QUERY, attempts=1))
    definition = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": state}}
    execution = await run(definition, "{}", RecordingSink(), _integrations())
    assert (execution.status, execution.error) == (ExecutionStatus.FAILED, QUERY)
    types = [event.type for event in execution.history.events]
    assert (
        types.count("MapStateStarted"),
        types.count("EvaluationFailed"),
        types.count("MapStateFailed"),
    ) == (2, 2, 1)
