"""Execution logging to CloudWatch Logs, EXPRESS async executions and Task ``Credentials`` through
boto3 against a live server (the log groups live in the emulator's in-process moto)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.helpers import wait_finished

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "End": True}}})
FAIL = json.dumps({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}})


def unique(prefix: str = "lg") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def client(live_server: Any, service: str, account: str = ACCOUNT) -> Any:
    return boto3.client(
        service,
        endpoint_url=live_server.url,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}),
    )


@pytest.fixture(scope="module")
def logs(live_server: Any) -> Any:
    return client(live_server, "logs")


def new_log_group(logs: Any) -> str:
    name = f"/aws/vendedlogs/states/{unique()}"
    logs.create_log_group(logGroupName=name)
    return name


def logging_of(name: str, level: str = "ALL", include: bool = True) -> dict[str, Any]:
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}:*"
    return {
        "level": level,
        "includeExecutionData": include,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}],
    }


def create(sfn: Any, definition: str = PASS, **extra: Any) -> str:
    request = {"name": unique("sm"), "definition": definition, "roleArn": ROLE_ARN, **extra}
    return str(sfn.create_state_machine(**request)["stateMachineArn"])


def log_events(logs: Any, group: str, count: int, execution_arn: str | None = None) -> list[dict[str, Any]]:
    """The log documents of ``group`` (of one execution), waiting until ``count`` have arrived."""
    deadline = time.monotonic() + 10
    while True:
        found = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=group)["events"]]
        if execution_arn is not None:
            found = [e for e in found if e["execution_arn"] == execution_arn]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_level_all_writes_every_event_to_the_log_group(sfn: Any, logs: Any) -> None:
    group = new_log_group(logs)
    arn = create(sfn, loggingConfiguration=logging_of(group))
    execution = sfn.start_execution(stateMachineArn=arn, input='{"x": 1}')["executionArn"]
    events = log_events(logs, group, 4)
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    end = events[-1]
    assert end["execution_arn"] == execution
    assert (end["id"], end["previous_event_id"], end["redrive_count"]) == ("4", "3", "0")
    assert end["details"] == {"output": '{"a":1}', "outputDetails": {"truncated": False}}
    assert end["event_timestamp"].isdigit()
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    name = arn.rsplit(":", 1)[1]
    assert [s["logStreamName"].rsplit("/", 2)[0] for s in streams] == [f"states/{name}"]


def test_level_error_without_execution_data_logs_failures_only(sfn: Any, logs: Any) -> None:
    group = new_log_group(logs)
    arn = create(sfn, FAIL, loggingConfiguration=logging_of(group, "ERROR", include=False))
    sfn.start_execution(stateMachineArn=arn)
    events = log_events(logs, group, 2)
    assert [e["type"] for e in events] == ["FailStateEntered", "ExecutionFailed"]
    assert "input" not in events[0]["details"]
    assert events[1]["details"] == {"error": "E", "cause": "C"}


def test_an_express_async_execution_is_observed_through_its_logs(sfn: Any, logs: Any) -> None:
    group = new_log_group(logs)
    arn = create(sfn, type="EXPRESS", loggingConfiguration=logging_of(group))
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert ":express:" in execution
    events = log_events(logs, group, 4, execution)
    assert events[-1]["type"] == "ExecutionSucceeded"
    for call in (sfn.describe_execution, sfn.get_execution_history, sfn.stop_execution):
        with pytest.raises(ClientError) as raised:
            call(executionArn=execution)
        assert raised.value.response["Error"] == {
            "Code": "InvalidArn",
            "Message": "Invalid Arn: 'Resource type not valid in this context: express'",
        }
    with pytest.raises(ClientError) as raised:
        sfn.list_executions(stateMachineArn=arn)
    assert raised.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def test_a_log_group_that_does_not_exist_is_an_invalid_logging_configuration(sfn: Any, logs: Any) -> None:
    missing = logging_of(f"/aws/vendedlogs/states/{unique()}")
    with pytest.raises(ClientError) as raised:
        create(sfn, loggingConfiguration=missing)
    assert raised.value.response["Error"] == {
        "Code": "InvalidLoggingConfiguration",
        "Message": "Invalid Logging Configuration: Log Destination not found.",
    }
    arn = create(sfn)
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration=missing)
    assert raised.value.response["Error"]["Code"] == "InvalidLoggingConfiguration"
    group = new_log_group(logs)
    sfn.update_state_machine(stateMachineArn=arn, loggingConfiguration=logging_of(group))
    sfn.start_execution(stateMachineArn=arn)
    assert [e["type"] for e in log_events(logs, group, 4)][-1] == "ExecutionSucceeded"


def test_credentials_make_the_task_act_in_the_role_account(sfn: Any, live_server: Any) -> None:
    other_sqs = client(live_server, "sqs", OTHER_ACCOUNT)
    queue = other_sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/trusted"
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": queue, "MessageBody": "hello"},
        "Credentials": {"RoleArn.$": "$.role"},
        "End": True,
    }
    arn = create(sfn, json.dumps({"StartAt": "T", "States": {"T": task}}))
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"role": role}))["executionArn"]
    assert wait_finished(sfn, execution)["status"] == "SUCCEEDED"
    messages = other_sqs.receive_message(QueueUrl=queue).get("Messages") or []
    assert [m["Body"] for m in messages] == ["hello"]
    history = sfn.get_execution_history(executionArn=execution)["events"]
    scheduled = next(e for e in history if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["taskCredentials"] == {"roleArn": role}


def test_credentials_start_a_child_execution_in_another_account(sfn: Any, live_server: Any) -> None:
    other_sfn = make_client(live_server.url, access_key=OTHER_ACCOUNT)
    child = create(other_sfn)
    assert f":{OTHER_ACCOUNT}:" in child
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Arguments": {"StateMachineArn": child, "Input": {"x": 1}},
        "Credentials": {"RoleArn": f"{{% 'arn:aws:iam::{OTHER_ACCOUNT}:role/' & $states.input.name %}}"},
        "Output": "{% $states.result.Output %}",
        "End": True,
    }
    definition = {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": task}}
    arn = create(sfn, json.dumps(definition))
    execution = sfn.start_execution(stateMachineArn=arn, input='{"name": "trusted"}')["executionArn"]
    described = wait_finished(sfn, execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"a": 1})
    children = other_sfn.list_executions(stateMachineArn=child)["executions"]
    assert [c["status"] for c in children] == ["SUCCEEDED"]
