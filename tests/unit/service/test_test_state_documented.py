"""TestState as AWS documents it, table by table: the request rules, Retry / Catch outcomes, the
context object, variables and ``mock.fieldValidationMode``.

Each table names the page its rows come from. The inspection members per state type, level and
query language are in ``test_test_state_inspection.py``.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.errors import (
    ApiError,
    InvalidArn,
    InvalidDefinition,
    InvalidExecutionInput,
    ValidationException,
)
from emulator.integrations.registry import IntegrationRegistry
from emulator.runtime.engine import Engine
from emulator.service.environment import ServiceEnvironment
from emulator.service.test_state import test_state as run_test_state
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from tests.fakes import ManualClock
from tests.unit.service.test_control_plane import CONTEXT

ROLE = "arn:aws:iam::111111111111:role/test-state"
LAMBDA = "arn:aws:states:::lambda:invoke"
PASS = {"Type": "Pass", "End": True}
BRANCH = {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}}
PARALLEL = {"Type": "Parallel", "Branches": [BRANCH], "End": True}
INLINE_MAP = {"Type": "Map", "ItemProcessor": BRANCH, "End": True}
DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **BRANCH}
TASK = {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": True}
START_EXECUTION = {
    "Type": "Task",
    "Resource": "arn:aws:states:::states:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Target"},
    "End": True,
}


def environment() -> ServiceEnvironment:
    clock = ManualClock()
    return ServiceEnvironment(
        settings=Settings(),
        store=MemoryStore(),
        clock=clock,
        engine=Engine(clock, IntegrationRegistry(), random.Random(7)),
        rng=random.Random(7),
    )


async def call(definition: dict[str, Any], **members: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"definition": json.dumps(definition), **members}
    for key in ("input", "variables", "context"):
        if key in request and not isinstance(request[key], str):
            request[key] = json.dumps(request[key])
    return await run_test_state(environment(), CONTEXT, request)


def mocked(result: Any) -> dict[str, Any]:
    return {"result": json.dumps(result)}


def failing(error: str, cause: str = "why") -> dict[str, Any]:
    return {"errorOutput": {"error": error, "cause": cause}}


# --- request rules ------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html (stateName: "the
# definition must contain a fully-formed state machine definition"; mock: "can only be specified for
# Task, Map, or Parallel states"; context: "may only be specified if a mock is specified"; "TestState
# only supports the following when a mock is specified: Activity tasks, .sync or .waitForTaskToken
# service integration patterns, Parallel, or Map states"; revealSecrets needs TRACE; errors
# InvalidArn / InvalidDefinition / InvalidExecutionInput / ValidationException),
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_MockInput.html and
# API_MockErrorOutput.html ("error ... is required if mock.errorOutput is specified"),
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestStateConfiguration.html
# (errorCausedByState: "when an error is mocked for a Map or Parallel state"; mapIterationFailureCount:
# "Map state iterations"; mapItemReaderData: "The data read by ItemReader in Distributed Map states"),
# https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html ("When you specify a
# mock, specifying the role becomes optional").


@dataclass(frozen=True)
class Rejection:
    name: str
    definition: dict[str, Any]
    members: dict[str, Any]
    error: type[ApiError]
    fragment: str


WHOLE = {"StartAt": "First", "States": {"First": PASS}}
READER_MAP = {
    "Type": "Map",
    "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": "b", "Key": "k"},
    },
    "ItemProcessor": DISTRIBUTED,
    "End": True,
}

REJECTIONS = [
    Rejection(
        "mock on a Pass state", PASS, {"mock": mocked({})}, ValidationException, "Task, Map, or Parallel"
    ),
    Rejection(
        "mock on a Choice state",
        {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "A"}], "Default": "B"},
        {"mock": mocked({})},
        ValidationException,
        "Task, Map, or Parallel",
    ),
    Rejection(
        "mock on a Wait state",
        {"Type": "Wait", "Seconds": 1, "End": True},
        {"mock": mocked({})},
        ValidationException,
        "Task, Map, or Parallel",
    ),
    Rejection(
        "mock on a Succeed state",
        {"Type": "Succeed"},
        {"mock": mocked({})},
        ValidationException,
        "Task, Map, or Parallel",
    ),
    Rejection(
        "mock on a Fail state",
        {"Type": "Fail"},
        {"mock": mocked({})},
        ValidationException,
        "Task, Map, or Parallel",
    ),
    Rejection("Parallel without a mock", PARALLEL, {}, ValidationException, "Parallel states"),
    Rejection("Map without a mock", INLINE_MAP, {}, ValidationException, "Map states"),
    Rejection(
        "activity Task without a mock",
        {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": True},
        {},
        ValidationException,
        "Activity tasks",
    ),
    Rejection(
        ".sync Task without a mock",
        {**START_EXECUTION, "Resource": "arn:aws:states:::states:startExecution.sync:2"},
        {},
        ValidationException,
        ".sync",
    ),
    Rejection(
        ".waitForTaskToken Task without a mock",
        {**TASK, "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken"},
        {},
        ValidationException,
        ".waitForTaskToken",
    ),
    Rejection("context without a mock", PASS, {"context": {}}, ValidationException, "mock"),
    Rejection("stateName with a lone state", PASS, {"stateName": "First"}, ValidationException, "stateName"),
    Rejection("a whole definition without stateName", WHOLE, {}, ValidationException, "stateName"),
    Rejection("stateName not in the definition", WHOLE, {"stateName": "Nope"}, ValidationException, "Nope"),
    Rejection(
        "revealSecrets below TRACE",
        PASS,
        {"revealSecrets": True, "inspectionLevel": "DEBUG"},
        ValidationException,
        "TRACE",
    ),
    Rejection(
        "mock with result and errorOutput",
        TASK,
        {"mock": {**mocked({}), **failing("E")}},
        ValidationException,
        "exactly one",
    ),
    Rejection(
        "mock with neither result nor errorOutput", TASK, {"mock": {}}, ValidationException, "exactly one"
    ),
    Rejection(
        "errorOutput without error",
        TASK,
        {"mock": {"errorOutput": {"cause": "c"}}},
        ValidationException,
        "errorOutput.error",
    ),
    Rejection("mock result that is not JSON", TASK, {"mock": {"result": "{"}}, ValidationException, "JSON"),
    Rejection(
        "input that is not JSON", PASS, {"input": "{", "roleArn": ROLE}, InvalidExecutionInput, "Input"
    ),
    Rejection(
        "variables that are no JSON object", PASS, {"variables": "[1]"}, ValidationException, "variables"
    ),
    Rejection(
        "context that is no JSON object",
        TASK,
        {"context": "1", "mock": mocked({})},
        ValidationException,
        "context",
    ),
    Rejection("an unmocked Task without roleArn", TASK, {}, ValidationException, "roleArn"),
    Rejection("a roleArn that is no ARN", PASS, {"roleArn": "role"}, InvalidArn, "Invalid Role Arn"),
    Rejection(
        "a roleArn that is no IAM role",
        PASS,
        {"roleArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"},
        InvalidArn,
        "Invalid Role Arn",
    ),
    Rejection(
        "errorCausedByState for a Task",
        TASK,
        {"mock": failing("E"), "stateConfiguration": {"errorCausedByState": "Inner"}},
        ValidationException,
        "errorCausedByState",
    ),
    Rejection(
        "errorCausedByState naming no state of the Parallel",
        PARALLEL,
        {"mock": failing("E"), "stateConfiguration": {"errorCausedByState": "Elsewhere"}},
        ValidationException,
        "Elsewhere",
    ),
    Rejection(
        "mapIterationFailureCount for a Parallel",
        PARALLEL,
        {"mock": mocked([]), "stateConfiguration": {"mapIterationFailureCount": 1}},
        ValidationException,
        "mapIterationFailureCount",
    ),
    Rejection(
        "mapItemReaderData for a Map without ItemReader",
        INLINE_MAP,
        {"mock": mocked([]), "stateConfiguration": {"mapItemReaderData": "[]"}},
        ValidationException,
        "mapItemReaderData",
    ),
    Rejection(
        "a lone state with an unknown field",
        {**PASS, "Foo": 1},
        {},
        InvalidDefinition,
        "SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /",
    ),
    Rejection(
        "a lone state with neither Next nor End",
        {"Type": "Pass"},
        {},
        InvalidDefinition,
        "Exactly one of these fields is required: [Next, End]",
    ),
    Rejection(
        "a lone state with an invalid path",
        {**PASS, "InputPath": "a"},
        {},
        InvalidDefinition,
        "'InputPath' must be a valid JSONPath at /InputPath",
    ),
    Rejection(
        "a lone JSONPath state with a JSONata field",
        {**PASS, "Output": "{% 1 %}"},
        {},
        InvalidDefinition,
        "field 'Output' is only supported for the 'JSONata' QueryLanguage",
    ),
    Rejection(
        "a lone state of an unknown type", {"Type": "Loop", "End": True}, {}, InvalidDefinition, "'Type'"
    ),
    # The definition rules CreateStateMachine applies to service integrations ("Passing parameters to a
    # service API": a field the API does not take is refused) hold for the state TestState runs.
    Rejection(
        "a lone Task with a field its API does not take",
        {**TASK, "Parameters": {"FunctionName": "f", "Foo": 1}},
        {"mock": mocked({"StatusCode": 200})},
        InvalidDefinition,
        'The field "Foo" is not supported by Step Functions',
    ),
    Rejection(
        "a machine's Task with a field its API does not take",
        {"StartAt": "T", "States": {"T": {**TASK, "Parameters": {"FunctionName": "f", "Foo": 1}}}},
        {"stateName": "T", "mock": mocked({"StatusCode": 200})},
        InvalidDefinition,
        'The field "Foo" is not supported by Step Functions',
    ),
]


@pytest.mark.parametrize("row", REJECTIONS, ids=[row.name for row in REJECTIONS])
async def test_documented_request_rules(row: Rejection) -> None:
    with pytest.raises(row.error) as raised:
        await call(row.definition, **row.members)
    assert row.fragment in str(raised.value)


async def test_a_mock_makes_the_role_optional() -> None:
    answer = await call(TASK, mock=mocked({"StatusCode": 200}))
    assert answer["status"] == "SUCCEEDED"


async def test_a_lone_state_may_name_states_that_are_not_there() -> None:
    answer = await call({"Type": "Pass", "Next": "Elsewhere"}, roleArn=ROLE)
    assert (answer["status"], answer["nextState"]) == ("SUCCEEDED", "Elsewhere")


# --- Retry: RETRIABLE, retryIndex, retryBackoffIntervalSeconds ------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionErrorDetails.html
# (retryIndex, retryBackoffIntervalSeconds: "Type: Integer"), API_TestStateConfiguration.html
# (retrierRetryCount: "The number of retry attempts that have occurred for the state's Retry that
# applies to the mocked error"), https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
# (IntervalSeconds default 1, BackoffRate default 2.0, MaxAttempts default 3 and 0 = never retried,
# MaxDelaySeconds caps the interval, the first matching retrier decides, States.ALL / States.TaskFailed
# match any error but States.Runtime).


@dataclass(frozen=True)
class RetryRow:
    name: str
    retry: list[dict[str, Any]]
    error: str
    made: int  # stateConfiguration.retrierRetryCount
    status: str
    details: dict[str, int]
    catch: list[dict[str, Any]] = field(default_factory=list)
    next_state: str | None = None


RETRY_ROWS = [
    RetryRow(
        "defaults, first retry",
        [{"ErrorEquals": ["E"]}],
        "E",
        0,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 1},
    ),
    RetryRow(
        "defaults, third retry",
        [{"ErrorEquals": ["E"]}],
        "E",
        2,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 4},
    ),
    RetryRow("defaults, retries spent", [{"ErrorEquals": ["E"]}], "E", 3, "FAILED", {"retryIndex": 0}),
    RetryRow(
        "IntervalSeconds and BackoffRate",
        [{"ErrorEquals": ["E"], "IntervalSeconds": 2, "BackoffRate": 3}],
        "E",
        2,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 18},
    ),
    RetryRow(
        "a fractional interval is whole seconds",
        [{"ErrorEquals": ["E"], "IntervalSeconds": 3, "BackoffRate": 1.5, "MaxAttempts": 5}],
        "E",
        1,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 4},
    ),
    RetryRow(
        "MaxDelaySeconds caps the interval",
        [{"ErrorEquals": ["E"], "IntervalSeconds": 3, "MaxAttempts": 9, "MaxDelaySeconds": 10}],
        "E",
        4,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 10},
    ),
    RetryRow(
        "MaxAttempts 0 never retries",
        [{"ErrorEquals": ["E"], "MaxAttempts": 0}],
        "E",
        0,
        "FAILED",
        {"retryIndex": 0},
    ),
    RetryRow(
        "the first matching retrier decides",
        [
            {"ErrorEquals": ["Other"]},
            {"ErrorEquals": ["E"], "MaxAttempts": 1},
            {"ErrorEquals": ["States.ALL"]},
        ],
        "E",
        1,
        "FAILED",
        {"retryIndex": 1},
    ),
    RetryRow(
        "States.ALL matches a custom error",
        [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5}],
        "Custom",
        0,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 5},
    ),
    RetryRow(
        "States.TaskFailed matches a custom error",
        [{"ErrorEquals": ["States.TaskFailed"]}],
        "Custom",
        0,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 1},
    ),
    RetryRow(
        "States.TaskFailed matches a States error other than the timeouts",
        [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0}, {"ErrorEquals": ["States.TaskFailed"]}],
        "States.ResultPathMatchFailure",
        0,
        "RETRIABLE",
        {"retryIndex": 1, "retryBackoffIntervalSeconds": 1},
    ),
    RetryRow(
        "States.TaskFailed does not match States.Timeout",
        [{"ErrorEquals": ["States.TaskFailed"]}],
        "States.Timeout",
        0,
        "FAILED",
        {},
    ),
    RetryRow(
        "States.ALL does not retry States.Runtime",
        [{"ErrorEquals": ["States.ALL"]}],
        "States.Runtime",
        0,
        "FAILED",
        {},
    ),
    RetryRow("no retrier matches", [{"ErrorEquals": ["Other"]}], "E", 0, "FAILED", {}),
    RetryRow(
        "retries spent, then caught",
        [{"ErrorEquals": ["E"], "MaxAttempts": 2}],
        "E",
        2,
        "CAUGHT_ERROR",
        {"retryIndex": 0, "catchIndex": 1},
        catch=[{"ErrorEquals": ["Other"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "Next": "B"}],
        next_state="B",
    ),
    RetryRow(
        "a retriable error is not caught yet",
        [{"ErrorEquals": ["E"]}],
        "E",
        0,
        "RETRIABLE",
        {"retryIndex": 0, "retryBackoffIntervalSeconds": 1},
        catch=[{"ErrorEquals": ["States.ALL"], "Next": "B"}],
    ),
]


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
@pytest.mark.parametrize("row", RETRY_ROWS, ids=[row.name for row in RETRY_ROWS])
async def test_retry_outcomes(row: RetryRow, language: str) -> None:
    definition: dict[str, Any] = {"QueryLanguage": language, "Type": "Task", "Resource": LAMBDA, "End": True}
    definition["Arguments" if language == "JSONata" else "Parameters"] = {"FunctionName": "f"}
    definition["Retry"] = row.retry
    if row.catch:
        definition["Catch"] = row.catch
    answer = await call(
        definition,
        inspectionLevel="DEBUG",
        mock=failing(row.error),
        stateConfiguration={"retrierRetryCount": row.made},
    )
    assert (answer["status"], answer["error"], answer["cause"]) == (row.status, row.error, "why")
    assert answer["inspectionData"].get("errorDetails", {}) == row.details
    assert answer.get("nextState") == row.next_state
    assert ("output" in answer) == (row.status == "CAUGHT_ERROR")


async def test_full_jitter_is_a_whole_number_of_seconds_up_to_the_interval() -> None:
    retry = [{"ErrorEquals": ["E"], "IntervalSeconds": 4, "MaxAttempts": 5, "JitterStrategy": "FULL"}]
    for made in range(4):
        answer = await call(
            {**TASK, "Retry": retry},
            inspectionLevel="DEBUG",
            mock=failing("E"),
            stateConfiguration={"retrierRetryCount": made},
        )
        backoff = answer["inspectionData"]["errorDetails"]["retryBackoffIntervalSeconds"]
        assert isinstance(backoff, int) and 0 <= backoff <= 4 * 2**made


async def test_a_task_input_over_the_payload_quota_is_neither_retried_nor_caught() -> None:
    """States.DataLimitExceeded "After Parameters processing, the input of a state is larger than the
    payload size quota" (concepts-error-handling.html), terminal like the engine's (executor.py)."""
    state = {
        **TASK,
        "Parameters": {"FunctionName": "f", "Payload.$": "States.Array($.s, $.s)"},
        "Retry": [{"ErrorEquals": ["States.ALL"]}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}],
    }
    answer = await call(state, input={"s": "x" * 150_000}, mock=mocked({"ok": True}))
    assert (answer["status"], answer["error"]) == ("FAILED", "States.DataLimitExceeded")


