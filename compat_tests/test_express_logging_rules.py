"""Express workflows and CloudWatch Logs logging as AWS documents them, through boto3 against a live
server (log groups live in the emulator's in-process CloudWatch Logs). Each table cites its page."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.helpers import wait_finished

ACCOUNT = "123456789012"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "End": True}}})
FAIL = json.dumps({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}})
WAIT_400 = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 400, "End": True}}})


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def sfn(live_server: Any) -> Any:
    return make_client(live_server.url, access_key=ACCOUNT)


@pytest.fixture(scope="module")
def logs(live_server: Any) -> Any:
    return boto3.client(
        "logs",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}),
    )


@pytest.fixture(scope="module")
def group_arn(logs: Any) -> str:
    name = f"/aws/vendedlogs/states/{unique('rules')}"
    logs.create_log_group(logGroupName=name)
    return f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}:*"


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def create(sfn: Any, definition: str = PASS, **extra: Any) -> str:
    request = {"name": unique("sm"), "definition": definition, "roleArn": ROLE_ARN, **extra}
    return str(sfn.create_state_machine(**request)["stateMachineArn"])


# --- loggingConfiguration at CreateStateMachine / UpdateStateMachine -------------------------------
# Rows from API_LoggingConfiguration ("destinations: … Limited to size 1. Required, if your log level
# is not set to OFF"; level ALL | ERROR | FATAL | OFF), API_CloudWatchLogsLogGroup ("The ARN must end
# with :*") and "Logging Step Functions using CloudWatch Logs" (cw-logs.html: the log group must exist):
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CloudWatchLogsLogGroup.html
EXACTLY_ONE = "Invalid Logging Configuration: Must specify exactly one Log Destination."
NOT_FOUND = "Invalid Logging Configuration: Log Destination not found."
NO_QUALIFIER = "Invalid Logging Configuration: Log Group ARN must be provided with '*' qualifier."


def _destination(arn: str) -> dict[str, Any]:
    return {"cloudWatchLogsLogGroup": {"logGroupArn": arn}}


# (id, build(group ARN) -> loggingConfiguration, the InvalidLoggingConfiguration message)
REJECTED: list[tuple[str, Callable[[str], dict[str, Any]], str]] = [
    ("all-without-destinations", lambda g: {"level": "ALL"}, EXACTLY_ONE),
    ("error-with-empty-destinations", lambda g: {"level": "ERROR", "destinations": []}, EXACTLY_ONE),
    ("fatal-without-destinations", lambda g: {"level": "FATAL", "includeExecutionData": True}, EXACTLY_ONE),
    (
        "two-destinations",
        lambda g: {"level": "ALL", "destinations": [_destination(g), _destination(g)]},
        EXACTLY_ONE,
    ),
    (
        "off-with-two-destinations",
        lambda g: {"level": "OFF", "destinations": [_destination(g), _destination(g)]},
        EXACTLY_ONE,
    ),
    (
        "arn-without-star-qualifier",
        lambda g: {"level": "ALL", "destinations": [_destination(g.removesuffix(":*"))]},
        NO_QUALIFIER,
    ),
    (
        "group-that-does-not-exist",
        lambda g: {"level": "ALL", "destinations": [_destination(g.replace("rules-", "missing-"))]},
        NOT_FOUND,
    ),
    (
        "group-in-another-region",
        lambda g: {"level": "ERROR", "destinations": [_destination(g.replace("us-east-1", "eu-west-1"))]},
        NOT_FOUND,
    ),
    (
        "not-a-log-group-arn",
        lambda g: {"level": "ALL", "destinations": [_destination("arn:aws:s3:::bucket:*")]},
        NOT_FOUND,
    ),
]


@pytest.mark.parametrize(
    ("build", "message"), [row[1:] for row in REJECTED], ids=[row[0] for row in REJECTED]
)
def test_create_rejects_an_invalid_logging_configuration(
    sfn: Any, group_arn: str, build: Callable[[str], dict[str, Any]], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        create(sfn, loggingConfiguration=build(group_arn))
    assert error_of(raised) == ("InvalidLoggingConfiguration", message)


@pytest.mark.parametrize(
    ("build", "message"), [row[1:] for row in REJECTED], ids=[row[0] for row in REJECTED]
)
def test_update_rejects_an_invalid_logging_configuration(
    sfn: Any, group_arn: str, build: Callable[[str], dict[str, Any]], message: str
) -> None:
    arn = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration=build(group_arn))
    assert error_of(raised) == ("InvalidLoggingConfiguration", message)
    described = sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"]
    assert described == {"level": "OFF", "includeExecutionData": False}


# (id, build(group ARN) -> loggingConfiguration, build(group ARN) -> what DescribeStateMachine shows)
ACCEPTED: list[tuple[str, Callable[[str], dict[str, Any]], Callable[[str], dict[str, Any]]]] = [
    ("absent-fields-default-to-off", lambda g: {}, lambda g: {"level": "OFF", "includeExecutionData": False}),
    ("off-alone", lambda g: {"level": "OFF"}, lambda g: {"level": "OFF", "includeExecutionData": False}),
    (
        "include-execution-data-alone",
        lambda g: {"includeExecutionData": True},
        lambda g: {"level": "OFF", "includeExecutionData": True},
    ),
    (
        "off-with-one-destination",
        lambda g: {"level": "OFF", "destinations": [_destination(g)]},
        lambda g: {"level": "OFF", "includeExecutionData": False, "destinations": [_destination(g)]},
    ),
] + [
    (
        f"{level.lower()}-with-one-destination",
        lambda g, level=level: {
            "level": level,
            "includeExecutionData": True,
            "destinations": [_destination(g)],
        },
        lambda g, level=level: {
            "level": level,
            "includeExecutionData": True,
            "destinations": [_destination(g)],
        },
    )
    for level in ("ALL", "ERROR", "FATAL")
]


@pytest.mark.parametrize(
    ("build", "described"), [row[1:] for row in ACCEPTED], ids=[row[0] for row in ACCEPTED]
)
def test_an_accepted_logging_configuration_is_described(
    sfn: Any,
    group_arn: str,
    build: Callable[[str], dict[str, Any]],
    described: Callable[[str], dict[str, Any]],
) -> None:
    arn = create(sfn, loggingConfiguration=build(group_arn))
    assert sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"] == described(group_arn)
    other = create(sfn)
    sfn.update_state_machine(stateMachineArn=other, loggingConfiguration=build(group_arn))
    assert sfn.describe_state_machine(stateMachineArn=other)["loggingConfiguration"] == described(group_arn)


# --- StartSyncExecution --------------------------------------------------------------------------
# Rows from API_StartSyncExecution (Errors: InvalidArn, InvalidExecutionInput, InvalidName,
# StateMachineDoesNotExist, StateMachineTypeNotSupported; "StartSyncExecution is not available for
# STANDARD workflows"): https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartSyncExecution.html
SYNC_ERRORS: list[tuple[str, Callable[[str, str], dict[str, Any]], str]] = [
    (
        "standard-machine",
        lambda express, standard: {"stateMachineArn": standard},
        "StateMachineTypeNotSupported",
    ),
    (
        "missing-machine",
        lambda express, standard: {"stateMachineArn": express + "x"},
        "StateMachineDoesNotExist",
    ),
    ("not-an-arn", lambda express, standard: {"stateMachineArn": "machine"}, "InvalidArn"),
    (
        "input-not-json",
        lambda express, standard: {"stateMachineArn": express, "input": "{"},
        "InvalidExecutionInput",
    ),
    ("name-with-space", lambda express, standard: {"stateMachineArn": express, "name": "a b"}, "InvalidName"),
]


@pytest.mark.parametrize(
    ("build", "code"), [row[1:] for row in SYNC_ERRORS], ids=[row[0] for row in SYNC_ERRORS]
)
def test_start_sync_execution_errors(
    sfn: Any, build: Callable[[str, str], dict[str, Any]], code: str
) -> None:
    express = create(sfn, type="EXPRESS")
    standard = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.start_sync_execution(**build(express, standard))
    assert error_of(raised)[0] == code


# The response members by status (API_StartSyncExecution, Response Elements; the 5-minute Express
# limit from "Choosing workflow type in Step Functions": an Express execution running longer ends
# TIMED_OUT). (id, definition, status, members present, members absent)
SYNC_RESULTS: list[tuple[str, str, str, set[str], set[str]]] = [
    (
        "succeeded",
        PASS,
        "SUCCEEDED",
        {
            "executionArn",
            "stateMachineArn",
            "name",
            "startDate",
            "stopDate",
            "input",
            "inputDetails",
            "output",
            "outputDetails",
            "billingDetails",
        },
        {"error", "cause"},
    ),
    (
        "failed",
        FAIL,
        "FAILED",
        {
            "executionArn",
            "stateMachineArn",
            "name",
            "startDate",
            "stopDate",
            "error",
            "cause",
            "input",
            "inputDetails",
            "billingDetails",
        },
        {"output"},
    ),
    (
        "longer-than-five-minutes",
        WAIT_400,
        "TIMED_OUT",
        {
            "executionArn",
            "stateMachineArn",
            "name",
            "startDate",
            "stopDate",
            "input",
            "inputDetails",
            "billingDetails",
        },
        {"output"},
    ),
]


@pytest.mark.parametrize(
    ("definition", "status", "present", "absent"),
    [row[1:] for row in SYNC_RESULTS],
    ids=[row[0] for row in SYNC_RESULTS],
)
def test_start_sync_execution_answers_by_status(
    sfn: Any, definition: str, status: str, present: set[str], absent: set[str]
) -> None:
    arn = create(sfn, definition, type="EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=arn, name="run-1", input='{"k": 1}')
    answer.pop("ResponseMetadata")
    assert answer["status"] == status
    assert present <= answer.keys()
    assert not absent & answer.keys()
    assert answer["name"] == "run-1"
    assert answer["input"] == '{"k": 1}'
    machine_name = arn.rsplit(":", 1)[1]
    assert answer["executionArn"].startswith(
        f"arn:aws:states:us-east-1:{ACCOUNT}:express:{machine_name}:run-1:"
    )
    billing = answer["billingDetails"]
    assert set(billing) == {"billedMemoryUsedInMB", "billedDurationInMilliseconds"}
    assert billing["billedDurationInMilliseconds"] >= 100


def test_start_sync_execution_echoes_the_trace_header(sfn: Any) -> None:
    arn = create(sfn, type="EXPRESS")
    answer = sfn.start_sync_execution(
        stateMachineArn=arn, traceHeader="Root=1-5759e988-bd862e3fe1be46a994272793"
    )
    assert answer["traceHeader"] == "Root=1-5759e988-bd862e3fe1be46a994272793"


# --- Express executions in the other execution APIs ----------------------------------------------
# "Execution guarantees" (express-at-least-once-execution.html): Express "Idempotency is not
# automatically managed. Starting multiple workflows with the same name results in concurrent
# executions"; Express execution history "is not captured by Step Functions". API_DescribeExecution,
# API_GetExecutionHistory, API_StopExecution, API_ListExecutions: "not supported by EXPRESS state machines".
EXPRESS_ARN_OPERATIONS = [
    "describe_execution",
    "get_execution_history",
    "stop_execution",
    "redrive_execution",
    "describe_state_machine_for_execution",
]


@pytest.mark.parametrize("operation", EXPRESS_ARN_OPERATIONS)
def test_an_express_execution_arn_is_not_valid_in_execution_apis(sfn: Any, operation: str) -> None:
    arn = create(sfn, type="EXPRESS")
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(executionArn=execution)
    assert error_of(raised) == (
        "InvalidArn",
        "Invalid Arn: 'Resource type not valid in this context: express'",
    )


def test_express_executions_are_not_listed_and_names_may_repeat(sfn: Any) -> None:
    arn = create(sfn, type="EXPRESS")
    first = sfn.start_execution(stateMachineArn=arn, name="same", input="{}")["executionArn"]
    second = sfn.start_execution(stateMachineArn=arn, name="same", input='{"other": 1}')["executionArn"]
    assert first != second
    assert first.rsplit(":", 1)[0] == second.rsplit(":", 1)[0]
    with pytest.raises(ClientError) as raised:
        sfn.list_executions(stateMachineArn=arn)
    assert error_of(raised)[0] == "StateMachineTypeNotSupported"


# --- A Standard parent running an EXPRESS child ---------------------------------------------------
# "Manage AWS Step Functions Executions as an Integrated Service" (connect-stepfunctions.html): a
# Task with ``states:startExecution.sync`` "starts an execution of another state machine and waits
# for it to complete"; nothing restricts the child's type. The child's result is read although the
# EXPRESS execution itself is kept by no API (its ARN is InvalidArn to DescribeExecution).
# (id, resource, child definition, parent status, the child's Output as the parent sees it)
NESTED_EXPRESS: list[tuple[str, str, str, str, Any]] = [
    ("sync2-succeeds", "arn:aws:states:::states:startExecution.sync:2", PASS, "SUCCEEDED", {"a": 1}),
    ("sync-succeeds", "arn:aws:states:::states:startExecution.sync", PASS, "SUCCEEDED", '{"a":1}'),
    ("sync2-child-fails", "arn:aws:states:::states:startExecution.sync:2", FAIL, "FAILED", None),
]


@pytest.mark.parametrize(
    ("resource", "child_definition", "status", "child_output"),
    [row[1:] for row in NESTED_EXPRESS],
    ids=[row[0] for row in NESTED_EXPRESS],
)
def test_a_standard_parent_waits_for_an_express_child(
    sfn: Any, resource: str, child_definition: str, status: str, child_output: Any
) -> None:
    child = create(sfn, child_definition, type="EXPRESS")
    task = {"Type": "Task", "Resource": resource, "Parameters": {"StateMachineArn": child}, "End": True}
    parent = create(sfn, json.dumps({"StartAt": "T", "States": {"T": task}}))
    execution = sfn.start_execution(stateMachineArn=parent)["executionArn"]
    described = wait_finished(sfn, execution)
    assert described["status"] == status
    if status == "SUCCEEDED":
        job = json.loads(described["output"])
        assert job["Status"] == "SUCCEEDED"
        assert job["Output"] == child_output
        assert ":express:" in job["ExecutionArn"]
        assert "RedriveCount" not in job
    else:
        assert described["error"] == "States.TaskFailed"
        job = json.loads(described["cause"])
        assert (job["Status"], job["Error"], job["Cause"]) == ("FAILED", "E", "C")


# --- What an EXPRESS execution logs, by level -----------------------------------------------------
# "Logging Step Functions using CloudWatch Logs" (cw-logs.html): Express workflows record their
# history only in CloudWatch Logs; "Log levels" (cloudwatch-log-level.html) gives the event types
# each level logs; API_LoggingConfiguration: "includeExecutionData … When set to false, data is
# excluded". (id, definition, level, includeExecutionData, the event types logged, in order)
EXPRESS_LOGS: list[tuple[str, str, str, bool, list[str]]] = [
    (
        "pass-all",
        PASS,
        "ALL",
        True,
        ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"],
    ),
    ("fail-all", FAIL, "ALL", False, ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]),
    ("fail-error", FAIL, "ERROR", True, ["FailStateEntered", "ExecutionFailed"]),
    ("fail-fatal", FAIL, "FATAL", True, ["ExecutionFailed"]),
    ("timed-out-fatal", WAIT_400, "FATAL", True, ["ExecutionTimedOut"]),
]


def _logged(logs: Any, group: str, execution_arn: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while True:
        found = [
            json.loads(event["message"]) for event in logs.filter_log_events(logGroupName=group)["events"]
        ]
        found = [document for document in found if document["execution_arn"] == execution_arn]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("definition", "level", "include", "types"),
    [row[1:] for row in EXPRESS_LOGS],
    ids=[row[0] for row in EXPRESS_LOGS],
)
def test_a_sync_express_execution_is_logged_by_level(
    sfn: Any, logs: Any, definition: str, level: str, include: bool, types: list[str]
) -> None:
    group = f"/aws/vendedlogs/states/{unique('level')}"
    logs.create_log_group(logGroupName=group)
    configuration = {
        "level": level,
        "includeExecutionData": include,
        "destinations": [_destination(f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}:*")],
    }
    arn = create(sfn, definition, type="EXPRESS", loggingConfiguration=configuration)
    execution = sfn.start_sync_execution(stateMachineArn=arn, input='{"secret": 1}')["executionArn"]
    documents = _logged(logs, group, execution, len(types))
    assert [document["type"] for document in documents] == types
    for document in documents:
        assert set(document) == {
            "id",
            "type",
            "details",
            "previous_event_id",
            "event_timestamp",
            "execution_arn",
            "redrive_count",
        }
        if not include:
            assert "input" not in document["details"]
            assert "output" not in document["details"]
    streams = [s["logStreamName"] for s in logs.describe_log_streams(logGroupName=group)["logStreams"]]
    assert all(name.startswith(f"states/{arn.rsplit(':', 1)[1]}/") for name in streams)
