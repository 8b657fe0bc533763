"""AWS Batch jobs end to end: a compute environment, job queue and job definition created on the
emulator's port (the in-process moto behind it) are used by ``batch:submitJob`` (request-response and
``.sync``)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from compat_tests.helpers import aws_client, run_machine


def client(live_server: Any, service: str) -> Any:
    return aws_client(live_server, service)


@pytest.fixture(scope="module")
def queue(live_server: Any) -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    role = client(live_server, "iam").create_role(RoleName=f"batch-{suffix}", AssumeRolePolicyDocument="{}")
    batch = client(live_server, "batch")
    environment = batch.create_compute_environment(
        computeEnvironmentName=f"env-{suffix}", type="UNMANAGED", serviceRole=role["Role"]["Arn"]
    )
    created = batch.create_job_queue(
        jobQueueName=f"queue-{suffix}",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}],
    )
    definition = batch.register_job_definition(
        jobDefinitionName=f"def-{suffix}",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )
    return {"queue": created["jobQueueArn"], "definition": definition["jobDefinitionArn"]}


def run(live_server: Any, resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    state = {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}
    return run_machine(client(live_server, "stepfunctions"), {"T": state}, "batch")


def job(queue: dict[str, str]) -> dict[str, Any]:
    return {"JobName": "nightly", "JobQueue": queue["queue"], "JobDefinition": queue["definition"]}


def test_submit_job_answers_the_job_in_pascal_case(live_server: Any, queue: dict[str, str]) -> None:
    described = run(live_server, "arn:aws:states:::batch:submitJob", job(queue))
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["JobName"] == "nightly"
    assert output["JobArn"].endswith(f"job/{output['JobId']}")
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200


def test_submit_job_sync_ends_as_the_job_ends(live_server: Any, queue: dict[str, str]) -> None:
    """moto runs the job's container with docker; without a docker daemon it reports the job FAILED.
    Either way the task's end follows the job's reported status, with the DescribeJobs object."""
    described = run(live_server, "arn:aws:states:::batch:submitJob.sync", job(queue))
    if described["status"] == "SUCCEEDED":
        assert json.loads(described["output"])["Status"] == "SUCCEEDED"
    else:
        assert (described["status"], described["error"]) == ("FAILED", "States.TaskFailed")
        failed = json.loads(described["cause"])
        assert (failed["Status"], failed["JobName"]) == ("FAILED", "nightly")


def test_a_missing_queue_fails_with_the_sdk_exception(live_server: Any, queue: dict[str, str]) -> None:
    parameters = dict(job(queue), JobQueue="no-such-queue")
    described = run(live_server, "arn:aws:states:::batch:submitJob.sync", parameters)
    assert (described["status"], described["error"]) == ("FAILED", "Batch.ClientException")
    assert "(Service: AWSBatch; Status Code: 400; Error Code: ClientException;" in described["cause"]