async def test_info_shows_the_status_without_inspection_data() -> None:
    answer = await call({**TASK, "Retry": [{"ErrorEquals": ["E"]}]}, mock=failing("E"))
    assert answer == {"error": "E", "cause": "why", "status": "RETRIABLE"}


# --- Catch: CAUGHT_ERROR, catchIndex, nextState, the catcher's output -----------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html (nextState, status
# CAUGHT_ERROR), API_InspectionErrorDetails.html (catchIndex), concepts-error-handling.html (a catcher's
# ResultPath places the error output {"Error", "Cause"} in the input; null discards it; JSONata:
# Output, default $states.errorOutput; Assign in a catcher).


@dataclass(frozen=True)
class CatchRow:
    name: str
    state: dict[str, Any]
    mock: dict[str, Any]
    output: Any
    variables: dict[str, Any] | None = None
    configuration: dict[str, Any] = field(default_factory=dict)


ERROR_OUTPUT = {"Error": "E", "Cause": "why"}
CATCH_ROWS = [
    CatchRow(
        "ResultPath places the error output",
        {**TASK, "Catch": [{"ErrorEquals": ["E"], "ResultPath": "$.err", "Next": "N"}]},
        failing("E"),
        {"a": 1, "err": ERROR_OUTPUT},
    ),
    CatchRow(
        "without ResultPath the error output is the output",
        {**TASK, "Catch": [{"ErrorEquals": ["E"], "Next": "N"}]},
        failing("E"),
        ERROR_OUTPUT,
    ),
    CatchRow(
        "ResultPath null keeps the input",
        {**TASK, "Catch": [{"ErrorEquals": ["E"], "ResultPath": None, "Next": "N"}]},
        failing("E"),
        {"a": 1},
    ),
    CatchRow(
        "a JSONPath catcher assigns from the error output",
        {**TASK, "Catch": [{"ErrorEquals": ["E"], "Assign": {"failed.$": "$.Error"}, "Next": "N"}]},
        failing("E"),
        ERROR_OUTPUT,
        variables={"failed": "E"},
    ),
    CatchRow(
        "JSONata: the error output by default",
        {
            "QueryLanguage": "JSONata",
            "Type": "Task",
            "Resource": LAMBDA,
            "Arguments": {},
            "End": True,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "N"}],
        },
        failing("E"),
        ERROR_OUTPUT,
    ),
    CatchRow(
        "JSONata: Output and Assign of the catcher, not of the state",
        {
            "QueryLanguage": "JSONata",
            "Type": "Task",
            "Resource": LAMBDA,
            "Arguments": {},
            "End": True,
            "Assign": {"ok": True},
            "Output": "{% 'not used' %}",
            "Catch": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "Next": "N",
                    "Output": "{% $states.input.a %}",
                    "Assign": {"error": "{% $states.errorOutput.Error %}"},
                }
            ],
        },
        failing("E"),
        1,
        variables={"error": "E"},
    ),
    CatchRow(
        "a mocked Parallel error named for a branch state is caught",
        {**PARALLEL, "Catch": [{"ErrorEquals": ["E"], "ResultPath": "$.err", "Next": "N"}]},
        failing("E"),
        {"a": 1, "err": ERROR_OUTPUT},
        configuration={"errorCausedByState": "Inner"},
    ),
    CatchRow(
        "a mocked Map error is caught",
        {**INLINE_MAP, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "N"}]},
        failing("States.ExceedToleratedFailureThreshold"),
        {"Error": "States.ExceedToleratedFailureThreshold", "Cause": "why"},
        configuration={"errorCausedByState": "Inner"},
    ),
]


