"""AWS Glue job runs end to end: a job created on the emulator's port (the in-process moto behind it)
is run by ``glue:startJobRun`` (request-response and ``.sync``)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from compat_tests.helpers import aws_client, run_machine


def client(live_server: Any, service: str) -> Any:
    return aws_client(live_server, service)


@pytest.fixture(scope="module")
def job(live_server: Any) -> str:
    name = f"etl-{uuid.uuid4().hex[:8]}"
    client(live_server, "glue").create_job(
        Name=name,
        Role="arn:aws:iam::123456789012:role/glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://bucket/script.py"},
    )
    return name


def run(live_server: Any, resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    state = {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}
    return run_machine(client(live_server, "stepfunctions"), {"T": state}, "glue")


def test_start_job_run_answers_the_run_id_with_the_job_name(live_server: Any, job: str) -> None:
    described = run(live_server, "arn:aws:states:::glue:startJobRun", {"JobName": job})
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["JobName"] == job
    assert output["JobRunId"].startswith("jr_")
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200


def test_start_job_run_sync_ends_with_the_job_run(live_server: Any, job: str) -> None:
    parameters = {"JobName": job, "Arguments": {"--day": "monday"}}
    described = run(live_server, "arn:aws:states:::glue:startJobRun.sync", parameters)
    assert described["status"] == "SUCCEEDED", described
    job_run = json.loads(described["output"])
    assert (job_run["JobName"], job_run["JobRunState"]) == (job, "SUCCEEDED")
    assert isinstance(job_run["StartedOn"], int)


def test_a_missing_job_fails_with_the_sdk_exception(live_server: Any) -> None:
    described = run(live_server, "arn:aws:states:::glue:startJobRun.sync", {"JobName": "no-such-job"})
    assert (described["status"], described["error"]) == ("FAILED", "Glue.EntityNotFoundException")
    assert "(Service: AWSGlue; Status Code: 400; Error Code: EntityNotFoundException;" in described["cause"]
