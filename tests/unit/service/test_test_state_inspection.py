"""TestState ``inspectionData``: which members appear for each state type, inspection level and query
language, and how each is encoded.

Rows come from the API reference:
https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html (inspectionLevel:
INFO shows the final output only; DEBUG adds the input and output data processing; TRACE adds the HTTP
request / response of an HTTP Task; ``status`` SUCCEEDED / FAILED / RETRIABLE / CAUGHT_ERROR;
``nextState``; ``mock``, ``variables``, ``stateConfiguration``),
https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionData.html (every member:
afterInputPath / afterParameters / afterResultSelector / afterResultPath / afterItemsPath "not
populated when QueryLanguage is JSONata"; afterArguments only with JSONata; afterItemSelector,
afterItemBatcher, maxConcurrency, toleratedFailureCount, toleratedFailurePercentage for a Map;
``variables`` "after execution of the state … variables assigned in the state and variables set up as
test state input"; values are JSON *text*, the three Map numbers are numbers),
https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionErrorDetails.html
(catchIndex, retryIndex, retryBackoffIntervalSeconds) and
https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestStateConfiguration.html
(retrierRetryCount, mapIterationFailureCount, mapItemReaderData, errorCausedByState).
Where the reference is silent the rows follow what AWS answers (a mocked Parallel shows no input
processing; a Pass with ``Result`` shows ``result`` instead of afterInputPath / afterParameters).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry
from emulator.runtime.engine import Engine
from emulator.service.environment import ServiceEnvironment
from emulator.service.test_state import test_state as run_test_state
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from tests.fakes import ManualClock
from tests.unit.service.test_control_plane import CONTEXT

ROLE = "arn:aws:iam::111111111111:role/test-state"
JSONATA = {"QueryLanguage": "JSONata"}
LAMBDA = "arn:aws:states:::lambda:invoke"
# The inspectionData members that are numbers (everything else but errorDetails / request /
# response is JSON text).
NUMBERS = {"maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage"}
PROCESSOR = {
    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "P",
    "States": {"P": {"Type": "Pass", "End": True}},
}
INLINE_PROCESSOR = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@dataclass(frozen=True)
class Row:
    name: str
    state: dict[str, Any]
    input: Any
    members: set[str]  # inspectionData members at DEBUG and TRACE
    status: str = "SUCCEEDED"
    request: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # member -> expected (parsed) value


def mocked(result: Any) -> dict[str, Any]:
    return {"mock": {"result": json.dumps(result)}}


def mocked_error(error: str, cause: str = "why") -> dict[str, Any]:
    return {"mock": {"errorOutput": {"error": error, "cause": cause}}}


JSONPATH_IO = {"input", "afterInputPath", "afterParameters", "afterResultSelector", "afterResultPath"}

ROWS = [
    # Pass
    Row(
        "Pass JSONPath",
        {"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.b"}, "ResultPath": "$.r", "End": True},
        {"a": {"b": 1}},
        JSONPATH_IO,
        values={
            "afterInputPath": {"b": 1},
            "afterParameters": {"b": 1},
            "afterResultPath": {"a": {"b": 1}, "r": {"b": 1}},
        },
    ),
    Row(
        "Pass JSONPath with Result",
        {"Type": "Pass", "Result": {"x": 1}, "End": True},
        {},
        {"input", "result", "afterResultSelector", "afterResultPath"},
        values={"result": {"x": 1}},
    ),
    Row(
        "Pass JSONPath with Assign",
        {"Type": "Pass", "Assign": {"v.$": "$.a"}, "End": True},
        {"a": 2},
        JSONPATH_IO | {"variables"},
        values={"variables": {"v": 2}},
    ),
    Row(
        "Pass JSONata",
        {**JSONATA, "Type": "Pass", "Output": "{% $states.input.a %}", "End": True},
        {"a": 1},
        {"input"},
    ),
    Row(
        "Pass JSONata with Assign and test variables",
        {**JSONATA, "Type": "Pass", "Assign": {"w": "{% $v + 1 %}"}, "End": True},
        {},
        {"input", "variables"},
        request={"variables": json.dumps({"v": 1})},
        values={"variables": {"v": 1, "w": 2}},
    ),
    # Wait / Choice / Succeed / Fail
    Row(
        "Wait JSONPath",
        {"Type": "Wait", "Seconds": 1, "InputPath": "$.a", "End": True},
        {"a": [1]},
        {"input", "afterInputPath"},
    ),
    Row(
        "Wait JSONPath whose SecondsPath fails after its InputPath",
        {"Type": "Wait", "InputPath": "$.a", "SecondsPath": "$.missing", "End": True},
        {"a": {"b": 1}},
        {"input", "afterInputPath"},
        status="FAILED",
        values={"afterInputPath": {"b": 1}},
    ),
    Row("Wait JSONata", {**JSONATA, "Type": "Wait", "Seconds": 1, "End": True}, {"a": 1}, {"input"}),
    Row(
        "Choice JSONPath",
        {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "N"}], "Default": "D"},
        {"a": 1},
        {"input", "afterInputPath"},
    ),
    Row(
        "Choice JSONata",
        {
            **JSONATA,
            "Type": "Choice",
            "Choices": [{"Condition": "{% $states.input.a = 1 %}", "Next": "N"}],
            "Default": "D",
        },
        {"a": 1},
        {"input"},
    ),
    Row("Succeed JSONPath", {"Type": "Succeed", "InputPath": "$.a"}, {"a": 1}, {"input", "afterInputPath"}),
    Row("Succeed JSONata", {**JSONATA, "Type": "Succeed"}, {"a": 1}, {"input"}),
    Row(
        "Fail JSONPath",
        {"Type": "Fail", "Error": "E", "Cause": "C"},
        {},
        {"input", "afterInputPath"},
        status="FAILED",
    ),
    Row("Fail JSONata", {**JSONATA, "Type": "Fail", "Error": "E"}, {}, {"input"}, status="FAILED"),
    # Task
    Row(
        "Task JSONPath",
        {
            "Type": "Task",
            "Resource": LAMBDA,
            "Parameters": {"FunctionName": "f"},
            "ResultSelector": {"p.$": "$.Payload"},
            "End": True,
        },
        {},
        JSONPATH_IO | {"result"},
        request=mocked({"Payload": 3, "StatusCode": 200}),
        values={"afterResultSelector": {"p": 3}},
    ),
    Row(
        "Task JSONata with Assign",
        {
            **JSONATA,
            "Type": "Task",
            "Resource": LAMBDA,
            "Arguments": {"FunctionName": "f"},
            "Assign": {"r": "{% $states.result.Payload %}"},
            "End": True,
        },
        {},
        {"input", "afterArguments", "result", "variables"},
        request=mocked({"Payload": 3, "StatusCode": 200}),
        values={"afterArguments": {"FunctionName": "f"}, "variables": {"r": 3}},
    ),
    Row(
        "Task failing, no Retry / Catch",
        {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": True},
        {},
        {"input", "afterInputPath", "afterParameters"},
        status="FAILED",
        request=mocked_error("E"),
    ),
    Row(
        "Task retriable (second retrier, after one retry)",
        {
            "Type": "Task",
            "Resource": LAMBDA,
            "Parameters": {"FunctionName": "f"},
            "Retry": [
                {"ErrorEquals": ["Other"]},
                {"ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3},
            ],
            "End": True,
        },
        {},
        {"input", "afterInputPath", "afterParameters", "errorDetails"},
        status="RETRIABLE",
        request={**mocked_error("E"), "stateConfiguration": {"retrierRetryCount": 1}},
        values={"errorDetails": {"retryIndex": 1, "retryBackoffIntervalSeconds": 6}},
    ),
    Row(
        "Task caught (second catcher)",
        {
            **JSONATA,
            "Type": "Task",
            "Resource": LAMBDA,
            "Arguments": {"FunctionName": "f"},
            "Catch": [{"ErrorEquals": ["Other"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "Next": "B"}],
            "End": True,
        },
        {},
        {"input", "afterArguments", "errorDetails"},
        status="CAUGHT_ERROR",
        request=mocked_error("E"),
        values={"errorDetails": {"catchIndex": 1}},
    ),
    Row(
        "Task retries exhausted",
        {
            **JSONATA,
            "Type": "Task",
            "Resource": LAMBDA,
            "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
            "End": True,
        },
        {},
        {"input", "afterArguments", "errorDetails"},
        status="FAILED",
        request={**mocked_error("E"), "stateConfiguration": {"retrierRetryCount": 1}},
        values={"errorDetails": {"retryIndex": 0}},
    ),
    # Parallel (mocked: the mock is the branches' result)
    Row(
        "Parallel JSONPath",
        {
            "Type": "Parallel",
            "InputPath": "$.a",
            "ResultPath": "$.r",
            "Branches": [INLINE_PROCESSOR],
            "End": True,
        },
        {"a": 1},
        {"input", "afterResultSelector", "afterResultPath"},
        request=mocked([1]),
    ),
    Row(
        "Parallel JSONata",
        {**JSONATA, "Type": "Parallel", "Branches": [INLINE_PROCESSOR], "End": True},
        {"a": 1},
        {"input"},
        request=mocked([1]),
    ),
    # Map (mocked)
    Row(
        "inline Map JSONPath with ItemSelector",
        {
            "Type": "Map",
            "ItemsPath": "$.xs",
            "ItemSelector": {"v.$": "$$.Map.Item.Value"},
            "ItemProcessor": INLINE_PROCESSOR,
            "End": True,
        },
        {"xs": [1, 2]},
        JSONPATH_IO - {"afterParameters"} | {"afterItemsPath", "afterItemSelector", "maxConcurrency"},
        request=mocked([1, 2]),
        values={"afterItemsPath": [1, 2], "afterItemSelector": [{"v": 1}, {"v": 2}], "maxConcurrency": 0},
    ),
    Row(
        "Distributed Map JSONPath with every field",
        {
            "Type": "Map",
            "ItemsPath": "$.xs",
            "ItemSelector": {"v.$": "$$.Map.Item.Value"},
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "MaxConcurrencyPath": "$.c",
            "ToleratedFailureCount": 1,
            "ToleratedFailurePercentage": 50,
            "ItemProcessor": PROCESSOR,
            "End": True,
        },
        {"xs": [1, 2, 3], "c": 4},
        JSONPATH_IO - {"afterParameters"}
        | {
            "afterItemsPath",
            "afterItemSelector",
            "afterItemBatcher",
            "maxConcurrency",
            "toleratedFailureCount",
            "toleratedFailurePercentage",
        },
        request=mocked([]),
        values={
            "maxConcurrency": 4,
            "toleratedFailureCount": 1,
            "toleratedFailurePercentage": 50,
            "afterItemBatcher": [{"Items": [{"v": 1}, {"v": 2}]}, {"Items": [{"v": 3}]}],
        },
    ),
    Row(
        "Distributed Map JSONata with expressions",
        {
            **JSONATA,
            "Type": "Map",
            "Items": "{% $states.input.xs %}",
            "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}"},
            "MaxConcurrency": "{% $states.input.c %}",
            "ToleratedFailurePercentage": "{% 10 %}",
            "ToleratedFailureCount": "{% 2 %}",
            "ItemProcessor": PROCESSOR,
            "End": True,
        },
        {"xs": [1, 2], "c": 3},
        {
            "input",
            "afterItemSelector",
            "maxConcurrency",
            "toleratedFailureCount",
            "toleratedFailurePercentage",
        },
        request=mocked([]),
        values={"maxConcurrency": 3, "toleratedFailureCount": 2, "toleratedFailurePercentage": 10},
    ),
    Row(
        "Distributed Map with an ItemReader (CSV mapItemReaderData)",
        {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 1},
                "Parameters": {"Bucket": "b", "Key": "k.csv"},
            },
            "ItemBatcher": {"MaxItemsPerBatch": 5},
            "ItemProcessor": PROCESSOR,
            "End": True,
        },
        {},
        JSONPATH_IO - {"afterParameters"} | {"afterItemBatcher", "maxConcurrency"},
        request={**mocked([]), "stateConfiguration": {"mapItemReaderData": "a,b\n1,2\n3,4\n"}},
        values={"afterItemBatcher": [{"Items": [{"a": "1", "b": "2"}]}]},
    ),
    Row(
        "Distributed Map tolerated failures exceeded, caught",
        {
            **JSONATA,
            "Type": "Map",
            "Items": [1, 2],
            "ToleratedFailureCount": 0,
            "ItemProcessor": PROCESSOR,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "N"}],
            "End": True,
        },
        {},
        {"input", "maxConcurrency", "toleratedFailureCount", "errorDetails"},
        status="CAUGHT_ERROR",
        request={**mocked([]), "stateConfiguration": {"mapIterationFailureCount": 1}},
        values={"errorDetails": {"catchIndex": 0}},
    ),
    Row(
        "Distributed Map tolerated failures not exceeded",
        {
            **JSONATA,
            "Type": "Map",
            "Items": [1, 2],
            "ToleratedFailureCount": 1,
            "ItemProcessor": PROCESSOR,
            "End": True,
        },
        {},
        {"input", "maxConcurrency", "toleratedFailureCount"},
        request={**mocked([]), "stateConfiguration": {"mapIterationFailureCount": 1}},
    ),
]


def environment() -> ServiceEnvironment:
    clock = ManualClock()
    return ServiceEnvironment(
        settings=Settings(),
        store=MemoryStore(),
        clock=clock,
        engine=Engine(clock, IntegrationRegistry(), random.Random(1)),
        rng=random.Random(1),
    )


async def call_test_state(row: Row, level: str) -> dict[str, Any]:
    request = {
        "definition": json.dumps(row.state),
        "roleArn": ROLE,
        "input": json.dumps(row.input),
        "inspectionLevel": level,
        **row.request,
    }
    return await run_test_state(environment(), CONTEXT, request)


@pytest.mark.parametrize("level", ["INFO", "DEBUG", "TRACE"])
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_inspection_data_members(row: Row, level: str) -> None:
    answer = await call_test_state(row, level)
    assert answer["status"] == row.status
    if level == "INFO":
        assert "inspectionData" not in answer
        return
    data = answer["inspectionData"]
    assert set(data) == row.members
    for member, value in data.items():
        if member in NUMBERS:
            assert isinstance(value, int | float) and not isinstance(value, bool), member
        elif member == "errorDetails":
            assert all(isinstance(number, int) for number in value.values())
        else:
            assert isinstance(value, str), member
            json.loads(value)  # JSON text
    for member, expected in row.values.items():
        found = data[member]
        assert (json.loads(found) if isinstance(found, str) else found) == expected, member


async def test_mapitemreaderdata_that_is_not_what_the_reader_reads_fails_the_state() -> None:
    state = {
        "Type": "Map",
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": "b", "Key": "k"},
        },
        "ItemProcessor": PROCESSOR,
        "End": True,
    }
    row = Row(
        "bad reader data",
        state,
        {},
        set(),
        request={**mocked([]), "stateConfiguration": {"mapItemReaderData": "not json"}},
    )
    answer = await call_test_state(row, "DEBUG")
    assert (answer["status"], answer["error"]) == ("FAILED", "States.ItemReaderFailed")
