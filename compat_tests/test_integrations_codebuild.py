"""CodeBuild tasks end to end: a project created on the emulator's port (the in-process moto behind
it) is built by ``codebuild:startBuild`` (request-response and ``.sync``) and stopped by ``stopBuild``."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from compat_tests.helpers import aws_client, run_machine


def client(live_server: Any, service: str) -> Any:
    return aws_client(live_server, service)


@pytest.fixture(scope="module")
def project(live_server: Any) -> str:
    name = f"proj-{uuid.uuid4().hex[:8]}"
    client(live_server, "codebuild").create_project(
        name=name,
        source={"type": "S3", "location": "bucket/source.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole="arn:aws:iam::123456789012:role/codebuild",
    )
    return name


def run(live_server: Any, states: dict[str, Any]) -> dict[str, Any]:
    """A STANDARD execution (``.sync`` needs one), its DescribeExecution answer once it ended."""
    return run_machine(client(live_server, "stepfunctions"), states, "cb", with_types=True)


def task(resource: str, parameters: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, "Parameters": parameters, **more}


def test_start_build_answers_the_build_in_progress_in_pascal_case(live_server: Any, project: str) -> None:
    result = run(
        live_server, {"T": task("arn:aws:states:::codebuild:startBuild", {"ProjectName": project}, End=True)}
    )
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    build = output["Build"]
    assert (build["ProjectName"], build["BuildStatus"], build["BuildComplete"]) == (
        project,
        "IN_PROGRESS",
        False,
    )
    assert build["Id"].startswith(f"{project}:") and isinstance(build["StartTime"], int)
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200


def test_start_build_sync_completes_with_the_succeeded_build(live_server: Any, project: str) -> None:
    result = run(
        live_server,
        {"T": task("arn:aws:states:::codebuild:startBuild.sync", {"ProjectName": project}, End=True)},
    )
    assert result["status"] == "SUCCEEDED", result
    build = json.loads(result["output"])["Build"]
    assert (build["BuildStatus"], build["CurrentPhase"]) == ("SUCCEEDED", "COMPLETED")
    assert result["types"][2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]
    assert build["EndTime"] >= build["StartTime"]


def test_stop_build_then_sync_reads_fail_the_task_with_the_stopped_build(
    live_server: Any, project: str
) -> None:
    started = run(
        live_server,
        {
            "Start": task("arn:aws:states:::codebuild:startBuild", {"ProjectName": project}, Next="Stop"),
            "Stop": task("arn:aws:states:::codebuild:stopBuild", {"Id.$": "$.Build.Id"}, End=True),
        },
    )
    assert started["status"] == "SUCCEEDED", started
    assert json.loads(started["output"])["Build"]["BuildStatus"] == "STOPPED"


def test_a_missing_project_fails_with_the_sdk_exception(live_server: Any) -> None:
    result = run(
        live_server,
        {"T": task("arn:aws:states:::codebuild:startBuild.sync", {"ProjectName": "nothing"}, End=True)},
    )
    assert (result["status"], result["error"]) == ("FAILED", "CodeBuild.ResourceNotFoundException")
    assert (
        "(Service: AWSCodeBuild; Status Code: 400; Error Code: ResourceNotFoundException;" in result["cause"]
    )
