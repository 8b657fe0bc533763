from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.integrations.http import url_encoded
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.stepfunctions import (
    StartFailed,
    StepFunctionsIntegration,
    epoch_number_text,
    input_text,
    start_execution_body_length,
)
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:child:run"


class FakeStarter:
    def __init__(self, status: str = "SUCCEEDED", refuse: bool = False) -> None:
        self.status = status
        self.refuse = refuse
        self.requests: list[dict[str, Any]] = []
        self.stopped: list[tuple[str, str, str]] = []

    async def start_execution(self, account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        if self.refuse:
            raise StartFailed("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{MACHINE}'")
        self.requests.append(request)
        return {"executionArn": EXECUTION, "startDate": 1_700_000_000.5}

    async def wait_for_execution(self, account: str, region: str, execution_arn: str) -> dict[str, Any]:
        described = {
            "executionArn": execution_arn,
            "stateMachineArn": MACHINE,
            "name": "run",
            "status": self.status,
            "startDate": 1_700_000_000.5,
            "stopDate": 1_700_000_001.0,
            "input": '{"a":1}',
        }
        if self.status == "SUCCEEDED":
            described["output"] = '{"b":2}'
        else:
            described.update(error="E", cause="C")
        return described

    async def stop_execution(self, account: str, region: str, execution_arn: str) -> None:
        self.stopped.append((account, region, execution_arn))


def invocation(resource: str, parameters: dict[str, Any]) -> TaskInvocation:
    return TaskInvocation(parse_resource(resource), parameters, {}, "us-east-1", "123456789012")


def test_child_input_is_json_text() -> None:
    assert input_text(None) == "{}"
    assert input_text({"a": 1}) == '{"a":1}'
    assert input_text('{"a": 1}') == '{"a": 1}'
    assert input_text("plain") == '"plain"'


async def test_start_returns_the_arn_and_start_date() -> None:
    starter = FakeStarter()
    result = await StepFunctionsIntegration(starter).invoke(
        invocation(
            "arn:aws:states:::states:startExecution",
            {"StateMachineArn": MACHINE, "Input": {"a": 1}, "Name": "run"},
        )
    )
    assert starter.requests == [{"stateMachineArn": MACHINE, "input": '{"a":1}', "name": "run"}]
    assert isinstance(result, dict)
    assert result["ExecutionArn"] == EXECUTION
    assert result["StartDate"] == "2023-11-14T22:13:20.500Z"


async def test_sync_and_sync2_differ_in_how_input_and_output_appear() -> None:
    integration = StepFunctionsIntegration(FakeStarter())
    text = await integration.run_job(
        invocation("arn:aws:states:::states:startExecution.sync", {}), {"ExecutionArn": EXECUTION}
    )
    as_json = await integration.run_job(
        invocation("arn:aws:states:::states:startExecution.sync:2", {}), {"ExecutionArn": EXECUTION}
    )
    assert isinstance(text, dict) and isinstance(as_json, dict)
    assert (text["Input"], text["Output"]) == ('{"a":1}', '{"b":2}')
    assert (as_json["Input"], as_json["Output"]) == ({"a": 1}, {"b": 2})


async def test_a_failed_child_is_task_failed_with_its_description() -> None:
    integration = StepFunctionsIntegration(FakeStarter(status="FAILED"))
    with pytest.raises(StatesError) as raised:
        await integration.run_job(
            invocation("arn:aws:states:::states:startExecution.sync", {}), {"ExecutionArn": EXECUTION}
        )
    assert raised.value.error == "States.TaskFailed"
    cause = json.loads(raised.value.cause or "")
    assert (cause["Error"], cause["Cause"], cause["Status"]) == ("E", "C", "FAILED")


async def test_a_refused_start_names_the_service_error() -> None:
    integration = StepFunctionsIntegration(FakeStarter(refuse=True))
    with pytest.raises(StatesError) as raised:
        await integration.invoke(
            invocation("arn:aws:states:::states:startExecution", {"StateMachineArn": MACHINE})
        )
    assert raised.value.error == "StepFunctions.StateMachineDoesNotExistException"
    assert (raised.value.cause or "").startswith(
        f"State Machine Does Not Exist: '{MACHINE}' (Service: AWSStepFunctions;"
    )


def test_http_url_encoding_array_formats() -> None:
    body = {"a": [1, 2], "b": True}
    assert url_encoded(body) == "a%5B0%5D=1&a%5B1%5D=2&b=true"
    assert url_encoded(body, "REPEAT") == "a=1&a=2&b=true"
    assert url_encoded(body, "COMMAS") == "a=1%2C2&b=true"
    assert url_encoded(body, "BRACKETS") == "a%5B%5D=1&a%5B%5D=2&b=true"


def test_epoch_numbers_are_written_as_java_doubles_with_microseconds() -> None:
    assert epoch_number_text(1_720_769_697.123456) == "1.720769697123456E9"
    assert epoch_number_text(1_720_769_697.12345) == "1.72076969712345E9"
    assert epoch_number_text(1_720_769_690.0) == "1.72076969E9"


def test_start_execution_content_length_is_the_length_of_aws_answer() -> None:
    arn = "arn:aws:states:us-east-1:111111111111:execution:" + "m" * 49 + ":TestStartTarget"
    # the 2024+ recordings: 164 for a 49-character machine name and a 15-character execution name
    assert start_execution_body_length(arn, 1_720_769_697.123456) == 164
    assert start_execution_body_length(arn, 1_720_769_697.12345) == 163


async def test_start_reports_the_content_length_of_its_answer() -> None:
    result = await StepFunctionsIntegration(FakeStarter()).invoke(
        invocation("arn:aws:states:::states:startExecution", {"StateMachineArn": MACHINE})
    )
    assert isinstance(result, dict)
    headers = result["SdkHttpMetadata"]["HttpHeaders"]  # type: ignore[index,call-overload]
    body = '{"executionArn":"' + EXECUTION + '","startDate":1.7000000005E9}'
    assert headers["Content-Length"] == str(len(body))
    assert result["SdkResponseMetadata"] == {"RequestId": headers["x-amzn-RequestId"]}


async def test_cancelling_a_sync_task_stops_its_child_in_the_child_partition() -> None:
    starter = FakeStarter()
    integration = StepFunctionsIntegration(starter)
    call = invocation("arn:aws:states:::states:startExecution.sync", {"StateMachineArn": MACHINE})
    submitted = await integration.invoke(call)
    await integration.cancel_job(call, submitted)
    assert starter.stopped == [("123456789012", "us-east-1", EXECUTION)]


def test_the_sync_result_carries_every_describe_execution_member() -> None:
    # DescribeExecution's response members
    # (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html)
    from emulator.integrations.stepfunctions import job_object

    described = {
        "executionArn": EXECUTION,
        "stateMachineArn": MACHINE,
        "name": "run",
        "status": "SUCCEEDED",
        "startDate": 1_700_000_000.5,
        "stopDate": 1_700_000_001.0,
        "input": "{}",
        "output": "{}",
        "traceHeader": "Root=1-abc",
        "mapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:parent/m:1",
        "stateMachineVersionArn": MACHINE + ":1",
        "stateMachineAliasArn": MACHINE + ":live",
        "redriveCount": 1,
        "redriveDate": 1_700_000_000.75,
        "redriveStatus": "NOT_REDRIVABLE",
        "redriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
    }
    job = job_object(described, as_json=False)
    assert set(job) == {
        "ExecutionArn", "Input", "InputDetails", "Name", "Output", "OutputDetails", "StartDate",
        "StateMachineArn", "Status", "StopDate", "TraceHeader", "MapRunArn", "StateMachineVersionArn",
        "StateMachineAliasArn", "RedriveCount", "RedriveDate", "RedriveStatus", "RedriveStatusReason",
    }  # fmt: skip
    assert (job["StateMachineAliasArn"], job["RedriveDate"]) == (
        MACHINE + ":live",
        "2023-11-14T22:13:20.750Z",
    )