@pytest.mark.parametrize("row", CATCH_ROWS, ids=[row.name for row in CATCH_ROWS])
async def test_catch_outcomes(row: CatchRow) -> None:
    state = {**row.state, "InputPath": "$"} if row.state.get("QueryLanguage") != "JSONata" else row.state
    if row.state.get("Type") == "Map":
        state = {**state, "ItemsPath": "$.items"}
    answer = await call(
        state,
        input={"a": 1, "items": []} if row.state.get("Type") == "Map" else {"a": 1},
        inspectionLevel="DEBUG",
        mock=row.mock,
        stateConfiguration=row.configuration,
    )
    assert answer["status"] == "CAUGHT_ERROR"
    assert answer["nextState"] == "N"
    expected = row.output
    if row.state.get("Type") == "Map" and isinstance(expected, dict) and "a" in expected:
        expected = {**expected, "items": []}
    assert json.loads(answer["output"]) == expected
    data = answer["inspectionData"]
    assert data["errorDetails"]["catchIndex"] == 0
    if row.variables is None:
        assert "variables" not in data
    else:
        assert json.loads(data["variables"]) == row.variables


# --- the context object ---------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html (Execution Id /
# Input / Name / RoleArn / StartTime, State EnteredTime / Name / RetryCount, StateMachine Id / Name,
# Task Token for callback tasks) and API_TestState.html (context: "A JSON string representing a valid
# Context object for the state under test").


