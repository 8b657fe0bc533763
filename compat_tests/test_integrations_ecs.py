"""ECS tasks end to end: a cluster and task definition created on the emulator's port (the in-process
moto behind it) are run by ``ecs:runTask`` (request-response and ``.sync``)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from compat_tests.helpers import aws_client, run_machine


def client(live_server: Any, service: str) -> Any:
    return aws_client(live_server, service)


@pytest.fixture(scope="module")
def cluster(live_server: Any) -> dict[str, str]:
    ecs = client(live_server, "ecs")
    name = f"cluster-{uuid.uuid4().hex[:8]}"
    arn = ecs.create_cluster(clusterName=name)["cluster"]["clusterArn"]
    family = f"family-{uuid.uuid4().hex[:8]}"
    ecs.register_task_definition(
        family=family, containerDefinitions=[{"name": "app", "image": "busybox", "memory": 128}]
    )
    return {"arn": arn, "family": family}


def run_task_parameters(cluster: dict[str, str]) -> dict[str, Any]:
    return {
        "Cluster": cluster["arn"],
        "TaskDefinition": cluster["family"],
        "LaunchType": "FARGATE",
        "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["subnet-12345678"]}},
    }


def run(live_server: Any, states: dict[str, Any]) -> dict[str, Any]:
    return run_machine(client(live_server, "stepfunctions"), states, "ecs", with_types=True)


def task(resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {"T": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}}


def test_run_task_answers_the_started_task_in_pascal_case(live_server: Any, cluster: dict[str, str]) -> None:
    result = run(live_server, task("arn:aws:states:::ecs:runTask", run_task_parameters(cluster)))
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["Failures"] == []
    started = output["Tasks"][0]
    assert started["ClusterArn"] == cluster["arn"]
    assert started["LaunchType"] == "FARGATE"
    assert started["TaskArn"].startswith("arn:aws:ecs:us-east-1:")
    assert output["SdkHttpMetadata"]["HttpHeaders"]["Content-Type"] == "application/x-amz-json-1.1"


def test_run_task_sync_ends_with_the_stopped_task(live_server: Any, cluster: dict[str, str]) -> None:
    result = run(live_server, task("arn:aws:states:::ecs:runTask.sync", run_task_parameters(cluster)))
    assert result["status"] == "SUCCEEDED", result
    stopped = json.loads(result["output"])
    assert stopped["LastStatus"] == "STOPPED"
    assert stopped["Containers"][0]["ExitCode"] == 0
    assert result["types"][2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]


def test_a_missing_cluster_fails_with_the_sdk_exception(live_server: Any, cluster: dict[str, str]) -> None:
    parameters = dict(run_task_parameters(cluster), Cluster="no-such-cluster")
    result = run(live_server, task("arn:aws:states:::ecs:runTask.sync", parameters))
    assert (result["status"], result["error"]) == ("FAILED", "ECS.ClusterNotFoundException")
    assert "(Service: AmazonECS; Status Code: 400; Error Code: ClusterNotFoundException;" in result["cause"]
