"""ECS ``runTask``: request shaping, SDK v1 output, ``Failures``, ``.sync`` on DescribeTasks, StopTask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients, ServiceResponse
from emulator.integrations.ecs import EcsIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

TASK_ARN = "arn:aws:ecs:us-east-1:1:task/c/abc"
CLUSTER_ARN = "arn:aws:ecs:us-east-1:1:cluster/c"
CREATED = dt.datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=dt.UTC)


class ScriptedEcs(AwsClients):
    """botocore's real ECS model; answers from a script instead of a backend."""

    def __init__(self, statuses: list[str], exit_code: int = 0, failures: list[Any] | None = None) -> None:
        super().__init__(Settings(port=1))
        self.statuses = statuses
        self.exit_code = exit_code
        self.failures = failures or []
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    async def call(
        self, service: str, operation: str, parameters: Mapping[str, Any], *, account: str, region: str
    ) -> ServiceResponse:
        self.calls.append((operation, parameters))
        task = {"taskArn": TASK_ARN, "clusterArn": CLUSTER_ARN, "createdAt": CREATED, "lastStatus": "PENDING"}
        if operation == "RunTask":
            return ServiceResponse({"tasks": [] if self.failures else [task], "failures": self.failures})
        if operation == "StopTask":
            return ServiceResponse({"task": dict(task, lastStatus="STOPPED")})
        container = {"name": "app", "exitCode": self.exit_code}
        return ServiceResponse(
            {"tasks": [dict(task, lastStatus=self.statuses.pop(0), containers=[container])], "failures": []}
        )


async def no_wait(seconds: float) -> None:
    return None


def invocation(resource: str, parameters: dict[str, Any] | None = None) -> TaskInvocation:
    parameters = parameters or {"Cluster": "c", "TaskDefinition": "f"}
    return TaskInvocation(
        parse_resource(f"arn:aws:states:::ecs:{resource}"), parameters, {}, "us-east-1", "1"
    )


async def test_run_task_parameters_are_shaped_and_the_answer_is_pascal_case() -> None:
    clients = ScriptedEcs([])
    parameters = {
        "Cluster": "c",
        "TaskDefinition": "f",
        "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["s-1"], "AssignPublicIp": "ENABLED"}},
    }
    output = await EcsIntegration(clients).invoke(invocation("runTask", parameters))
    assert clients.calls == [
        (
            "RunTask",
            {
                "cluster": "c",
                "taskDefinition": "f",
                "networkConfiguration": {
                    "awsvpcConfiguration": {"subnets": ["s-1"], "assignPublicIp": "ENABLED"}
                },
            },
        )
    ]
    assert isinstance(output, dict)
    assert output["Tasks"] == [
        {"TaskArn": TASK_ARN, "ClusterArn": CLUSTER_ARN, "CreatedAt": 1714564800250, "LastStatus": "PENDING"}
    ]
    assert output["Failures"] == [] and "SdkHttpMetadata" in output


async def test_failures_are_returned_by_request_response_and_fail_sync() -> None:
    failures = [{"arn": "arn:x", "reason": "MISSING"}]
    answered = await EcsIntegration(ScriptedEcs([], failures=failures)).invoke(invocation("runTask"))
    assert isinstance(answered, dict) and answered["Failures"] == [{"Arn": "arn:x", "Reason": "MISSING"}]
    with pytest.raises(StatesError) as raised:
        await EcsIntegration(ScriptedEcs([], failures=failures)).invoke(invocation("runTask.sync"))
    assert raised.value.error == "AmazonECS.Unknown"
    assert '"Reason":"MISSING"' in str(raised.value.cause)


async def test_sync_reads_the_task_again_until_it_has_stopped() -> None:
    clients = ScriptedEcs(["RUNNING", "STOPPING", "STOPPED"])
    integration = EcsIntegration(clients, no_wait)
    call = invocation("runTask.sync")
    result = await integration.run_job(call, await integration.invoke(call))
    assert [operation for operation, _ in clients.calls] == ["RunTask"] + ["DescribeTasks"] * 3
    assert clients.calls[1][1] == {"cluster": CLUSTER_ARN, "tasks": [TASK_ARN]}
    assert isinstance(result, dict)
    assert (result["LastStatus"], result["Containers"]) == ("STOPPED", [{"Name": "app", "ExitCode": 0}])


async def test_sync_fails_the_task_when_a_container_exits_with_an_error_code() -> None:
    integration = EcsIntegration(ScriptedEcs(["STOPPED"], exit_code=2), no_wait)
    call = invocation("runTask.sync")
    with pytest.raises(StatesError) as raised:
        await integration.run_job(call, await integration.invoke(call))
    assert raised.value.error == "States.TaskFailed"
    assert '"ExitCode":2' in str(raised.value.cause)


async def test_cancelling_a_sync_task_stops_the_ecs_task() -> None:
    clients = ScriptedEcs([])
    integration = EcsIntegration(clients)
    call = invocation("runTask.sync")
    await integration.cancel_job(call, await integration.invoke(call))
    assert clients.calls[-1] == (
        "StopTask",
        {"cluster": CLUSTER_ARN, "task": TASK_ARN, "reason": "Task stopped by AWS Step Functions"},
    )


async def test_other_actions_are_not_supported() -> None:
    with pytest.raises(StatesError) as raised:
        await EcsIntegration(ScriptedEcs([])).invoke(invocation("stopTask"))
    assert raised.value.error == "States.Runtime"