async def context_seen(definition: dict[str, Any], **members: Any) -> Any:
    answer = await call(definition, input={"in": 1}, **members)
    assert answer["status"] == "SUCCEEDED", answer
    return json.loads(answer["output"])


async def test_the_built_context_of_a_task() -> None:
    seen = await context_seen(
        {**TASK, "ResultSelector": {"context.$": "$$"}}, roleArn=ROLE, mock=mocked({"StatusCode": 200})
    )
    context = seen["context"]
    assert set(context) == {"Execution", "StateMachine", "State"}
    execution = context["Execution"]
    assert set(execution) == {"Id", "Input", "Name", "RoleArn", "StartTime"}
    assert (execution["Input"], execution["RoleArn"]) == ({"in": 1}, ROLE)
    assert execution["Id"].startswith("arn:aws:states:us-east-1:123456789012:express:")
    assert execution["Id"].endswith(":" + execution["Name"])
    assert context["StateMachine"]["Id"].endswith(":stateMachine:" + context["StateMachine"]["Name"])
    assert context["State"]["Name"] == "StateName"
    assert context["State"]["RetryCount"] == 0


async def test_a_pass_state_has_no_retry_count() -> None:
    seen = await context_seen(
        {"Type": "Pass", "Parameters": {"state.$": "$$.State"}, "End": True}, roleArn=ROLE
    )
    assert set(seen["state"]) == {"Name", "EnteredTime"}


