"""``SFN_LOCAL_COMPAT=1``: history names AWS SDK integrations as Step Functions Local does.

AWS records ``resourceType: "aws-sdk:s3"``, ``resource: "listBuckets"`` on TaskScheduled / TaskStarted /
TaskSucceeded (Step Functions developer guide, "Call other AWS services":
https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html, and the
HistoryEvent reference https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html);
test suites written for Step Functions Local assert its form, ``resourceType: "aws-sdk"``,
``resource: "s3:listBuckets"``. The default stays AWS's; each server here is a real one on loopback,
driven by boto3.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from compat_tests.conftest import ROLE_ARN, make_client
from compat_tests.helpers import wait_finished
from compat_tests.server import LiveServer
from emulator.cli import parse_settings
from emulator.settings import Settings

TASK_EVENTS = ("TaskScheduled", "TaskStarted", "TaskSucceeded")


def _server(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(settings).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def aws_form_server() -> Iterator[LiveServer]:
    yield from _server(Settings.from_environment({"WAIT_TIME_SCALE": "0"}))


@pytest.fixture(scope="module")
def local_form_server() -> Iterator[LiveServer]:
    # Built from the environment variable, as `SFN_LOCAL_COMPAT=1 sfn-emulator` would be.
    yield from _server(Settings.from_environment({"WAIT_TIME_SCALE": "0", "SFN_LOCAL_COMPAT": "1"}))


def _labels(server: LiveServer, resource: str) -> list[tuple[str, str, str]]:
    sfn = make_client(server.url)
    definition = {
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": resource, "Parameters": {}, "End": True}},
    }
    machine = sfn.create_state_machine(
        name=f"compat-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    assert wait_finished(sfn, execution)["status"] == "SUCCEEDED"
    events = sfn.get_execution_history(executionArn=execution)["events"]
    labels = []
    for event in events:
        if event["type"] in TASK_EVENTS:
            key = event["type"][0].lower() + event["type"][1:] + "EventDetails"
            labels.append((event["type"], event[key]["resourceType"], event[key]["resource"]))
    return labels


def test_by_default_history_names_an_sdk_integration_as_aws_does(aws_form_server: LiveServer) -> None:
    labels = _labels(aws_form_server, "arn:aws:states:::aws-sdk:s3:listBuckets")
    assert labels == [(event, "aws-sdk:s3", "listBuckets") for event in TASK_EVENTS]


def test_with_sfn_local_compat_history_names_it_as_step_functions_local_does(
    local_form_server: LiveServer,
) -> None:
    labels = _labels(local_form_server, "arn:aws:states:::aws-sdk:s3:listBuckets")
    assert labels == [(event, "aws-sdk", "s3:listBuckets") for event in TASK_EVENTS]


def test_optimized_integrations_are_named_alike_in_both_forms(
    aws_form_server: LiveServer, local_form_server: LiveServer
) -> None:
    resource = "arn:aws:states:::states:startExecution"
    # a missing state machine fails the task: only the scheduling labels are compared
    for server in (aws_form_server, local_form_server):
        sfn = make_client(server.url)
        definition = {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": resource,
                    "Parameters": {
                        "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:nope"
                    },
                    "End": True,
                }
            },
        }
        machine = sfn.create_state_machine(
            name=f"compat-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE_ARN
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
        wait_finished(sfn, execution)
        events = sfn.get_execution_history(executionArn=execution)["events"]
        scheduled = next(e for e in events if e["type"] == "TaskScheduled")["taskScheduledEventDetails"]
        assert (scheduled["resourceType"], scheduled["resource"]) == ("states", "startExecution")


@pytest.mark.parametrize(
    ("argv", "environment", "expected"),
    [
        ([], {}, False),
        (["--sfn-local-compat"], {}, True),
        ([], {"SFN_LOCAL_COMPAT": "1"}, True),
        ([], {"SFN_LOCAL_COMPAT": "0"}, False),
    ],
)
def test_the_setting_comes_from_the_flag_or_the_environment(
    argv: list[str], environment: dict[str, str], expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SFN_LOCAL_COMPAT", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert parse_settings(argv).sfn_local_compat is expected
