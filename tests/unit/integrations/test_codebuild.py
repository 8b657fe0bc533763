"""CodeBuild ``.sync``: the task ends when the build ends; a build still running is read again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients, ServiceError, ServiceResponse
from emulator.integrations.codebuild import CodeBuildIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

START = dt.datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=dt.UTC)


class ScriptedCodeBuild(AwsClients):
    """botocore's real CodeBuild model; answers from a script instead of a backend."""

    def __init__(self, statuses: list[str]) -> None:
        super().__init__(Settings(port=1))
        self.statuses = statuses
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    async def call(
        self, service: str, operation: str, parameters: Mapping[str, Any], *, account: str, region: str
    ) -> ServiceResponse:
        self.calls.append((operation, parameters))
        if parameters.get("projectName") == "missing":
            raise ServiceError(
                "codebuild",
                "ResourceNotFoundException",
                "Project cannot be found",
                400,
                "r-1",
                "ResourceNotFoundException",
            )
        build = {"id": "p:1", "startTime": START, "projectName": "p"}
        if operation == "StartBuild":
            return ServiceResponse({"build": dict(build, buildStatus="IN_PROGRESS")}, content_length=99)
        status = self.statuses.pop(0)
        return ServiceResponse({"builds": [dict(build, buildStatus=status)], "buildsNotFound": []})


def invocation(action: str, parameters: dict[str, Any]) -> TaskInvocation:
    return TaskInvocation(
        parse_resource(f"arn:aws:states:::codebuild:{action}"), parameters, {}, "us-east-1", "1"
    )


async def test_start_build_output_is_pascal_case_with_epoch_millisecond_times() -> None:
    clients = ScriptedCodeBuild([])
    output = await CodeBuildIntegration(clients).invoke(invocation("startBuild", {"ProjectName": "p"}))
    assert clients.calls == [("StartBuild", {"projectName": "p"})]
    assert isinstance(output, dict)
    assert output["Build"] == {
        "Id": "p:1",
        "StartTime": int(START.timestamp() * 1000),
        "ProjectName": "p",
        "BuildStatus": "IN_PROGRESS",
    }
    assert output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "99"  # type: ignore[index]


async def test_sync_reads_a_running_build_again_until_it_succeeds() -> None:
    clients = ScriptedCodeBuild(["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"])
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    integration = CodeBuildIntegration(clients, sleep, poll_seconds=2)
    task = invocation("startBuild.sync", {"ProjectName": "p"})
    result = await integration.run_job(task, await integration.invoke(task))
    assert result == {
        "Build": {
            "Id": "p:1",
            "StartTime": int(START.timestamp() * 1000),
            "ProjectName": "p",
            "BuildStatus": "SUCCEEDED",
        }
    }
    assert pauses == [2, 2]
    assert [call[0] for call in clients.calls] == ["StartBuild"] + ["BatchGetBuilds"] * 3


@pytest.mark.parametrize("status", ["FAILED", "FAULT", "TIMED_OUT", "STOPPED"])
async def test_sync_fails_the_task_with_the_build_that_did_not_succeed(status: str) -> None:
    integration = CodeBuildIntegration(ScriptedCodeBuild([status]))
    task = invocation("startBuild.sync", {"ProjectName": "p"})
    with pytest.raises(StatesError) as caught:
        await integration.run_job(task, await integration.invoke(task))
    assert caught.value.error == "States.TaskFailed"
    assert json.loads(caught.value.cause or "")["Build"]["BuildStatus"] == status


async def test_service_errors_are_codebuild_exceptions_with_the_sdk_v1_cause() -> None:
    with pytest.raises(StatesError) as caught:
        await CodeBuildIntegration(ScriptedCodeBuild([])).invoke(
            invocation("startBuild", {"ProjectName": "missing"})
        )
    assert caught.value.error == "CodeBuild.ResourceNotFoundException"
    assert caught.value.cause == (
        "Project cannot be found (Service: AWSCodeBuild; Status Code: 400; Error Code: "
        "ResourceNotFoundException; Request ID: r-1; Proxy: null)"
    )


async def test_an_action_without_a_job_has_no_sync_pattern() -> None:
    with pytest.raises(StatesError) as caught:
        await CodeBuildIntegration(ScriptedCodeBuild([])).invoke(invocation("stopBuild.sync", {"Id": "p:1"}))
    assert caught.value.error == "States.Runtime"


@pytest.mark.parametrize(
    ("action", "member", "stop"),
    [("startBuild", "Build", "StopBuild"), ("startBuildBatch", "BuildBatch", "StopBuildBatch")],
)
async def test_cancelling_a_sync_task_stops_the_build_it_started(action: str, member: str, stop: str) -> None:
    clients = ScriptedCodeBuild(["STOPPED"])  # any answer; only the call matters
    call = TaskInvocation(
        parse_resource(f"arn:aws:states:::codebuild:{action}.sync"), {}, {}, "us-east-1", "1"
    )
    await CodeBuildIntegration(clients).cancel_job(call, {member: {"Id": "p:1"}})
    assert clients.calls == [(stop, {"id": "p:1"})]
