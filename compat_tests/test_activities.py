"""Activities, the activity worker API (GetActivityTask, SendTask*) and tags."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import wait_finished


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def message(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Message"])


def activity_machine(sfn: Any) -> tuple[str, str]:
    activity = sfn.create_activity(name=unique("act"))["activityArn"]
    definition = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": activity, "End": True}}}
    machine = sfn.create_state_machine(name=unique("sm"), definition=json.dumps(definition), roleArn=ROLE_ARN)
    return activity, machine["stateMachineArn"]


def test_activity_lifecycle(sfn: Any) -> None:
    name = unique("act")
    created = sfn.create_activity(name=name, tags=[{"key": "team", "value": "a"}])
    arn = created["activityArn"]
    assert arn == f"arn:aws:states:us-east-1:123456789012:activity:{name}"
    assert sfn.create_activity(name=name)["creationDate"] == created["creationDate"]  # idempotent by name
    described = sfn.describe_activity(activityArn=arn)
    assert (described["name"], described["creationDate"]) == (name, created["creationDate"])
    assert arn in [a["activityArn"] for a in sfn.list_activities()["activities"]]
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "a"}]
    sfn.delete_activity(activityArn=arn)
    sfn.delete_activity(activityArn=arn)  # idempotent
    with pytest.raises(ClientError) as raised:
        sfn.describe_activity(activityArn=arn)
    assert (code(raised), message(raised)) == ("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")
    with pytest.raises(ClientError) as raised:
        sfn.get_activity_task(activityArn=arn)
    assert code(raised) == "ActivityDoesNotExist"


def test_activity_names_and_arns_are_checked(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_activity(name="no spaces")
    assert code(raised) == "InvalidName"
    with pytest.raises(ClientError) as raised:
        sfn.describe_activity(activityArn="arn:aws:states:us-east-1:123456789012:stateMachine:x")
    assert code(raised) == "InvalidArn"


def test_get_activity_task_without_work_returns_no_token(sfn: Any) -> None:
    activity = sfn.create_activity(name=unique("idle"))["activityArn"]
    answer = sfn.get_activity_task(activityArn=activity, workerName="w")
    assert "taskToken" not in answer


def test_worker_completes_an_activity_task(sfn: Any) -> None:
    activity, machine = activity_machine(sfn)
    execution = sfn.start_execution(stateMachineArn=machine, input='{"job": 7}')["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="worker-1")
    assert json.loads(task["input"]) == {"job": 7}
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": true}')
    described = wait_finished(sfn, execution)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"done": True}
    with pytest.raises(ClientError) as raised:
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert code(raised) == "TaskTimedOut"


def test_worker_fails_an_activity_task(sfn: Any) -> None:
    activity, machine = activity_machine(sfn)
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity)
    with pytest.raises(ClientError) as raised:
        sfn.send_task_success(taskToken=task["taskToken"], output="{not json")
    assert code(raised) == "InvalidOutput"
    sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Broke", cause="disk full")
    described = wait_finished(sfn, execution)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Worker.Broke",
        "disk full",
    )


def test_stopping_the_execution_closes_its_task_token(sfn: Any) -> None:
    activity, machine = activity_machine(sfn)
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity)
    sfn.stop_execution(executionArn=execution)
    for _ in range(400):  # the engine cancels the waiting task asynchronously
        try:
            sfn.send_task_heartbeat(taskToken=task["taskToken"])
        except ClientError as error:
            assert error.response["Error"]["Code"] == "TaskTimedOut"
            break
        time.sleep(0.005)
    else:
        raise AssertionError("the token stayed open after StopExecution")


def test_malformed_token_is_invalid_token(sfn: Any) -> None:
    for call, extra in (
        (sfn.send_task_success, {"output": "{}"}),
        (sfn.send_task_failure, {}),
        (sfn.send_task_heartbeat, {}),
    ):
        with pytest.raises(ClientError) as raised:
            call(taskToken="NoSuchTaskToken", **extra)
        assert (code(raised), message(raised)) == ("InvalidToken", "Invalid Token: 'Invalid token'")


def test_well_formed_unknown_token_is_task_does_not_exist(sfn: Any) -> None:
    token = base64.urlsafe_b64encode(f"123456789012:us-east-1:{uuid.uuid4()}".encode()).decode().rstrip("=")
    with pytest.raises(ClientError) as raised:
        sfn.send_task_success(taskToken=token, output="{}")
    assert code(raised) == "TaskDoesNotExist"


def test_tags_on_state_machines(sfn: Any) -> None:
    arn = sfn.create_state_machine(
        name=unique("tag"),
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        roleArn=ROLE_ARN,
        tags=[{"key": "a", "value": "1"}],
    )["stateMachineArn"]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}, {"key": "a", "value": "3"}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "a", "value": "3"},
        {"key": "b", "value": "2"},
    ]
    sfn.untag_resource(resourceArn=arn, tagKeys=["a", "missing"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]


def test_tags_on_unknown_resources_are_resource_not_found(sfn: Any) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:" + unique("none")
    for call, extra in (
        (sfn.tag_resource, {"tags": [{"key": "k", "value": "v"}]}),
        (sfn.untag_resource, {"tagKeys": ["k"]}),
        (sfn.list_tags_for_resource, {}),
    ):
        with pytest.raises(ClientError) as raised:
            call(resourceArn=missing, **extra)
        assert code(raised) == "ResourceNotFound"
    with pytest.raises(ClientError) as raised:
        sfn.list_tags_for_resource(resourceArn="arn:aws:sqs:us-east-1:123456789012:queue")
    assert code(raised) == "InvalidArn"


def test_more_than_50_tags_is_too_many_tags(sfn: Any) -> None:
    activity = sfn.create_activity(name=unique("tags"))["activityArn"]
    sfn.tag_resource(resourceArn=activity, tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as raised:
        sfn.tag_resource(resourceArn=activity, tags=[{"key": "one-more", "value": "v"}])
    assert code(raised) == "TooManyTags"
    with pytest.raises(ClientError) as raised:
        sfn.create_activity(name=unique("tags"), tags=[{"key": f"k{i}", "value": "v"} for i in range(51)])
    assert code(raised) == "TooManyTags"


def test_tag_keys_with_forbidden_characters_are_rejected(sfn: Any) -> None:
    activity = sfn.create_activity(name=unique("tagchars"))["activityArn"]
    with pytest.raises(ClientError) as raised:
        sfn.tag_resource(resourceArn=activity, tags=[{"key": "bad*key", "value": "v"}])
    assert code(raised) == "ValidationException"
