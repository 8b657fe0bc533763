"""AWS Glue ``startJobRun``: the JobName inserted into the answer, ``.sync`` on GetJobRun, BatchStopJobRun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients, ServiceResponse
from emulator.integrations.glue import GlueIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

RUN_ID = "jr_1"
STARTED = dt.datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=dt.UTC)


class ScriptedGlue(AwsClients):
    """botocore's real Glue model; answers from a script instead of a backend."""

    def __init__(self, states: list[str]) -> None:
        super().__init__(Settings(port=1))
        self.states = states
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    async def call(
        self, service: str, operation: str, parameters: Mapping[str, Any], *, account: str, region: str
    ) -> ServiceResponse:
        self.calls.append((operation, parameters))
        if operation == "StartJobRun":
            return ServiceResponse({"JobRunId": RUN_ID})
        if operation == "BatchStopJobRun":
            return ServiceResponse({"SuccessfulSubmissions": [], "Errors": []})
        state = self.states.pop(0)
        return ServiceResponse(
            {"JobRun": {"Id": RUN_ID, "JobName": "etl", "JobRunState": state, "StartedOn": STARTED}}
        )


async def no_wait(seconds: float) -> None:
    return None


def invocation(resource: str) -> TaskInvocation:
    parameters = {"JobName": "etl", "Arguments": {"--day": "monday"}}
    return TaskInvocation(
        parse_resource(f"arn:aws:states:::glue:{resource}"), parameters, {}, "us-east-1", "1"
    )


async def test_the_job_name_is_inserted_into_the_answer() -> None:
    clients = ScriptedGlue([])
    output = await GlueIntegration(clients).invoke(invocation("startJobRun"))
    assert clients.calls == [("StartJobRun", {"JobName": "etl", "Arguments": {"--day": "monday"}})]
    assert isinstance(output, dict)
    assert (output["JobName"], output["JobRunId"]) == ("etl", RUN_ID)
    assert output["SdkHttpMetadata"]["HttpStatusCode"] == 200


async def test_sync_reads_the_run_again_until_it_succeeds() -> None:
    clients = ScriptedGlue(["STARTING", "RUNNING", "SUCCEEDED"])
    integration = GlueIntegration(clients, no_wait)
    call = invocation("startJobRun.sync")
    result = await integration.run_job(call, await integration.invoke(call))
    assert [operation for operation, _ in clients.calls] == ["StartJobRun"] + ["GetJobRun"] * 3
    assert clients.calls[1][1] == {"JobName": "etl", "RunId": RUN_ID}
    assert result == {"Id": RUN_ID, "JobName": "etl", "JobRunState": "SUCCEEDED", "StartedOn": 1714564800250}


@pytest.mark.parametrize("state", ["FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED"])
async def test_sync_fails_the_task_with_a_run_that_did_not_succeed(state: str) -> None:
    integration = GlueIntegration(ScriptedGlue([state]), no_wait)
    call = invocation("startJobRun.sync")
    with pytest.raises(StatesError) as raised:
        await integration.run_job(call, await integration.invoke(call))
    assert raised.value.error == "States.TaskFailed"
    assert f'"JobRunState":"{state}"' in str(raised.value.cause)


async def test_cancelling_a_sync_task_stops_the_run() -> None:
    clients = ScriptedGlue([])
    integration = GlueIntegration(clients)
    call = invocation("startJobRun.sync")
    await integration.cancel_job(call, await integration.invoke(call))
    assert clients.calls[-1] == ("BatchStopJobRun", {"JobName": "etl", "JobRunIds": [RUN_ID]})