async def test_a_callback_task_reads_a_task_token_from_the_built_context() -> None:
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "End": True,
    }
    answer = await call(definition, inspectionLevel="DEBUG", mock=mocked({"done": True}))
    assert answer["status"] == "SUCCEEDED"
    token = json.loads(answer["inspectionData"]["afterParameters"])["MessageBody"]["token"]
    assert isinstance(token, str) and token


@pytest.mark.parametrize(
    "context",
    [{}, {"Execution": {}}, {"Task": {"Token": "given"}, "Map": {"Item": {"Index": 2, "Value": "v"}}}],
)
async def test_a_given_context_is_the_whole_context_object(context: dict[str, Any]) -> None:
    seen = await context_seen(
        {**TASK, "ResultSelector": {"context.$": "$$"}}, context=context, mock=mocked({"StatusCode": 200})
    )
    assert seen == {"context": context}


# --- variables ------------------------------------------------------------------------------------
# API_TestState.html (variables: "JSON object literal that sets variables used in the state under
# test") and API_InspectionData.html (variables: "the set of workflow variables after execution of the
# state ... variables assigned in the state and variables set up as test state input").


@pytest.mark.parametrize(
    ("definition", "given", "after"),
    [
        ({"Type": "Pass", "Parameters": {"v.$": "$x"}, "End": True}, {"x": 1}, {"x": 1}),
        ({"Type": "Pass", "Assign": {"x.$": "$.in"}, "End": True}, {"x": 0, "y": 2}, {"x": 1, "y": 2}),
        (
            {"QueryLanguage": "JSONata", "Type": "Pass", "Assign": {"z": "{% $x + 1 %}"}, "End": True},
            {"x": 1},
            {"x": 1, "z": 2},
        ),
        ({"Type": "Pass", "End": True}, {}, None),
    ],
)
async def test_variables_in_and_out(definition: dict[str, Any], given: dict[str, Any], after: Any) -> None:
    answer = await call(definition, roleArn=ROLE, input={"in": 1}, inspectionLevel="DEBUG", variables=given)
    assert answer["status"] == "SUCCEEDED"
    data = answer["inspectionData"]
    assert (json.loads(data["variables"]) if "variables" in data else None) == after


