"""Malformed requests over raw HTTP, partition isolation, and an AWS CLI smoke test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN, make_client

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def post(url: str, target: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.parametrize(
    ("target", "body", "expected"),
    [
        ("AWSStepFunctions.NoSuchOperation", b"{}", "UnknownOperationException"),
        (None, b"{}", "UnknownOperationException"),
        ("SomethingElse.ListStateMachines", b"{}", "UnknownOperationException"),
        ("AWSStepFunctions.ListStateMachines", b"{not json", "SerializationException"),
        ("AWSStepFunctions.ListStateMachines", b"[1, 2]", "SerializationException"),
        ("AWSStepFunctions.DescribeStateMachine", b"", "ValidationException"),
        ("AWSStepFunctions.DescribeStateMachine", b"{}", "ValidationException"),
        ("AWSStepFunctions.DescribeStateMachine", b'{"stateMachineArn": 5}', "SerializationException"),
        ("AWSStepFunctions.ListStateMachines", b'{"maxResults": "ten"}', "SerializationException"),
        (
            "AWSStepFunctions.CreateStateMachine",
            b'{"name": "' + b"n" * 81 + b'", "definition": "{}", "roleArn": "r"}',
            "ValidationException",
        ),
        (
            "AWSStepFunctions.StartExecution",
            b'{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "input": {"a": 1}}',
            "SerializationException",
        ),
        (
            "AWSStepFunctions.TagResource",
            b'{"resourceArn": "x", "tags": {"k": "v"}}',
            "SerializationException",
        ),
        (
            "AWSStepFunctions.CreateStateMachineAlias",
            b'{"name": "a", "routingConfiguration": []}',
            "ValidationException",
        ),
        ("AWSStepFunctions.SendTaskSuccess", b'{"taskToken": "", "output": "{}"}', "ValidationException"),
        ("AWSStepFunctions.ListExecutions", b'{"stateMachineArn": "nonsense"}', "InvalidArn"),
        (
            "AWSStepFunctions.DescribeMapRun",
            b'{"mapRunArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m"}',
            "InvalidArn",
        ),
    ],
)
def test_malformed_requests_are_client_errors_never_500(
    live_server: Any, target: str | None, body: bytes, expected: str
) -> None:
    status, answer = post(live_server.url, target, body)
    assert status == 400
    assert answer["__type"] == expected


def test_every_operation_survives_an_empty_body(live_server: Any) -> None:
    from emulator.server.validation import operation_names

    for operation in sorted(operation_names()):
        status, answer = post(live_server.url, f"AWSStepFunctions.{operation}", b"")
        assert status < 500, (operation, answer)


def test_resources_are_invisible_from_another_region_or_account(live_server: Any) -> None:
    home = make_client(live_server.url, region="us-west-2", access_key="111122223333")
    other_region = make_client(live_server.url, region="eu-central-1", access_key="111122223333")
    other_account = make_client(live_server.url, region="us-west-2", access_key="444455556666")
    name = f"iso-{uuid.uuid4().hex[:8]}"
    arn = home.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
    assert arn == f"arn:aws:states:us-west-2:111122223333:stateMachine:{name}"
    activity = home.create_activity(name=name)["activityArn"]
    for client in (other_region, other_account):
        with pytest.raises(ClientError) as raised:
            client.describe_state_machine(stateMachineArn=arn)
        assert raised.value.response["Error"]["Code"] == "StateMachineDoesNotExist"
        with pytest.raises(ClientError) as raised:
            client.start_execution(stateMachineArn=arn)
        assert raised.value.response["Error"]["Code"] == "StateMachineDoesNotExist"
        with pytest.raises(ClientError) as raised:
            client.describe_activity(activityArn=activity)
        assert raised.value.response["Error"]["Code"] == "ActivityDoesNotExist"
        assert arn not in [m["stateMachineArn"] for m in client.list_state_machines()["stateMachines"]]
        client.delete_state_machine(stateMachineArn=arn)  # no effect outside the partition
    assert home.describe_state_machine(stateMachineArn=arn)["name"] == name
    # the same name can exist in another partition
    other = other_account.create_state_machine(name=name, definition=PASS, roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    assert other == f"arn:aws:states:us-west-2:444455556666:stateMachine:{name}"


def test_aws_cli_smoke(live_server: Any, tmp_path: Path) -> None:
    aws = Path(sys.executable).parent / "aws"
    if not aws.exists():
        pytest.skip("the AWS CLI is not installed in this environment")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_PAGER": "",
    }

    def cli(*args: str) -> dict[str, Any]:
        completed = subprocess.run(
            [str(aws), "stepfunctions", "--endpoint-url", live_server.url, "--output", "json", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return dict(json.loads(completed.stdout)) if completed.stdout.strip() else {}

    name = f"cli-{uuid.uuid4().hex[:8]}"
    created = cli("create-state-machine", "--name", name, "--definition", PASS, "--role-arn", ROLE_ARN)
    started = cli("start-execution", "--state-machine-arn", created["stateMachineArn"], "--input", '{"k": 1}')
    for _ in range(50):
        described = cli("describe-execution", "--execution-arn", started["executionArn"])
        if described["status"] != "RUNNING":
            break
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"k": 1}
