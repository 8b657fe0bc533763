"""Local Lambda handlers as users write them, run by a live server: a handler importing boto3,
requests, urllib.request and http.client finds the item its state machine wrote through its
default DynamoDB client, reads its environment, logs at INFO and times out per its Timeout; an
edited handler answers anew without restart; executions leave readable log lines."""

from __future__ import annotations

import json
import logging
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.integrations.lambda_functions import FunctionConfig
from emulator.server.protocol import ENVIRONMENT
from emulator.service.functions import put_local_function
from emulator.settings import Settings

HANDLERS = Path(__file__).parent / "handlers" / "dev_loop"


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("functions")
    for source in HANDLERS.glob("*.py"):
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture(scope="module")
def server(code: Path) -> Iterator[LiveServer]:
    settings = Settings(
        wait_time_scale=0.0,
        lambda_handlers={"find-order": "orders.find_order", "slow-order": "orders.slow"},
        lambda_options={
            "find-order": {"codeDir": str(code), "timeout": 20},
            "slow-order": {"codeDir": str(code), "timeout": 1},
        },
        lambda_environment={"find-order": {"TABLE_NAME": "orders", "STAGE": "local"}},
    )
    live = LiveServer(settings).start()
    assert live.app is not None
    # The way templates and the testing kit declare functions at run time.
    put_local_function(
        live.app[ENVIRONMENT],
        FunctionConfig("versioned", "versioned.handler", code_dir=str(code), source="api"),
    )
    yield live
    live.stop()


def run(sfn: Any, states: dict[str, Any], payload: dict[str, Any] | None = None) -> dict[str, Any]:
    name = f"dev-loop-{uuid.uuid4().hex[:10]}"
    arn = sfn.create_state_machine(
        name=name,
        definition=json.dumps({"StartAt": next(iter(states)), "States": states}),
        roleArn=ROLE_ARN,
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload or {}))["executionArn"]
    return dict(wait_finished(sfn, execution), machine=name)


def invoke_state(function: str, end: bool = True) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "OutputPath": "$.Payload",
        "End": end,
    }


def test_a_boto3_handler_finds_the_item_its_state_machine_wrote(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    dynamodb = aws_client(server, "dynamodb")
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sfn = aws_client(server, "stepfunctions")
    described = run(
        sfn,
        {
            "Write": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "orders", "Item": {"id": {"S.$": "$.id"}, "total": {"N": "42"}}},
                "ResultPath": None,
                "Next": "Read",
            },
            "Read": invoke_state("find-order"),
        },
        {"id": "o-1"},
    )
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["item"] == "42"
    assert output["stage"] == "local"
    assert output["health"] == ["running", 200, 200]
    assert 0 < output["remaining_ms"] <= 20_000
    labelled = [record.getMessage() for record in caplog.records if record.name == "lambda.find-order"]
    assert any(line.startswith("[INFO]\t") and line.endswith("\tfound order o-1") for line in labelled)
    assert any(line.startswith("START RequestId: ") for line in labelled)
    assert any(line.startswith("REPORT RequestId: ") and "Max Memory Used" in line for line in labelled)
    started = f"execution started: machine={described['machine']} execution={described['name']}"
    ended = f"execution succeeded: machine={described['machine']} execution={described['name']} duration="
    lines = [record.getMessage() for record in caplog.records if record.name == "emulator.executions"]
    assert started in lines
    assert any(line.startswith(ended) for line in lines)
    logs = aws_client(server, "logs")
    for _ in range(200):  # delivery is asynchronous: bounded wait
        messages = [
            event["message"]
            for event in logs.filter_log_events(logGroupName="/aws/lambda/find-order")["events"]
        ]
        if any(message.endswith("found order o-1") for message in messages):
            break
        time.sleep(0.02)
    else:
        raise AssertionError(f"the log line never reached /aws/lambda/find-order: {messages}")


def test_a_handler_outliving_its_timeout_fails_the_state_as_lambda_does(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sfn = aws_client(server, "stepfunctions")
    described = run(sfn, {"Slow": invoke_state("slow-order")})
    assert described["status"] == "FAILED"
    assert described["error"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in described["cause"]
    line = next(
        record.getMessage()
        for record in caplog.records
        if record.name == "emulator.executions" and record.getMessage().startswith("execution failed")
    )
    assert f"machine={described['machine']} execution={described['name']}" in line
    assert " state=Slow error=Sandbox.Timedout cause='" in line and "Task timed out after 1.00" in line


def test_an_edited_handler_answers_anew_without_restart(server: LiveServer, code: Path) -> None:
    sfn = aws_client(server, "stepfunctions")
    first = run(sfn, {"Call": invoke_state("versioned")})
    assert first["status"] == "SUCCEEDED", (first.get("error"), first.get("cause"))
    assert json.loads(first["output"]) == "first"
    (code / "version.py").write_text('VERSION = "second, after an edit"\n')
    second = run(sfn, {"Call": invoke_state("versioned")})
    assert json.loads(second["output"]) == "second, after an edit"