# --- mock.fieldValidationMode ---------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_MockInput.html ("STRICT: All
# required fields must be present, and all present fields must conform to the API's schema. PRESENT:
# All present fields must conform to the API's schema. NONE: No validation is performed. If no value
# is specified, the default value is STRICT"); the API model is botocore's (states StartExecution:
# executionArn and startDate required, startDate a timestamp).


@pytest.mark.parametrize(
    ("mode", "result", "accepted"),
    [
        (None, {"ExecutionArn": "arn", "StartDate": "2026-01-01T00:00:00Z"}, True),
        (None, {}, False),
        ("STRICT", {"ExecutionArn": "arn"}, False),
        ("STRICT", {"ExecutionArn": "arn", "StartDate": 1767225600, "Extra": {"any": 1}}, True),
        ("STRICT", {"ExecutionArn": 7, "StartDate": "2026-01-01T00:00:00Z"}, False),
        ("PRESENT", {}, True),
        ("PRESENT", {"ExecutionArn": "arn"}, True),
        ("PRESENT", {"StartDate": True}, False),
        ("PRESENT", {"ExecutionArn": ["arn"]}, False),
        ("NONE", {"StartDate": True}, True),
        ("NONE", [], True),
    ],
)
async def test_field_validation_modes(mode: str | None, result: Any, accepted: bool) -> None:
    mock: dict[str, Any] = mocked(result)
    if mode is not None:
        mock["fieldValidationMode"] = mode
    if accepted:
        answer = await call(START_EXECUTION, mock=mock)
        assert (answer["status"], json.loads(answer["output"])) == ("SUCCEEDED", result)
    else:
        with pytest.raises(ValidationException):
            await call(START_EXECUTION, mock=mock)


