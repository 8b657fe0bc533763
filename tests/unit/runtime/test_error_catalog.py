"""The predefined error names, each raised where AWS documents it, in both query languages: the
error and cause the execution (or the catcher) sees and the events AWS records on the way.

Each table cites the page its rows come from. Where AWS's recordings (../shared/corpus) disagree
with the page, the rows follow the recordings and say so. Not provoked here: States.Permissions
(no IAM evaluation), States.Http.Socket (the HTTP integration's tests), States.HeartbeatTimeout /
execution timeouts (the timeout and callback tests), States.ItemReaderFailed /
States.ResultWriterFailed (test_map_run*.py), per-field evaluation failures
(test_field_evaluation_failures.py) and the creation-time Retry / Catch rules
(tests/unit/language/validate/test_creation_rules.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.records import Execution, ExecutionStatus
from emulator.model.types import Json
from tests.fakes import ManualClock, StubIntegration
from tests.unit.runtime.harness import run_definition
from tests.unit.runtime.test_map_run import FAIL_NEGATIVE, RecordingSink, distributed

SEND = "arn:aws:states:::sqs:sendMessage"
FUNCTION = "arn:aws:lambda:us-east-1:111111111111:function:f"
PREFIX = "An error occurred while executing the state '{}' (entered at the event id #{}). "
TOO_LARGE = (
    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit."
)
# Over the 256 KiB payload quota once doubled, under it alone (service-quotas.html).
HALF_QUOTA = "x" * 150_000

Respond = Callable[[TaskInvocation], Json]
# Each run gets a fresh responder (a sequence of failures is consumed as the task is retried).
Responder = Callable[[], Respond]


def _answer(result: Json) -> Responder:
    return lambda: lambda invocation: result


def _raise(error: str, cause: str | None = None) -> Responder:
    def respond(invocation: TaskInvocation) -> Json:
        raise StatesError(error, cause)

    return lambda: respond


def _sequence(*errors: str) -> Responder:
    """Fails with each error in turn, then answers ``{"ok": true}``."""

    def fresh() -> Respond:
        remaining = list(errors)

        def respond(invocation: TaskInvocation) -> Json:
            if remaining:
                raise StatesError(remaining.pop(0), "c")
            return {"ok": True}

        return respond

    return fresh


@dataclass(frozen=True)
class Row:
    id: str
    definition: dict[str, Any]
    input: Any
    status: ExecutionStatus
    error: str | None = None
    cause: str | None = None
    events: tuple[str, ...] = ()  # after ExecutionStarted
    output: Any = None  # a succeeded execution's output
    respond: Responder = field(default=_answer({"MessageId": "m"}))


async def _run(row: Row, clock: ManualClock | None = None) -> Execution:
    registry = IntegrationRegistry()
    respond = row.respond()
    registry.register("sqs", StubIntegration(respond))
    registry.register("lambda-function", StubIntegration(respond))
    return await run_definition(
        row.definition, json.dumps(row.input), registry, clock=clock, map_runs=RecordingSink()
    )


async def _check(row: Row) -> Execution:
    execution = await _run(row)
    assert (execution.status, execution.error, execution.cause) == (row.status, row.error, row.cause)
    assert [event.type for event in execution.history.events] == ["ExecutionStarted", *row.events]
    if row.status is ExecutionStatus.SUCCEEDED:
        assert json.loads(execution.output or "null") == row.output
    return execution


def _machine(state: dict[str, Any], jsonata: bool = False, **others: dict[str, Any]) -> dict[str, Any]:
    definition: dict[str, Any] = {"StartAt": "S", "States": {"S": state, **others}}
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    return definition


def _task(jsonata: bool = False, **fields: Any) -> dict[str, Any]:
    key = "Arguments" if jsonata else "Parameters"
    return {"Type": "Task", "Resource": SEND, key: {"QueueUrl": "q", "MessageBody": "b"}, **fields}


def _catch(*errors: str, **fields: Any) -> list[dict[str, Any]]:
    return [{"ErrorEquals": list(errors), "Next": "Caught", **fields}]


def _branch(state: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "B", "States": {"B": state}}


def _parallel(branch_state: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": [_branch(branch_state)], "End": True, **fields}


CAUGHT = {"Caught": {"Type": "Pass", "End": True}}
TASK_CAUGHT = ("TaskStateEntered", "TaskScheduled", "TaskStarted")
TASK_DONE = (*TASK_CAUGHT, "TaskSucceeded")
EXIT_TO_CAUGHT = ("PassStateEntered", "PassStateExited", "ExecutionSucceeded")
NO_MATCH_CHOICE = {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "Never"}]}
NO_MATCH_CHOICE_JSONATA = {
    "Type": "Choice",
    "Choices": [{"Condition": "{% $states.input.a = 1 %}", "Next": "Never"}],
}
NEVER = {"Never": {"Type": "Succeed"}}


def _distributed_caught(*errors: str) -> dict[str, Any]:
    """A Distributed Map whose negative items fail (no failure tolerated), with a catcher."""
    definition = distributed(FAIL_NEGATIVE, "C", Catch=_catch(*errors))
    definition["States"].update(CAUGHT)
    return definition


def _no_choice(state: str) -> str:
    return f"No Choice Rules matched and no Default was specified for state: {state}"


# Error names, how each is raised, and what a Retry / Catch does with it.
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html ("Error names", "Catch
# failure states", "Error output"); https://states-language.net/spec.html ("Errors", "Appendix A:
# Predefined Error Codes"); service-quotas.html for the 256 KiB payload quota.
CATALOG = [
    # States.NoChoiceMatched: "A Choice state failed to match the input with the conditions defined in the
    # Choice Rule and a Default transition isn't specified."
    Row(
        "NoChoiceMatched",
        _machine(NO_MATCH_CHOICE, **NEVER),
        {"a": 2},
        ExecutionStatus.FAILED,
        "States.NoChoiceMatched",
        _no_choice("S"),
        ("ChoiceStateEntered", "ExecutionFailed"),
    ),
    Row(
        "NoChoiceMatched (JSONata)",
        _machine(NO_MATCH_CHOICE_JSONATA, jsonata=True, **NEVER),
        {"a": 2},
        ExecutionStatus.FAILED,
        "States.NoChoiceMatched",
        _no_choice("S"),
        ("ChoiceStateEntered", "ExecutionFailed"),
    ),
    Row(
        "NoChoiceMatched in a branch, caught by name",
        _machine(
            _parallel(
                {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "Y"}]},
                Catch=_catch("States.NoChoiceMatched"),
            ),
            **CAUGHT,
        ),
        {"a": 2},
        ExecutionStatus.SUCCEEDED,
        events=(
            "ParallelStateEntered",
            "ParallelStateStarted",
            "ChoiceStateEntered",
            "ParallelStateFailed",
            "ParallelStateExited",
            *EXIT_TO_CAUGHT,
        ),
        output={"Error": "States.NoChoiceMatched", "Cause": _no_choice("B")},
    ),
    # States.ResultPathMatchFailure: "Step Functions failed to apply a state's ResultPath field to the
    # input the state received." (JSONPath only: JSONata states have no ResultPath.)
    Row(
        "ResultPathMatchFailure",
        _machine({"Type": "Pass", "Result": 1, "ResultPath": "$.r", "End": True}),
        "text",
        ExecutionStatus.FAILED,
        "States.ResultPathMatchFailure",
        'Unable to apply ReferencePath $.r to input "text"',
        ("PassStateEntered", "ExecutionFailed"),
    ),
    Row(
        "ResultPathMatchFailure of a task, caught by States.TaskFailed",
        _machine(_task(ResultPath="$.r", End=True, Catch=_catch("States.TaskFailed")), **CAUGHT),
        [1],
        ExecutionStatus.SUCCEEDED,
        events=(*TASK_DONE, "TaskStateExited", *EXIT_TO_CAUGHT),
        output={
            "Error": "States.ResultPathMatchFailure",
            "Cause": "Unable to apply ReferencePath $.r to input [1]",
        },
    ),
    # States.ParameterPathFailure: "Within a state's Parameters field, the attempt to replace a field whose
    # name ends in .$ using a path failed." AWS's recordings show this failure as States.Runtime (never
    # caught, never retried, no event of its own); the rows follow the recordings.
    Row(
        "ParameterPathFailure is recorded as States.Runtime",
        _machine(
            {
                "Type": "Task",
                "Resource": SEND,
                "Parameters": {"QueueUrl.$": "$.missing", "MessageBody": "b"},
                "Retry": [{"ErrorEquals": ["States.ALL"]}],
                "Catch": _catch("States.ALL"),
                "End": True,
            },
            **CAUGHT,
        ),
        {},
        ExecutionStatus.FAILED,
        "States.Runtime",
        PREFIX.format("S", 2)
        + "The JSONPath '$.missing' specified for the field 'QueueUrl.$' could not be found in the input '{}'",
        ("TaskStateEntered", "ExecutionFailed"),
    ),
    # States.IntrinsicFailure: "Within a Payload Template, the attempt to invoke an Intrinsic Function
    # failed." (spec, Appendix A).
    Row(
        "IntrinsicFailure",
        _machine({"Type": "Pass", "Parameters": {"v.$": "States.StringToJson($.s)"}, "End": True}),
        {"s": "{not json"},
        ExecutionStatus.FAILED,
        "States.IntrinsicFailure",
        "The argument of States.StringToJson is not valid JSON text: {not json",
        ("PassStateEntered", "ExecutionFailed"),
    ),
    Row(
        "IntrinsicFailure of a task, caught by States.ALL",
        _machine(
            {
                "Type": "Task",
                "Resource": SEND,
                "Parameters": {"QueueUrl": "q", "MessageBody.$": "States.ArrayGetItem($.a, 5)"},
                "Catch": _catch("States.ALL"),
                "End": True,
            },
            **CAUGHT,
        ),
        {"a": [1]},
        ExecutionStatus.SUCCEEDED,
        events=("TaskStateEntered", "TaskStateExited", *EXIT_TO_CAUGHT),
        output={
            "Error": "States.IntrinsicFailure",
            "Cause": "The index 5 is out of bounds for States.ArrayGetItem on an array of length 1",
        },
    ),
    # States.Runtime: "A States.Runtime error isn't retriable, and will always cause the execution to
    # fail. A retry or catch on States.ALL won't catch States.Runtime errors."
    Row(
        "Runtime is neither retried nor caught",
        _machine(
            _task(
                InputPath="$.missing",
                Retry=[{"ErrorEquals": ["States.ALL"]}],
                Catch=[
                    {"ErrorEquals": ["States.Runtime"], "Next": "Caught"},
                    {"ErrorEquals": ["States.ALL"], "Next": "Caught"},
                ],
                End=True,
            ),
            **CAUGHT,
        ),
        {},
        ExecutionStatus.FAILED,
        "States.Runtime",
        PREFIX.format("S", 2) + "Invalid path '$.missing' : No results for path: $['missing']",
        ("TaskStateEntered", "ExecutionFailed"),
    ),
    # States.QueryEvaluationError: a JSONata expression could not be evaluated; recorded as
    # EvaluationFailed, then caught like any other error.
    Row(
        "QueryEvaluationError, caught by States.TaskFailed (JSONata)",
        _machine(
            {
                "Type": "Task",
                "Resource": SEND,
                "Arguments": {"QueueUrl": "{% $states.input.missing %}", "MessageBody": "b"},
                "Catch": _catch("States.TaskFailed"),
                "End": True,
            },
            jsonata=True,
            **CAUGHT,
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=("TaskStateEntered", "EvaluationFailed", "TaskStateExited", *EXIT_TO_CAUGHT),
        output={
            "Error": "States.QueryEvaluationError",
            "Cause": PREFIX.format("S", 2)
            + "The JSONata expression '$states.input.missing' specified for the field 'Arguments/QueueUrl' "
            "returned nothing (undefined).",
        },
    ),
    # States.TaskFailed: "When used in a retry or catch, States.TaskFailed acts as a wildcard that matches
    # any known error name except for States.Timeout."
    Row(
        "TaskFailed catches a task's own error",
        _machine(_task(End=True, Catch=_catch("States.TaskFailed")), **CAUGHT),
        {},
        ExecutionStatus.SUCCEEDED,
        events=(*TASK_CAUGHT, "TaskFailed", "TaskStateExited", *EXIT_TO_CAUGHT),
        output={"Error": "Lambda.Unknown", "Cause": "out of memory"},
        respond=_raise("Lambda.Unknown", "out of memory"),
    ),
    Row(
        "TaskFailed catches a Lambda function's error (JSONata)",
        _machine(
            {"Type": "Task", "Resource": FUNCTION, "End": True, "Catch": _catch("States.TaskFailed")},
            True,
            **CAUGHT,
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=(
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "TaskStateExited",
            *EXIT_TO_CAUGHT,
        ),
        output={"Error": "Exception", "Cause": "boom"},
        respond=_raise("Exception", "boom"),
    ),
    Row(
        "TaskFailed catches a branch's error (JSONata)",
        _machine(
            _parallel({"Type": "Fail", "Error": "Custom", "Cause": "why"}, Catch=_catch("States.TaskFailed")),
            jsonata=True,
            **CAUGHT,
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=(
            "ParallelStateEntered",
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateFailed",
            "ParallelStateExited",
            *EXIT_TO_CAUGHT,
        ),
        output={"Error": "Custom", "Cause": "why"},
    ),
    # States.Timeout: "A Task state either ran longer than the TimeoutSeconds value, or failed to send a
    # heartbeat for a period longer than the HeartbeatSeconds value." Not matched by States.TaskFailed.
    Row(
        "Timeout is not matched by States.TaskFailed",
        _machine(_task(End=True, Catch=_catch("States.TaskFailed")), **CAUGHT),
        {},
        ExecutionStatus.FAILED,
        "States.Timeout",
        None,
        (*TASK_CAUGHT, "TaskTimedOut", "ExecutionFailed"),
        respond=_raise("States.Timeout"),
    ),
    Row(
        "Timeout is matched by States.ALL after States.TaskFailed (JSONata)",
        _machine(
            _task(
                jsonata=True,
                End=True,
                Catch=[
                    {"ErrorEquals": ["States.TaskFailed"], "Next": "Never"},
                    {"ErrorEquals": ["States.ALL"], "Next": "Caught"},
                ],
            ),
            jsonata=True,
            **CAUGHT,
            **NEVER,
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=(*TASK_CAUGHT, "TaskTimedOut", "TaskStateExited", *EXIT_TO_CAUGHT),
        output={"Error": "States.Timeout", "Cause": ""},
        respond=_raise("States.Timeout"),
    ),
    # States.BranchFailed: "A branch of a Parallel state failed." AWS's recordings show the Parallel (and
    # a Map) failing with the branch's own error and cause, after <Type>StateFailed.
    Row(
        "a failed branch fails the Parallel with the branch's error",
        _machine(_parallel({"Type": "Fail", "Error": "Custom", "Cause": "why"})),
        {},
        ExecutionStatus.FAILED,
        "Custom",
        "why",
        (
            "ParallelStateEntered",
            "ParallelStateStarted",
            "FailStateEntered",
            "ParallelStateFailed",
            "ExecutionFailed",
        ),
    ),
    Row(
        "a failed iteration fails the Map with its error (JSONata)",
        _machine(
            {
                "Type": "Map",
                "Items": [1],
                "ItemProcessor": _branch({"Type": "Fail", "Error": "Custom"}),
                "End": True,
            },
            jsonata=True,
        ),
        {},
        ExecutionStatus.FAILED,
        "Custom",
        None,
        (
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "FailStateEntered",
            "MapIterationFailed",
            "MapStateFailed",
            "ExecutionFailed",
        ),
    ),
    # States.ExceedToleratedFailureThreshold: "A Map state failed because the number of failed items
    # exceeded the threshold specified in the state machine definition."
    Row(
        "ExceedToleratedFailureThreshold, caught by name",
        _distributed_caught("States.ExceedToleratedFailureThreshold"),
        [1, -1],
        ExecutionStatus.SUCCEEDED,
        events=(
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunFailed",
            "MapStateFailed",
            "MapStateExited",
            *EXIT_TO_CAUGHT,
        ),
        output={
            "Error": "States.ExceedToleratedFailureThreshold",
            "Cause": "The specified tolerated failure threshold was exceeded",
        },
    ),
]


@pytest.mark.parametrize("row", CATALOG, ids=lambda row: row.id)
async def test_predefined_errors(row: Row) -> None:
    await _check(row)


# States.DataLimitExceeded: "Reported due to the following conditions: The output of a connector is
# larger than payload size quota. The output of a state is larger than payload size quota. After
# Parameters processing, the input of a state is larger than the payload size quota." The page also
# calls it a terminal error States.ALL can't catch; AWS's recordings show a connector's oversized result
# recorded as TaskFailed / LambdaFunctionFailed and caught by States.ALL, so the rows follow them there;
# a state's oversized input or output fails the execution whatever its Catch says (recorded for a
# Pass state's output: <Type>StateEntered, then ExecutionFailed).
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html,
# https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (256 KiB).
DATA_LIMITS = [
    Row(
        "a connector's result over the quota is a TaskFailed States.ALL catches",
        _machine(_task(End=True, Catch=_catch("States.ALL")), **CAUGHT),
        {},
        ExecutionStatus.SUCCEEDED,
        events=(*TASK_CAUGHT, "TaskFailed", "TaskStateExited", *EXIT_TO_CAUGHT),
        output={"Error": "States.DataLimitExceeded", "Cause": TOO_LARGE.format("sqs")},
        respond=_answer([HALF_QUOTA, HALF_QUOTA]),
    ),
    Row(
        "a Lambda function's result over the quota names the function",
        _machine(
            {"Type": "Task", "Resource": FUNCTION, "End": True, "Catch": _catch("States.DataLimitExceeded")},
            **CAUGHT,
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=(
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionFailed",
            "TaskStateExited",
            *EXIT_TO_CAUGHT,
        ),
        output={"Error": "States.DataLimitExceeded", "Cause": TOO_LARGE.format(FUNCTION)},
        respond=_answer([HALF_QUOTA, HALF_QUOTA]),
    ),
    Row(
        "a connector's result over the quota is retried like any task error (JSONata)",
        _machine(
            _task(
                jsonata=True,
                End=True,
                Retry=[{"ErrorEquals": ["States.DataLimitExceeded"], "MaxAttempts": 1}],
            ),
            jsonata=True,
        ),
        {},
        ExecutionStatus.FAILED,
        "States.DataLimitExceeded",
        TOO_LARGE.format("sqs"),
        (*TASK_CAUGHT, "TaskFailed", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"),
        respond=_answer([HALF_QUOTA, HALF_QUOTA]),
    ),
    Row(
        "a state's output over the quota",
        _machine({"Type": "Pass", "Parameters": {"v.$": "States.Array($.s, $.s)"}, "End": True}),
        {"s": HALF_QUOTA},
        ExecutionStatus.FAILED,
        "States.DataLimitExceeded",
        TOO_LARGE.format("S"),
        ("PassStateEntered", "ExecutionFailed"),
    ),
    Row(
        "a task's output over the quota is not caught",
        _machine(_task(ResultPath="$.r", End=True, Catch=_catch("States.DataLimitExceeded")), **CAUGHT),
        {"s": HALF_QUOTA},
        ExecutionStatus.FAILED,
        "States.DataLimitExceeded",
        TOO_LARGE.format("S"),
        (*TASK_DONE, "ExecutionFailed"),
        respond=_answer(HALF_QUOTA),
    ),
    Row(
        "a Parallel's output over the quota is not caught (JSONata)",
        _machine(
            {
                "Type": "Parallel",
                "Branches": [_branch({"Type": "Pass", "End": True}), _branch({"Type": "Pass", "End": True})],
                "Catch": _catch("States.ALL"),
                "End": True,
            },
            jsonata=True,
            **CAUGHT,
        ),
        {"s": HALF_QUOTA},
        ExecutionStatus.FAILED,
        "States.DataLimitExceeded",
        TOO_LARGE.format("S"),
        (
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateSucceeded",
            "ExecutionFailed",
        ),
    ),
    Row(
        "a task's input over the quota after Parameters",
        _machine(
            {
                "Type": "Task",
                "Resource": SEND,
                "Parameters": {"QueueUrl": "q", "MessageBody.$": "States.Array($.s, $.s)"},
                "Catch": _catch("States.ALL"),
                "End": True,
            },
            **CAUGHT,
        ),
        {"s": HALF_QUOTA},
        ExecutionStatus.FAILED,
        "States.DataLimitExceeded",
        TOO_LARGE.format("S"),
        ("TaskStateEntered", "ExecutionFailed"),
    ),
    Row(
        "a task's input over the quota after Arguments (JSONata)",
        _machine(
            {
                "Type": "Task",
                "Resource": SEND,
                "Arguments": {"QueueUrl": "q", "A": "{% $states.input.s %}", "B": "{% $states.input.s %}"},
                "Catch": _catch("States.DataLimitExceeded"),
                "End": True,
            },
            jsonata=True,
            **CAUGHT,
        ),
        {"s": HALF_QUOTA},
        ExecutionStatus.FAILED,
        "States.DataLimitExceeded",
        TOO_LARGE.format("S"),
        ("TaskStateEntered", "ExecutionFailed"),
    ),
]


@pytest.mark.parametrize("row", DATA_LIMITS, ids=lambda row: row.id)
async def test_data_limits(row: Row) -> None:
    await _check(row)


@dataclass(frozen=True)
class RetryRow:
    id: str
    state: dict[str, Any]
    respond: Responder
    sleeps: list[float]  # the back-off before each retry
    status: ExecutionStatus
    error: str | None = None
    jsonata: bool = False


def _retrying(*retriers: dict[str, Any], jsonata: bool = False, **fields: Any) -> dict[str, Any]:
    return _task(jsonata=jsonata, Retry=list(retriers), End=True, **fields)


_ALWAYS_E = _raise("E", "c")

# Retrier fields and how the retry policy reads them.
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html ("Retrying after an
# error": IntervalSeconds "1 by default", MaxAttempts "3 by default … A value of 0 specifies that the error
# is never retried", BackoffRate "2.0 by default", MaxDelaySeconds caps the interval, JitterStrategy; the
# example "makes 2 retry attempts after waiting for 3 and 4.5 seconds"; the example that "retries any error
# except States.Timeout") and https://states-language.net/spec.html ("Retrying after error": retriers are
# scanned in order; a retrier's MaxAttempts counts across all of its errors, so "ErrorA", "ErrorB",
# "ErrorC", "ErrorB" waits 1, 2 and 5 seconds and the fourth error goes to the Catch).
RETRIES = [
    RetryRow(
        "defaults", _retrying({"ErrorEquals": ["E"]}), _ALWAYS_E, [1.0, 2.0, 4.0], ExecutionStatus.FAILED, "E"
    ),
    RetryRow(
        "defaults (JSONata)",
        _retrying({"ErrorEquals": ["E"]}, jsonata=True),
        _ALWAYS_E,
        [1.0, 2.0, 4.0],
        ExecutionStatus.FAILED,
        "E",
        jsonata=True,
    ),
    RetryRow(
        "MaxAttempts 0 never retries",
        _retrying({"ErrorEquals": ["E"], "MaxAttempts": 0}),
        _ALWAYS_E,
        [],
        ExecutionStatus.FAILED,
        "E",
    ),
    RetryRow(
        "the documented 3 then 4.5 seconds",
        _retrying({"ErrorEquals": ["E"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 1.5}),
        _ALWAYS_E,
        [3.0, 4.5],
        ExecutionStatus.FAILED,
        "E",
    ),
    RetryRow(
        "BackoffRate 1.0 keeps the interval",
        _retrying({"ErrorEquals": ["E"], "IntervalSeconds": 3, "MaxAttempts": 3, "BackoffRate": 1.0}),
        _ALWAYS_E,
        [3.0, 3.0, 3.0],
        ExecutionStatus.FAILED,
        "E",
    ),
    RetryRow(
        "MaxDelaySeconds caps the interval (JSONata)",
        _retrying(
            {
                "ErrorEquals": ["E"],
                "IntervalSeconds": 2,
                "BackoffRate": 3,
                "MaxAttempts": 4,
                "MaxDelaySeconds": 10,
            },
            jsonata=True,
        ),
        _ALWAYS_E,
        [2.0, 6.0, 10.0, 10.0],
        ExecutionStatus.FAILED,
        "E",
        jsonata=True,
    ),
    RetryRow(
        "a retrier's attempts count across its errors",
        _retrying(
            {"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 2},
            {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5},
        ),
        _sequence("ErrorA", "ErrorB", "ErrorC", "ErrorB"),
        [1.0, 2.0, 5.0],
        ExecutionStatus.FAILED,
        "ErrorB",
    ),
    RetryRow(
        "the first matching retrier decides, even when it is spent",
        _retrying(
            {"ErrorEquals": ["E"], "MaxAttempts": 1}, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}
        ),
        _ALWAYS_E,
        [1.0],
        ExecutionStatus.FAILED,
        "E",
    ),
    RetryRow(
        "every error but States.Timeout: a timeout is not retried",
        _retrying({"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}),
        _sequence("States.Timeout"),
        [],
        ExecutionStatus.FAILED,
        "States.Timeout",
    ),
    RetryRow(
        "every error but States.Timeout: another error is retried",
        _retrying({"ErrorEquals": ["States.Timeout"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}),
        _sequence("E", "E"),
        [1.0, 2.0],
        ExecutionStatus.SUCCEEDED,
    ),
    RetryRow(
        "States.TaskFailed retries a task's error",
        _retrying({"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2}),
        _sequence("Lambda.Unknown"),
        [2.0],
        ExecutionStatus.SUCCEEDED,
    ),
    RetryRow(
        "an error no retrier names is not retried",
        _retrying({"ErrorEquals": ["Other"]}),
        _ALWAYS_E,
        [],
        ExecutionStatus.FAILED,
        "E",
    ),
]


@pytest.mark.parametrize("row", RETRIES, ids=lambda row: row.id)
async def test_retriers(row: RetryRow) -> None:
    clock = ManualClock()
    execution = await _run(
        Row(row.id, _machine(row.state, row.jsonata), {}, row.status, respond=row.respond), clock
    )
    assert (execution.status, execution.error) == (row.status, row.error)
    assert clock.sleeps == row.sleeps
    types = [event.type for event in execution.history.events]
    # Each attempt is its own TaskScheduled / TaskStarted / TaskFailed, all inside one TaskState.
    assert types.count("TaskScheduled") == len(row.sleeps) + 1
    assert types.count("TaskStateEntered") == 1


async def test_full_jitter_draws_each_delay_below_the_computed_backoff() -> None:
    """JitterStrategy FULL: "a random number between 0 and the computed backoff" (concepts-error-handling)."""
    clock = ManualClock()
    state = _retrying(
        {"ErrorEquals": ["E"], "IntervalSeconds": 4, "MaxAttempts": 3, "JitterStrategy": "FULL"}
    )
    execution = await _run(
        Row("jitter", _machine(state), {}, ExecutionStatus.FAILED, respond=_ALWAYS_E), clock
    )
    assert execution.error == "E"
    assert len(clock.sleeps) == 3
    assert all(0.0 <= sleep <= bound for sleep, bound in zip(clock.sleeps, [4.0, 8.0, 16.0], strict=True))
    assert clock.sleeps != [4.0, 8.0, 16.0]


@pytest.mark.parametrize("jsonata", [False, True], ids=["JSONPath", "JSONata"])
async def test_each_retry_raises_the_context_retry_count(jsonata: bool) -> None:
    """``$$.State.RetryCount`` / ``$states.context.State.RetryCount``: 0, then one more per retry
    (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html)."""
    if jsonata:
        arguments: dict[str, Any] = {
            "Arguments": {"QueueUrl": "q", "N": "{% $states.context.State.RetryCount %}"}
        }
    else:
        arguments = {"Parameters": {"QueueUrl": "q", "N.$": "$$.State.RetryCount"}}
    state = {"Type": "Task", "Resource": SEND, **arguments, "Retry": [{"ErrorEquals": ["E"]}], "End": True}
    execution = await _run(
        Row("count", _machine(state, jsonata), {}, ExecutionStatus.SUCCEEDED, respond=_sequence("E", "E"))
    )
    assert execution.status is ExecutionStatus.SUCCEEDED
    sent = [
        json.loads(str(event.details["parameters"]))["N"]
        for event in execution.history.events
        if event.type == "TaskScheduled"
    ]
    assert sent == [0, 1, 2]


async def test_a_parallel_is_retried_as_a_whole_and_reports_its_failure_once() -> None:
    """Retry on a Parallel runs every branch again; ParallelStateFailed follows the last attempt
    (concepts-error-handling: Retry and Catch on Task, Parallel and Map states)."""
    state = _parallel(
        {"Type": "Fail", "Error": "E", "Cause": "c"}, Retry=[{"ErrorEquals": ["E"], "MaxAttempts": 1}]
    )
    execution = await _check(
        Row(
            "parallel",
            _machine(state),
            {},
            ExecutionStatus.FAILED,
            "E",
            "c",
            (
                "ParallelStateEntered",
                "ParallelStateStarted",
                "FailStateEntered",
                "ParallelStateStarted",
                "FailStateEntered",
                "ParallelStateFailed",
                "ExecutionFailed",
            ),
        )
    )
    assert execution.history.events[-1].previous_event_id == execution.history.events[-2].id


BRANCH_FAILS = ("ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateFailed")
CAUGHT_AFTER_BRANCH = (*BRANCH_FAILS, "ParallelStateExited", *EXIT_TO_CAUGHT)
FAIL_E = {"Type": "Fail", "Error": "E", "Cause": "C"}

# What a catcher does with the error output {"Error", "Cause"}.
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html ("Catch failure
# states": catchers are scanned in order; "Error output"; "If you don't specify the ResultPath field,
# it defaults to $"), https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
# ("Use ResultPath to include both error and input in a Catch"; ResultPath null discards the result)
# and, for JSONata, https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html /
# workflow-variables.html (a catcher's Output and Assign see $states.input and $states.errorOutput;
# without Output the state's output is the error output). AWS's recordings also show the state's
# OutputPath left unapplied when a catcher is taken.
CATCHES = [
    Row(
        "ResultPath defaults to $: the error output replaces the input",
        _machine(_parallel(FAIL_E, Catch=_catch("E")), **CAUGHT),
        {"k": 1},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"Error": "E", "Cause": "C"},
    ),
    Row(
        "ResultPath adds the error output to the state's raw input",
        _machine(_parallel(FAIL_E, InputPath="$.a", Catch=_catch("E", ResultPath="$.error")), **CAUGHT),
        {"a": {"x": 1}, "b": 2},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"a": {"x": 1}, "b": 2, "error": {"Error": "E", "Cause": "C"}},
    ),
    Row(
        "ResultPath null keeps the input",
        _machine(_parallel(FAIL_E, Catch=_catch("E", ResultPath=None)), **CAUGHT),
        {"k": 1},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"k": 1},
    ),
    Row(
        "the state's OutputPath is not applied to a catcher's result",
        _machine(_parallel(FAIL_E, OutputPath="$.missing", Catch=_catch("States.ALL")), **CAUGHT),
        {"k": 1},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"Error": "E", "Cause": "C"},
    ),
    Row(
        "the first catcher that matches is taken",
        _machine(
            _parallel(
                FAIL_E,
                Catch=[
                    {"ErrorEquals": ["Other"], "Next": "Never"},
                    {"ErrorEquals": ["E", "Other"], "Next": "Caught", "ResultPath": "$.first"},
                    {"ErrorEquals": ["States.ALL"], "Next": "Never"},
                ],
            ),
            **CAUGHT,
            **NEVER,
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"first": {"Error": "E", "Cause": "C"}},
    ),
    Row(
        "no Output: the error output (JSONata)",
        _machine(_parallel(FAIL_E, Output="{% 'not used' %}", Catch=_catch("E")), jsonata=True, **CAUGHT),
        {"k": 1},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"Error": "E", "Cause": "C"},
    ),
    Row(
        "Output sees the state input and the error output (JSONata)",
        _machine(
            _parallel(
                FAIL_E,
                Catch=_catch(
                    "E", Output="{% {'input': $states.input, 'error': $states.errorOutput.Error} %}"
                ),
            ),
            jsonata=True,
            **CAUGHT,
        ),
        {"k": 1},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"input": {"k": 1}, "error": "E"},
    ),
    Row(
        "Assign in the catcher, not the state's own (JSONata)",
        _machine(
            _parallel(
                FAIL_E,
                Assign={"fromState": 1},
                Catch=_catch("E", Assign={"cause": "{% $states.errorOutput.Cause %}"}),
            ),
            jsonata=True,
            Caught={"Type": "Pass", "Output": "{% {'cause': $cause} %}", "End": True},
        ),
        {},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"cause": "C"},
    ),
]


@pytest.mark.parametrize("row", CATCHES, ids=lambda row: row.id)
async def test_catchers(row: Row) -> None:
    await _check(row)


# The Fail state: "Error" and "Cause" are optional; ErrorPath / CausePath (JSONPath: a path or an
# intrinsic) or JSONata expressions give them at run time; the execution fails with them, recorded on
# ExecutionFailed right after FailStateEntered (no FailStateExited).
# https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
FAILS = [
    Row(
        "Error and Cause",
        _machine(FAIL_E),
        {},
        ExecutionStatus.FAILED,
        "E",
        "C",
        ("FailStateEntered", "ExecutionFailed"),
    ),
    Row(
        "Error only",
        _machine({"Type": "Fail", "Error": "E"}),
        {},
        ExecutionStatus.FAILED,
        "E",
        None,
        ("FailStateEntered", "ExecutionFailed"),
    ),
    Row(
        "Cause only",
        _machine({"Type": "Fail", "Cause": "C"}),
        {},
        ExecutionStatus.FAILED,
        None,
        "C",
        ("FailStateEntered", "ExecutionFailed"),
    ),
    Row(
        "neither",
        _machine({"Type": "Fail"}),
        {},
        ExecutionStatus.FAILED,
        None,
        None,
        ("FailStateEntered", "ExecutionFailed"),
    ),
    Row(
        "ErrorPath and CausePath",
        _machine({"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$$.State.Name"}),
        {"e": "FromInput"},
        ExecutionStatus.FAILED,
        "FromInput",
        "S",
        ("FailStateEntered", "ExecutionFailed"),
    ),
    Row(
        "an intrinsic in CausePath",
        _machine({"Type": "Fail", "Error": "E", "CausePath": "States.Format('item {} failed', $.id)"}),
        {"id": 7},
        ExecutionStatus.FAILED,
        "E",
        "item 7 failed",
        ("FailStateEntered", "ExecutionFailed"),
    ),
    Row(
        "Error and Cause expressions (JSONata)",
        _machine(
            {"Type": "Fail", "Error": "{% 'E' & $states.input.n %}", "Cause": "{% $string($states.input) %}"},
            jsonata=True,
        ),
        {"n": 1},
        ExecutionStatus.FAILED,
        "E1",
        '{"n":1}',
        ("FailStateEntered", "ExecutionFailed"),
    ),
    # input-output-resultpath.html ("Use ResultPath to include both error and input in a Catch"): a
    # failing branch with an Error and no Cause gives the error output {"Error": "Error here"}.
    Row(
        "a branch's Error without Cause reaches the catcher without a Cause",
        _machine(
            _parallel(
                {"Type": "Fail", "Error": "Error here"}, Catch=_catch("States.ALL", ResultPath="$.error")
            ),
            **CAUGHT,
        ),
        {"foo": "bar"},
        ExecutionStatus.SUCCEEDED,
        events=CAUGHT_AFTER_BRANCH,
        output={"foo": "bar", "error": {"Error": "Error here"}},
    ),
]


@pytest.mark.parametrize("row", FAILS, ids=lambda row: row.id)
async def test_fail_states(row: Row) -> None:
    await _check(row)
