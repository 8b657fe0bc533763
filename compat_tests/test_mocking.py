"""Mocked service integrations end to end: Step Functions Local's mock configuration file, with the
Lambda + SQS + retry example of its documentation (HappyPath, RetryPath, HybridPath)."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.server import LiveServer
from emulator.settings import Settings

MACHINE = "LambdaSQSIntegration"
DEFINITION = {
    "StartAt": "LambdaState",
    "States": {
        "LambdaState": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "HelloWorldFunction", "Payload.$": "$"},
            "Retry": [
                {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}
            ],
            "Next": "SQSState",
        },
        "SQSState": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",
                "MessageBody.$": "$",
            },
            "End": True,
        },
    },
}
LAMBDA_OK = {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
SQS_OK = {
    "MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
    "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51",
}
CONFIG = {
    "StateMachines": {
        MACHINE: {
            "TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }
        }
    },
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": LAMBDA_OK}},
        "MockedSQSSuccess": {"0": {"Return": SQS_OK}},
        "MockedLambdaRetry": {
            "0": {
                "Throw": {
                    "Error": "Lambda.ResourceNotReadyException",
                    "Cause": "Lambda resource is not ready.",
                }
            },
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": LAMBDA_OK},
        },
    },
}


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mocks") / "MockConfigFile.json"
    path.write_text(json.dumps(CONFIG))
    return path


@pytest.fixture(scope="module")
def mocked(config_file: Path) -> Iterator[tuple[Any, LiveServer]]:
    server = LiveServer(Settings(wait_time_scale=0.0, mock_config_path=str(config_file))).start()
    try:
        yield make_client(server.url), server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def machine_arn(mocked: tuple[Any, LiveServer]) -> str:
    sfn, _ = mocked
    return str(
        sfn.create_state_machine(name=MACHINE, definition=json.dumps(DEFINITION), roleArn=ROLE_ARN)[
            "stateMachineArn"
        ]
    )


def run(sfn: Any, arn: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    execution = sfn.start_execution(stateMachineArn=arn, input='{"hello": "world"}')["executionArn"]
    deadline = time.monotonic() + 20
    while True:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return described, sfn.get_execution_history(executionArn=execution)["events"]


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def test_happy_path_uses_both_mocked_responses(mocked: tuple[Any, LiveServer], machine_arn: str) -> None:
    sfn, _ = mocked
    described, events = run(sfn, machine_arn + "#HappyPath")
    assert described["status"] == "SUCCEEDED"
    assert described["stateMachineArn"] == machine_arn
    assert json.loads(described["output"]) == SQS_OK
    assert types(events) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    lambda_output = json.loads(events[4]["taskSucceededEventDetails"]["output"])
    assert lambda_output == LAMBDA_OK


def test_retry_path_consumes_one_response_per_attempt(
    mocked: tuple[Any, LiveServer], machine_arn: str
) -> None:
    sfn, _ = mocked
    described, events = run(sfn, machine_arn + "#RetryPath")
    assert described["status"] == "SUCCEEDED"
    failures = [event["taskFailedEventDetails"]["error"] for event in events if event["type"] == "TaskFailed"]
    assert failures == [
        "Lambda.ResourceNotReadyException",
        "Lambda.TimeoutException",
        "Lambda.TimeoutException",
    ]
    assert types(events).count("TaskScheduled") == 5  # 4 Lambda attempts, 1 SQS call
    assert json.loads(described["output"]) == SQS_OK


def test_hybrid_path_calls_the_real_integration_for_unmocked_states(
    mocked: tuple[Any, LiveServer], machine_arn: str
) -> None:
    sfn, _ = mocked
    described, events = run(sfn, machine_arn + "#HybridPath")
    lambda_done = [e for e in events if e["type"] == "TaskSucceeded"][0]
    assert json.loads(lambda_done["taskSucceededEventDetails"]["output"]) == LAMBDA_OK
    sqs_events = [
        e
        for e in events
        if e.get("taskSucceededEventDetails", e.get("taskFailedEventDetails", {})).get("resourceType")
        == "sqs"
    ]
    assert sqs_events, types(events)
    assert "3bcb6e8e-8b51" not in json.dumps(sqs_events, default=str)  # not the mocked SQS response


def test_unknown_test_case_fails_start_execution(mocked: tuple[Any, LiveServer], machine_arn: str) -> None:
    sfn, _ = mocked
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=machine_arn + "#NoSuchCase")
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "NoSuchCase" in raised.value.response["Error"]["Message"]


def test_an_edited_file_is_reloaded_and_a_malformed_one_is_reported(
    mocked: tuple[Any, LiveServer], machine_arn: str, config_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sfn, _ = mocked
    edited = json.loads(json.dumps(CONFIG))
    edited["StateMachines"][MACHINE]["TestCases"]["Edited"] = {
        "LambdaState": "MockedLambdaSuccess",
        "SQSState": "MockedLambdaSuccess",
    }
    config_file.write_text(json.dumps(edited))
    os.utime(config_file, (time.time() + 5, time.time() + 5))
    described, _ = run(sfn, machine_arn + "#Edited")
    assert json.loads(described["output"]) == LAMBDA_OK
    broken = json.loads(json.dumps(edited))
    broken["MockedResponses"]["MockedSQSSuccess"] = {"first": {"Return": {}}}
    config_file.write_text(json.dumps(broken))
    os.utime(config_file, (time.time() + 10, time.time() + 10))
    with caplog.at_level(logging.ERROR, logger="emulator.mocks"):
        described, _ = run(sfn, machine_arn + "#HappyPath")  # the previous configuration stays in force
    assert described["status"] == "SUCCEEDED"
    assert str(config_file) in caplog.text
    assert "MockedResponses.MockedSQSSuccess.first" in caplog.text