async def test_a_mocked_error_is_not_validated_against_the_api_model() -> None:
    answer = await call(START_EXECUTION, mock=failing("SFN.ExecutionAlreadyExistsException"))
    assert (answer["status"], answer["error"]) == ("FAILED", "SFN.ExecutionAlreadyExistsException")


# --- Map items from the context object or an ItemReader ------------------------------------------
# input-output-contextobject.html (a given context stands for the whole context object) and
# API_TestStateConfiguration.html (mapItemReaderData: "The data read by ItemReader in Distributed Map
# states as found in its original source": a Map with an ItemReader reads no items from its input).

GIVEN_CONTEXT = {"Execution": {"Name": "run", "Input": {"values": ["a", "b"]}}}


@pytest.mark.parametrize(
    ("items_path", "status", "cause"),
    [
        ("$$.Execution.Input.values", "SUCCEEDED", None),
        ("$$.Execution.Name", "FAILED", 'Reference path "$.Execution.Name" must point to array.'),
        ("$$.Execution.Input", "FAILED", 'Reference path "$.Execution.Input" must point to array.'),
        ("$$.Task.Token", "FAILED", 'Reference path "$.Task.Token" must point to array.'),
    ],
)
async def test_items_path_into_a_given_context(items_path: str, status: str, cause: str | None) -> None:
    definition = {
        **INLINE_MAP,
        "ItemsPath": items_path,
        "ItemSelector": {
            "index.$": "$$.Map.Item.Index",
            "value.$": "$$.Map.Item.Value",
            "run.$": "$$.Execution.Name",
        },
    }
    answer = await call(
        definition, input=[0], inspectionLevel="DEBUG", context=GIVEN_CONTEXT, mock=mocked([1, 2])
    )
    assert (answer["status"], answer.get("cause")) == (status, cause)
    if status == "SUCCEEDED":
        data = answer["inspectionData"]
        assert json.loads(data["afterItemsPath"]) == ["a", "b"]
        assert json.loads(data["afterItemSelector"]) == [
            {"index": 0, "value": "a", "run": "run"},
            {"index": 1, "value": "b", "run": "run"},
        ]


