"""Executions: start, describe, stop, list, history, sync express, redrive, map runs, TestState."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import aws_client, wait_finished

PASS = json.dumps(
    {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"Arg1": "argument1"}, "End": True}}}
)
FAIL = json.dumps({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}})


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def create(sfn: Any, definition: str = PASS, **extra: Any) -> str:
    return str(
        sfn.create_state_machine(name=unique("ex"), definition=definition, roleArn=ROLE_ARN, **extra)[
            "stateMachineArn"
        ]
    )


def waiting_machine(sfn: Any) -> str:
    """A machine whose executions stay RUNNING until an activity worker answers."""
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    return create(
        sfn,
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": activity, "End": True}}}),
    )


def code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def message(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Message"])


@pytest.fixture(scope="module")
def sync_client(live_server: Any) -> Any:
    return aws_client(live_server, "stepfunctions")


def test_start_and_describe_execution(sfn: Any) -> None:
    arn = create(sfn)
    started = sfn.start_execution(stateMachineArn=arn, name="first", input='{"a": 1}', traceHeader="Root=1")
    assert started["executionArn"] == arn.replace(":stateMachine:", ":execution:") + ":first"
    described = wait_finished(sfn, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert described["input"] == '{"a": 1}'
    assert json.loads(described["output"]) == {"Arg1": "argument1"}
    assert described["inputDetails"] == {"included": True}
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert described["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    assert described["traceHeader"] == "Root=1"
    metadata = sfn.describe_execution(executionArn=started["executionArn"], includedData="METADATA_ONLY")
    assert "input" not in metadata and "output" not in metadata


def test_default_input_is_an_empty_object(sfn: Any) -> None:
    execution = sfn.start_execution(stateMachineArn=create(sfn))["executionArn"]
    assert wait_finished(sfn, execution)["input"] == "{}"


def test_same_name_same_input_while_running_is_idempotent_otherwise_already_exists(sfn: Any) -> None:
    arn = waiting_machine(sfn)
    first = sfn.start_execution(stateMachineArn=arn, name="dup", input="{}")
    again = sfn.start_execution(stateMachineArn=arn, name="dup", input="{}")
    assert again["executionArn"] == first["executionArn"]
    assert again["startDate"] == first["startDate"]
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn, name="dup", input='{"other": 1}')
    assert (code(raised), message(raised)) == (
        "ExecutionAlreadyExists",
        f"Execution Already Exists: '{first['executionArn']}'",
    )
    sfn.stop_execution(executionArn=first["executionArn"])
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn, name="dup", input="{}")
    assert code(raised) == "ExecutionAlreadyExists"


def test_start_rejects_bad_input_name_and_unknown_machine(sfn: Any) -> None:
    arn = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn, input="{not json")
    assert code(raised) == "InvalidExecutionInput"
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn, name="bad name")
    assert (code(raised), message(raised)) == ("InvalidName", "Invalid Name: 'bad name'")
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn + "-missing")
    assert code(raised) == "StateMachineDoesNotExist"
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn="arn:aws:lambda:us-east-1:123456789012:function:f")
    assert code(raised) == "InvalidArn"


def test_stop_execution_aborts_with_error_and_cause(sfn: Any) -> None:
    arn = waiting_machine(sfn)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    stopped = sfn.stop_execution(executionArn=execution, error="Err", cause="Because")
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Err", "Because")
    assert described["stopDate"] == stopped["stopDate"]
    assert described["redriveStatus"] == "REDRIVABLE"
    last = sfn.get_execution_history(executionArn=execution, reverseOrder=True, maxResults=1)["events"][0]
    assert last["type"] == "ExecutionAborted"
    assert last["executionAbortedEventDetails"] == {"error": "Err", "cause": "Because"}


def test_unknown_execution_is_execution_does_not_exist(sfn: Any) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:execution:nothing:here"
    for call in (
        sfn.describe_execution,
        sfn.stop_execution,
        sfn.get_execution_history,
        sfn.describe_state_machine_for_execution,
    ):
        with pytest.raises(ClientError) as raised:
            call(executionArn=arn)
        assert (code(raised), message(raised)) == (
            "ExecutionDoesNotExist",
            f"Execution Does Not Exist: '{arn}'",
        )


def test_list_executions_filters_orders_and_pages(sfn: Any) -> None:
    arn = create(sfn)
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []
    names = [f"run{i}" for i in range(3)]
    for name in names:
        wait_finished(sfn, sfn.start_execution(stateMachineArn=arn, name=name)["executionArn"])
    page = sfn.list_executions(stateMachineArn=arn, maxResults=2)
    assert [e["name"] for e in page["executions"]] == ["run2", "run1"]
    rest = sfn.list_executions(stateMachineArn=arn, maxResults=2, nextToken=page["nextToken"])
    assert [e["name"] for e in rest["executions"]] == ["run0"]
    assert rest["executions"][0]["redriveCount"] == 0
    assert len(sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"]) == 3
    assert sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"] == []
    assert sfn.list_executions(stateMachineArn=arn, redriveFilter="REDRIVEN")["executions"] == []


def test_list_executions_needs_exactly_one_target_and_a_standard_machine(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.list_executions()
    assert code(raised) == "ValidationException"
    with pytest.raises(ClientError) as raised:
        sfn.list_executions(stateMachineArn=create(sfn, type="EXPRESS"))
    assert code(raised) == "StateMachineTypeNotSupported"
    with pytest.raises(ClientError) as raised:
        sfn.list_executions(stateMachineArn=create(sfn) + "-missing")
    assert code(raised) == "StateMachineDoesNotExist"


def test_execution_history_forward_reverse_paged_and_without_data(sfn: Any) -> None:
    execution = sfn.start_execution(stateMachineArn=create(sfn))["executionArn"]
    wait_finished(sfn, execution)
    events = sfn.get_execution_history(executionArn=execution)["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    reverse = sfn.get_execution_history(executionArn=execution, reverseOrder=True)["events"]
    assert [e["id"] for e in reverse] == [4, 3, 2, 1]
    first = sfn.get_execution_history(executionArn=execution, maxResults=3)
    second = sfn.get_execution_history(executionArn=execution, maxResults=3, nextToken=first["nextToken"])
    assert [e["id"] for e in first["events"] + second["events"]] == [1, 2, 3, 4]
    bare = sfn.get_execution_history(executionArn=execution, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]
    assert "output" not in bare[-1]["executionSucceededEventDetails"]
    with pytest.raises(ClientError) as raised:
        sfn.get_execution_history(executionArn=execution, nextToken="nope")
    assert code(raised) == "InvalidToken"


def test_describe_state_machine_for_execution(sfn: Any) -> None:
    arn = create(sfn)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    described = sfn.describe_state_machine_for_execution(executionArn=execution)
    assert described["stateMachineArn"] == arn
    assert described["definition"] == PASS
    assert described["roleArn"] == ROLE_ARN
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}


def test_start_sync_execution_runs_express_and_is_not_kept(sfn: Any, sync_client: Any) -> None:
    arn = create(sfn, type="EXPRESS")
    result = sync_client.start_sync_execution(stateMachineArn=arn, input='{"x": 1}')
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"Arg1": "argument1"}
    assert result["billingDetails"]["billedMemoryUsedInMB"] == 64
    assert ":express:" in result["executionArn"]
    with pytest.raises(ClientError) as raised:
        sfn.describe_execution(executionArn=result["executionArn"])
    # AWS keeps no express execution: an express ARN is not valid for DescribeExecution.
    assert code(raised) == "InvalidArn"
    failed = sync_client.start_sync_execution(stateMachineArn=create(sfn, FAIL, type="EXPRESS"))
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "E", "C")


def test_start_sync_execution_on_standard_is_type_not_supported(sfn: Any, sync_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sync_client.start_sync_execution(stateMachineArn=create(sfn))
    assert code(raised) == "StateMachineTypeNotSupported"


def test_express_start_execution_returns_an_express_arn(sfn: Any) -> None:
    arn = create(sfn, type="EXPRESS")
    started = sfn.start_execution(stateMachineArn=arn, name="e1")
    prefix = arn.replace(":stateMachine:", ":express:") + ":e1:"
    assert started["executionArn"].startswith(prefix)


def test_redrive_is_refused_for_a_succeeded_execution(sfn: Any) -> None:
    execution = sfn.start_execution(stateMachineArn=create(sfn))["executionArn"]
    wait_finished(sfn, execution)
    with pytest.raises(ClientError) as raised:
        sfn.redrive_execution(executionArn=execution)
    assert (code(raised), message(raised)) == (
        "ExecutionNotRedrivable",
        "Execution is SUCCEEDED and cannot be redriven",
    )
    with pytest.raises(ClientError) as raised:
        sfn.redrive_execution(executionArn=execution + "-missing")
    assert code(raised) == "ExecutionDoesNotExist"


def test_map_run_operations_on_unknown_resources(sfn: Any) -> None:
    map_run = "arn:aws:states:us-east-1:123456789012:mapRun:machine/exec:label:1234"
    for call, extra in ((sfn.describe_map_run, {}), (sfn.update_map_run, {"maxConcurrency": 2})):
        with pytest.raises(ClientError) as raised:
            call(mapRunArn=map_run, **extra)
        assert (code(raised), message(raised)) == (
            "ResourceNotFound",
            "Request references a resource that does not exist.",
        )
    with pytest.raises(ClientError) as raised:
        sfn.update_map_run(mapRunArn=map_run)
    assert code(raised) == "ValidationException"
    with pytest.raises(ClientError) as raised:
        sfn.list_executions(mapRunArn=map_run)
    assert code(raised) == "ResourceNotFound"
    with pytest.raises(ClientError) as raised:
        sfn.list_map_runs(executionArn="arn:aws:states:us-east-1:123456789012:execution:no:pe")
    assert code(raised) == "ExecutionDoesNotExist"
    execution = sfn.start_execution(stateMachineArn=create(sfn))["executionArn"]
    assert sfn.list_map_runs(executionArn=execution)["mapRuns"] == []


def test_test_state_checks_the_request_then_runs_the_state(sync_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sync_client.test_state(definition="{nope", roleArn=ROLE_ARN)
    assert code(raised) == "InvalidDefinition"
    with pytest.raises(ClientError) as raised:
        sync_client.test_state(definition='{"Type": "Pass"}', roleArn=ROLE_ARN, input="{bad")
    assert code(raised) == "InvalidExecutionInput"
    answer = sync_client.test_state(definition='{"Type": "Pass", "End": true}', roleArn=ROLE_ARN)
    assert (answer["status"], answer["output"]) == ("SUCCEEDED", "{}")
