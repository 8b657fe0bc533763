"""AWS CodeBuild optimized integration (``arn:aws:states:::codebuild:<action>[.sync]``).

| action            | patterns                        | botocore operation |
|-------------------|---------------------------------|--------------------|
| startBuild        | request-response, ``.sync``     | StartBuild         |
| stopBuild         | request-response                | StopBuild          |
| batchDeleteBuilds | request-response                | BatchDeleteBuilds  |
| batchGetReports   | request-response                | BatchGetReports    |
| startBuildBatch   | request-response, ``.sync``     | StartBuildBatch    |
| stopBuildBatch    | request-response                | StopBuildBatch     |
| retryBuildBatch   | request-response, ``.sync``     | RetryBuildBatch    |
| deleteBuildBatch  | request-response                | DeleteBuildBatch   |

Parameters are the API's members in PascalCase (``ProjectName``, ``EnvironmentVariablesOverride``).
Outputs are as Step Functions presents the AWS SDK for Java v1 answer: member names in PascalCase,
timestamps in epoch milliseconds, plus ``SdkHttpMetadata`` / ``SdkResponseMetadata``. Errors are
``CodeBuild.<Exception>`` (``CodeBuild.ResourceNotFoundException``; an unmodelled code
``CodeBuild.AWSCodeBuildException``) with the SDK v1 cause text.

``.sync`` ends when the build (batch) ends, as BatchGetBuilds (BatchGetBuildBatches) reports it: a
``SUCCEEDED`` build completes the task with ``{"Build": …}`` (``{"BuildBatch": …}``); any other final
status (FAILED, FAULT, TIMED_OUT, STOPPED) fails it with ``States.TaskFailed`` and that object as the
cause. The in-process moto runs no builds: it reports a build as completed and succeeded from the
first BatchGetBuilds after StartBuild, so there a ``.sync`` build succeeds at once (after a StopBuild
it is STOPPED). A build that is still in progress (a real CodeBuild behind ``CODEBUILD_ENDPOINT``) is
read again every ``poll_seconds``, as Step Functions itself polls. A ``.sync`` task cancelled while
it waits (execution stopped, branch aborted, TimeoutSeconds) stops its build with StopBuild
(StopBuildBatch), on a best-effort basis as Step Functions does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.integrations.clients import AwsClients
from emulator.integrations.modelled_service import (
    ModelledServiceIntegration,
    Sleep,
    compact,
    from_model,
    json_length,
    pascal,
    to_model,
)
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import ServiceLabels, with_http_metadata
from emulator.language.errors import ErrorName, StatesError
from emulator.model.types import Json

LABELS = ServiceLabels("CodeBuild", "AWSCodeBuild", "AWSCodeBuildException")
JSON_1_1 = "application/x-amz-json-1.1"


@dataclass(frozen=True, slots=True)
class Job:
    """How a ``.sync`` action's job is read back: the describe operation and the status member."""

    operation: str  # BatchGetBuilds | BatchGetBuildBatches
    listed: str  # the answer's list member (botocore casing)
    member: str  # the object's member in the task's output (``Build``)
    status: str  # the status member of the object (botocore casing)


_BUILD = Job("BatchGetBuilds", "builds", "Build", "buildStatus")
_BATCH = Job("BatchGetBuildBatches", "buildBatches", "BuildBatch", "buildBatchStatus")
ACTIONS: dict[str, tuple[str, Job | None]] = {
    "startBuild": ("StartBuild", _BUILD),
    "stopBuild": ("StopBuild", None),
    "batchDeleteBuilds": ("BatchDeleteBuilds", None),
    "batchGetReports": ("BatchGetReports", None),
    "startBuildBatch": ("StartBuildBatch", _BATCH),
    "stopBuildBatch": ("StopBuildBatch", None),
    "retryBuildBatch": ("RetryBuildBatch", _BATCH),
    "deleteBuildBatch": ("DeleteBuildBatch", None),
}
_STOP = {"BatchGetBuilds": "StopBuild", "BatchGetBuildBatches": "StopBuildBatch"}
_RUNNING = {"IN_PROGRESS", "STOPPING"}


class CodeBuildIntegration(ModelledServiceIntegration):
    service = "codebuild"
    labels = LABELS

    def __init__(self, clients: AwsClients, sleep: Sleep | None = None, poll_seconds: float = 5.0) -> None:
        super().__init__(clients, sleep)
        self.poll_seconds = poll_seconds

    async def invoke(self, invocation: TaskInvocation) -> Json:
        resource = invocation.resource
        found = ACTIONS.get(resource.action)
        if found is None or (resource.pattern == "sync" and found[1] is None):
            raise StatesError(
                "States.Runtime", f"The resource '{resource.arn}' is not supported by this emulator."
            )
        operation = found[0]
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        model = await self.service_model()
        request = to_model(parameters, model.operation_model(operation).input_shape)
        response = await self.call(operation, request, invocation)
        output = from_model(response.output, model.operation_model(operation).output_shape)
        assert isinstance(output, dict)
        return with_http_metadata(output, JSON_1_1, response.content_length or json_length(response.output))

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        """Wait for the build (batch) ``invoke`` started; its final state ends the task."""
        job = ACTIONS[invocation.resource.action][1]
        assert job is not None and isinstance(submitted, dict)
        started = submitted.get(job.member)
        job_id = started.get("Id") if isinstance(started, dict) else None
        model = await self.service_model()
        output_shape = model.operation_model(job.operation).output_shape

        async def read() -> dict[str, Any]:
            response = await self.call(job.operation, {"ids": [job_id]}, invocation)
            listed = response.output.get(job.listed) or []
            if not listed:
                raise StatesError(ErrorName.TASK_FAILED, f"{job.member} {job_id} does not exist")
            return dict(listed[0])

        current = await self.wait_for(
            read, lambda build: build.get(job.status) not in _RUNNING, self.poll_seconds
        )
        described = from_model({job.listed: [current]}, output_shape)
        assert isinstance(described, dict)
        result: dict[str, Json] = {job.member: described[pascal(job.listed)][0]}  # type: ignore[index]
        if current.get(job.status) == "SUCCEEDED":
            return result
        raise StatesError(ErrorName.TASK_FAILED, compact(result))

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """The waiting task was cancelled: StopBuild (StopBuildBatch) the build it started."""
        job = ACTIONS[invocation.resource.action][1]
        started = submitted.get(job.member) if job is not None and isinstance(submitted, dict) else None
        job_id = started.get("Id") if isinstance(started, dict) else None
        if job is None or not isinstance(job_id, str):
            return
        await self.call(_STOP[job.operation], {"id": job_id}, invocation)