@pytest.mark.parametrize("language", ["JSONPath", "JSONata"])
async def test_a_map_with_an_item_reader_reads_no_items_from_its_input(language: str) -> None:
    reader: dict[str, Any] = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
    }
    reader["Arguments" if language == "JSONata" else "Parameters"] = {"Bucket": "b", "Key": "k"}
    definition = {
        "QueryLanguage": language,
        "Type": "Map",
        "ItemReader": reader,
        "ItemSelector": {"fixed": 1},
        "ItemProcessor": DISTRIBUTED,
        "ToleratedFailureCount": 1,
        "End": True,
    }
    answer = await call(definition, input={"not": "an array"}, inspectionLevel="DEBUG", mock=mocked([7]))
    assert (answer["status"], json.loads(answer["output"])) == ("SUCCEEDED", [7])
    assert "afterItemSelector" not in answer["inspectionData"]
    read = await call(
        definition,
        input={"not": "an array"},
        inspectionLevel="DEBUG",
        mock=mocked([7]),
        stateConfiguration={"mapItemReaderData": "[10, 20]"},
    )
    assert json.loads(read["inspectionData"]["afterItemSelector"]) == [{"fixed": 1}, {"fixed": 1}]
    exceeded = await call(
        definition, mock=mocked([7]), stateConfiguration={"mapIterationFailureCount": 2}, input={}
    )
    assert (exceeded["status"], exceeded["error"]) == ("FAILED", "States.ExceedToleratedFailureThreshold")


# --- the five-minute limit --------------------------------------------------------------------------
# API_TestState.html: "The TestState API can run for up to five minutes. If the execution of a state
# exceeds this duration, it fails with the States.Timeout error."


async def test_a_state_running_past_five_minutes_fails_with_states_timeout() -> None:
    from emulator.runtime.virtual_clock import VirtualClock
    from tests.fakes import StubIntegration

    started = asyncio.Event()

    async def hang(invocation: Any) -> Any:
        started.set()
        await asyncio.Future()

    clock = VirtualClock(start=1_700_000_000.0)
    integrations = IntegrationRegistry()
    integrations.register("sqs", StubIntegration(hang))
    env = ServiceEnvironment(
        settings=Settings(),
        store=MemoryStore(),
        clock=clock,
        engine=Engine(clock, integrations, random.Random(7)),
        rng=random.Random(7),
    )
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "q", "MessageBody": "m"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
        "End": True,
    }
    request = {"definition": json.dumps(definition), "roleArn": ROLE, "inspectionLevel": "DEBUG"}
    answer = asyncio.ensure_future(run_test_state(env, CONTEXT, request))
    await started.wait()
    await clock.advance(299)
    assert not answer.done()
    await clock.advance(1)
    result = await asyncio.wait_for(answer, 5)  # (bounded only should the limit not fire)
    assert (result["status"], result["error"]) == ("FAILED", "States.Timeout")
    assert "nextState" not in result
