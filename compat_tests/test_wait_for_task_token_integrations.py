"""``.waitForTaskToken`` with each optimized integration that supports it, end to end through boto3:
the token reaches the service in the request, TaskSubmitted records the service's answer, and the
task waits until the token is answered.

Rows: the "Wait for Callback (.waitForTaskToken)" column of
https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html (supported: API Gateway,
Bedrock, ECS/Fargate, EKS, EventBridge, Lambda, SNS, SQS, Step Functions, and every AWS SDK
integration), with the request fields each service page names (connect-sqs.html ``MessageBody``,
connect-sns.html ``Message``, connect-eventbridge.html ``Entries[].Detail``, connect-stepfunctions.html
``Input``, connect-ecs.html ``Overrides.ContainerOverrides[].Environment``); the pattern itself from
https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token.
Lambda's row is in test_integrations_lambda_callbacks.py; API Gateway, Bedrock and EKS have no
in-process backend here.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer(Settings(wait_time_scale=0.0)).start()
    yield live
    live.stop()


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _queue(server: LiveServer) -> str:
    return str(aws_client(server, "sqs").create_queue(QueueName=_name("tokens"))["QueueUrl"])


def _from_queue(server: LiveServer, queue_url: str) -> Any:
    sqs = aws_client(server, "sqs")
    for _ in range(20):
        messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages")
        if messages:
            return json.loads(messages[0]["Body"])
    raise AssertionError("no message reached the queue")


def _submitted(sfn: Any, execution: str) -> Any:
    for _ in range(2000):
        for event in sfn.get_execution_history(executionArn=execution)["events"]:
            if event["type"] == "TaskSubmitted":
                return json.loads(event["taskSubmittedEventDetails"]["output"])
        time.sleep(0.005)
    raise AssertionError("no TaskSubmitted")


def _sqs(server: LiveServer) -> tuple[str, dict[str, Any], Callable[[Any, str], str]]:
    queue = _queue(server)
    parameters = {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}}
    return "sqs:sendMessage", parameters, lambda sfn, execution: _from_queue(server, queue)["token"]


def _sns(server: LiveServer) -> tuple[str, dict[str, Any], Callable[[Any, str], str]]:
    queue = _queue(server)
    sqs, sns = aws_client(server, "sqs"), aws_client(server, "sns")
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    topic = sns.create_topic(Name=_name("tokens"))["TopicArn"]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    parameters = {"TopicArn": topic, "Message": {"token.$": "$$.Task.Token"}}
    return "sns:publish", parameters, lambda sfn, execution: _from_queue(server, queue)["token"]


def _events(server: LiveServer) -> tuple[str, dict[str, Any], Callable[[Any, str], str]]:
    queue = _queue(server)
    sqs, events = aws_client(server, "sqs"), aws_client(server, "events")
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    source = _name("app.orders")
    rule = _name("tokens")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    parameters = {
        "Entries": [{"Source": source, "DetailType": "approval", "Detail": {"token.$": "$$.Task.Token"}}]
    }
    return (
        "events:putEvents",
        parameters,
        lambda sfn, execution: _from_queue(server, queue)["detail"]["token"],
    )


def _states(server: LiveServer) -> tuple[str, dict[str, Any], Callable[[Any, str], str]]:
    sfn = aws_client(server, "stepfunctions")
    child = sfn.create_state_machine(
        name=_name("child"),
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        roleArn=ROLE_ARN,
    )["stateMachineArn"]
    parameters = {"StateMachineArn": child, "Input": {"token.$": "$$.Task.Token"}}

    def token(sfn: Any, execution: str) -> str:
        child_execution = _submitted(sfn, execution)["ExecutionArn"]
        return str(json.loads(sfn.describe_execution(executionArn=child_execution)["input"])["token"])

    return "states:startExecution", parameters, token


def _ecs(server: LiveServer) -> tuple[str, dict[str, Any], Callable[[Any, str], str]]:
    ecs = aws_client(server, "ecs")
    cluster = ecs.create_cluster(clusterName=_name("tokens"))["cluster"]["clusterArn"]
    definition = ecs.register_task_definition(
        family=_name("worker"), containerDefinitions=[{"name": "worker", "image": "worker:1", "memory": 128}]
    )["taskDefinition"]["taskDefinitionArn"]
    parameters = {
        "Cluster": cluster,
        "TaskDefinition": definition,
        "LaunchType": "FARGATE",
        "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["subnet-12345678"]}},
        "Overrides": {
            "ContainerOverrides": [
                {"Name": "worker", "Environment": [{"Name": "TASK_TOKEN", "Value.$": "$$.Task.Token"}]}
            ]
        },
    }

    def token(sfn: Any, execution: str) -> str:
        [task] = _submitted(sfn, execution)["Tasks"]
        [override] = task["Overrides"]["ContainerOverrides"]
        return str(override["Environment"][0]["Value"])

    return "ecs:runTask", parameters, token


INTEGRATIONS = [_sqs, _sns, _events, _states, _ecs]


@pytest.mark.parametrize("integration", INTEGRATIONS, ids=[f.__name__.strip("_") for f in INTEGRATIONS])
def test_the_token_travels_with_the_request_and_its_answer_ends_the_task(
    server: LiveServer,
    integration: Callable[[LiveServer], tuple[str, dict[str, Any], Callable[[Any, str], str]]],
) -> None:
    sfn = aws_client(server, "stepfunctions")
    action, parameters, delivered_token = integration(server)
    resource = f"arn:aws:states:::{action}.waitForTaskToken"
    definition = {
        "StartAt": "Wait",
        "States": {"Wait": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}},
    }
    machine = sfn.create_state_machine(
        name=_name("callback"), definition=json.dumps(definition), roleArn=ROLE_ARN
    )
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input="{}")["executionArn"]
    token = delivered_token(sfn, execution)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"  # waiting for the answer
    sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_success(taskToken=token, output='{"approved": true}')
    described = wait_finished(sfn, execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"approved": True})
    events = sfn.get_execution_history(executionArn=execution)["events"]
    types = [event["type"] for event in events]
    assert types[2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]
    scheduled = json.loads(events[2]["taskScheduledEventDetails"]["parameters"])
    assert token in json.dumps(scheduled)  # the request carried the token
    service, _, name = action.partition(":")
    assert events[3]["taskStartedEventDetails"] == {
        "resourceType": service,
        "resource": f"{name}.waitForTaskToken",
    }
