"""AWS Batch ``submitJob``: request shaping, SDK v1 output, ``.sync`` on DescribeJobs, TerminateJob."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from emulator.integrations.batch import BatchIntegration
from emulator.integrations.clients import AwsClients, ServiceResponse
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

JOB_ID = "4f6a"
JOB_ARN = f"arn:aws:batch:us-east-1:1:job/{JOB_ID}"


class ScriptedBatch(AwsClients):
    """botocore's real Batch model; answers from a script instead of a backend."""

    def __init__(self, statuses: list[str]) -> None:
        super().__init__(Settings(port=1))
        self.statuses = statuses
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    async def call(
        self, service: str, operation: str, parameters: Mapping[str, Any], *, account: str, region: str
    ) -> ServiceResponse:
        self.calls.append((operation, parameters))
        if operation == "SubmitJob":
            return ServiceResponse({"jobArn": JOB_ARN, "jobName": "j", "jobId": JOB_ID})
        if operation == "TerminateJob":
            return ServiceResponse({})
        job = {"jobId": JOB_ID, "jobName": "j", "status": self.statuses.pop(0), "createdAt": 1714564800250}
        return ServiceResponse({"jobs": [job]})


async def no_wait(seconds: float) -> None:
    return None


def invocation(resource: str, parameters: dict[str, Any] | None = None) -> TaskInvocation:
    parameters = parameters or {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}
    return TaskInvocation(
        parse_resource(f"arn:aws:states:::batch:{resource}"), parameters, {}, "us-east-1", "1"
    )


async def test_submit_job_parameters_are_shaped_and_the_answer_is_pascal_case() -> None:
    clients = ScriptedBatch([])
    parameters = {
        "JobName": "j",
        "JobQueue": "q",
        "JobDefinition": "d",
        "Parameters": {"Key1": "value1"},
        "ContainerOverrides": {"ResourceRequirements": [{"Type": "VCPU", "Value": "4"}]},
    }
    output = await BatchIntegration(clients).invoke(invocation("submitJob", parameters))
    assert clients.calls == [
        (
            "SubmitJob",
            {
                "jobName": "j",
                "jobQueue": "q",
                "jobDefinition": "d",
                "parameters": {"Key1": "value1"},
                "containerOverrides": {"resourceRequirements": [{"type": "VCPU", "value": "4"}]},
            },
        )
    ]
    assert isinstance(output, dict)
    assert (output["JobArn"], output["JobId"], output["JobName"]) == (JOB_ARN, JOB_ID, "j")
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200


async def test_sync_reads_the_job_again_until_it_succeeds() -> None:
    clients = ScriptedBatch(["SUBMITTED", "RUNNABLE", "RUNNING", "SUCCEEDED"])
    integration = BatchIntegration(clients, no_wait)
    call = invocation("submitJob.sync")
    result = await integration.run_job(call, await integration.invoke(call))
    assert [operation for operation, _ in clients.calls] == ["SubmitJob"] + ["DescribeJobs"] * 4
    assert clients.calls[1][1] == {"jobs": [JOB_ID]}
    assert result == {"JobId": JOB_ID, "JobName": "j", "Status": "SUCCEEDED", "CreatedAt": 1714564800250}


async def test_sync_fails_the_task_with_the_failed_job() -> None:
    integration = BatchIntegration(ScriptedBatch(["RUNNING", "FAILED"]), no_wait)
    call = invocation("submitJob.sync")
    with pytest.raises(StatesError) as raised:
        await integration.run_job(call, await integration.invoke(call))
    assert raised.value.error == "States.TaskFailed"
    assert '"Status":"FAILED"' in str(raised.value.cause)


async def test_cancelling_a_sync_task_terminates_the_job() -> None:
    clients = ScriptedBatch([])
    integration = BatchIntegration(clients)
    call = invocation("submitJob.sync")
    await integration.cancel_job(call, await integration.invoke(call))
    assert clients.calls[-1] == (
        "TerminateJob",
        {"jobId": JOB_ID, "reason": "Terminated by AWS Step Functions"},
    )


async def test_other_actions_are_not_supported() -> None:
    with pytest.raises(StatesError) as raised:
        await BatchIntegration(ScriptedBatch([])).invoke(invocation("terminateJob"))
    assert raised.value.error == "States.Runtime"
