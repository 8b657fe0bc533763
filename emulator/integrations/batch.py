"""AWS Batch optimized integration (``arn:aws:states:::batch:submitJob[.sync]``).

| action    | patterns                                          | botocore operation |
|-----------|---------------------------------------------------|--------------------|
| submitJob | request-response, ``.sync`` (connect-batch.html) | SubmitJob          |

Parameters are SubmitJob's members in PascalCase (``JobName``, ``JobQueue``, ``JobDefinition``,
``ContainerOverrides``, ``Parameters``, ``ArrayProperties``, ``RetryStrategy``, ``Timeout`` …). The
output is the AWS SDK for Java v1 answer as Step Functions presents it (``{"JobArn", "JobId",
"JobName"}`` plus ``SdkHttpMetadata`` / ``SdkResponseMetadata``). Errors are ``Batch.<Exception>``
(``Batch.ClientException``; an unmodelled code ``Batch.AWSBatchException``) with the SDK v1 cause text.

``.sync`` ends when the job ends, as DescribeJobs reports it: ``SUCCEEDED`` completes the task with
the DescribeJobs job object (PascalCase members, epoch-millisecond times); ``FAILED`` fails it with
``States.TaskFailed`` and that object as the cause. A job still queued or running is read again, first
after 50 ms, then at doubling intervals up to 5 seconds. The in-process moto runs a job's container
with docker: where no docker daemon is reachable it reports the job ``FAILED`` (so ``.sync`` fails
with ``States.TaskFailed``); nothing here pretends the job ran. A ``.sync`` task cancelled while it
waits (execution stopped, branch aborted, timeout) terminates the job with TerminateJob, on a
best-effort basis (the IAM policy AWS generates for ``.sync`` grants ``batch:TerminateJob``).
"""

from __future__ import annotations

from typing import Any

from emulator.integrations.modelled_service import (
    ModelledServiceIntegration,
    compact,
    from_model,
    json_length,
    to_model,
)
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import ServiceLabels, with_http_metadata
from emulator.language.errors import ErrorName, StatesError
from emulator.model.types import Json

LABELS = ServiceLabels("Batch", "AWSBatch", "AWSBatchException")
CONTENT_TYPE = "application/json"
_FINAL = {"SUCCEEDED", "FAILED"}


class BatchIntegration(ModelledServiceIntegration):
    """Registered under ``batch``."""

    service = "batch"
    labels = LABELS

    async def invoke(self, invocation: TaskInvocation) -> Json:
        resource = invocation.resource
        if resource.action != "submitJob":
            raise StatesError(
                "States.Runtime", f"The resource '{resource.arn}' is not supported by this emulator."
            )
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        model = await self.service_model()
        operation = model.operation_model("SubmitJob")
        response = await self.call("SubmitJob", to_model(parameters, operation.input_shape), invocation)
        output = from_model(response.output, operation.output_shape)
        assert isinstance(output, dict)
        return with_http_metadata(
            output, CONTENT_TYPE, response.content_length or json_length(response.output)
        )

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        """Wait until the job SubmitJob queued has succeeded or failed."""
        job_id = _job_id(submitted)
        model = await self.service_model()
        output_shape = model.operation_model("DescribeJobs").output_shape

        async def read() -> dict[str, Any]:
            response = await self.call("DescribeJobs", {"jobs": [job_id]}, invocation)
            listed = response.output.get("jobs") or []
            if not listed:
                raise StatesError(ErrorName.TASK_FAILED, f"Job {job_id} does not exist")
            return dict(listed[0])

        current = await self.wait_for(read, lambda job: job.get("status") in _FINAL)
        described = from_model({"jobs": [current]}, output_shape)
        assert isinstance(described, dict)
        job: Json = described["Jobs"][0]  # type: ignore[index]
        if current.get("status") == "SUCCEEDED":
            return job
        raise StatesError(ErrorName.TASK_FAILED, compact(job))

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """The waiting Task state was cancelled: TerminateJob the job it submitted."""
        request = {"jobId": _job_id(submitted), "reason": "Terminated by AWS Step Functions"}
        await self.call("TerminateJob", request, invocation)


def _job_id(submitted: Json) -> str:
    job_id = submitted.get("JobId") if isinstance(submitted, dict) else None
    if not isinstance(job_id, str):
        raise StatesError(ErrorName.TASK_FAILED, "SubmitJob queued no job")
    return job_id
