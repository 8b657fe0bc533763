"""AWS Glue optimized integration (``arn:aws:states:::glue:startJobRun[.sync]``).

| action      | patterns                                          | botocore operation |
|-------------|---------------------------------------------------|--------------------|
| startJobRun | request-response, ``.sync`` (connect-glue.html) | StartJobRun        |

Parameters are StartJobRun's members (``JobName``, ``Arguments``, ``Timeout``, ``WorkerType`` …).
As AWS documents, the ``JobName`` of the request is inserted into the answer, which Glue itself gives
as ``{"JobRunId"}``; the output carries ``SdkHttpMetadata`` / ``SdkResponseMetadata`` too. Errors are
``Glue.<Exception>`` (``Glue.EntityNotFoundException``; an unmodelled code ``Glue.AWSGlueException``)
with the SDK v1 cause text.

``.sync`` ends when the job run ends, as GetJobRun reports it: ``SUCCEEDED`` completes the task with
the ``JobRun`` object (epoch-millisecond times); ``FAILED``, ``STOPPED``, ``TIMEOUT``, ``ERROR`` or
``EXPIRED`` fails it with ``States.TaskFailed`` and that object as the cause. A run still going is
read again, first after 50 ms, then at doubling intervals up to 5 seconds. The in-process moto runs
no Glue jobs: it reports a run ``SUCCEEDED`` from the first GetJobRun, so there ``.sync`` succeeds at
once. A ``.sync`` task cancelled while it waits (execution stopped, branch aborted, timeout) stops the
run with BatchStopJobRun, on a best-effort basis (the IAM policy AWS generates for ``.sync`` grants
``glue:BatchStopJobRun``; moto does not implement it, so there the attempt fails quietly).
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

LABELS = ServiceLabels("Glue", "AWSGlue", "AWSGlueException")
JSON_1_1 = "application/x-amz-json-1.1"
_RUNNING = {"STARTING", "RUNNING", "STOPPING", "WAITING"}


class GlueIntegration(ModelledServiceIntegration):
    """Registered under ``glue``."""

    service = "glue"
    labels = LABELS

    async def invoke(self, invocation: TaskInvocation) -> Json:
        resource = invocation.resource
        if resource.action != "startJobRun":
            raise StatesError(
                "States.Runtime", f"The resource '{resource.arn}' is not supported by this emulator."
            )
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        model = await self.service_model()
        operation = model.operation_model("StartJobRun")
        request = to_model(parameters, operation.input_shape)
        response = await self.call("StartJobRun", request, invocation)
        answer = from_model(response.output, operation.output_shape)
        assert isinstance(answer, dict)
        output: dict[str, Json] = {"JobName": request.get("JobName"), **answer}
        return with_http_metadata(output, JSON_1_1, response.content_length or json_length(response.output))

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        """Wait until the job run StartJobRun began has ended."""
        job_name, run_id = _started(submitted)
        model = await self.service_model()
        output_shape = model.operation_model("GetJobRun").output_shape

        async def read() -> dict[str, Any]:
            response = await self.call("GetJobRun", {"JobName": job_name, "RunId": run_id}, invocation)
            return dict(response.output.get("JobRun") or {})

        current = await self.wait_for(read, lambda run: run.get("JobRunState") not in _RUNNING)
        described = from_model({"JobRun": current}, output_shape)
        assert isinstance(described, dict)
        job_run = described["JobRun"]
        if current.get("JobRunState") == "SUCCEEDED":
            return job_run
        raise StatesError(ErrorName.TASK_FAILED, compact(job_run))

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """The waiting Task state was cancelled: BatchStopJobRun the run it started."""
        job_name, run_id = _started(submitted)
        await self.call("BatchStopJobRun", {"JobName": job_name, "JobRunIds": [run_id]}, invocation)


def _started(submitted: Json) -> tuple[str, str]:
    job_name = submitted.get("JobName") if isinstance(submitted, dict) else None
    run_id = submitted.get("JobRunId") if isinstance(submitted, dict) else None
    if not isinstance(job_name, str) or not isinstance(run_id, str):
        raise StatesError(ErrorName.TASK_FAILED, "StartJobRun started no job run")
    return job_name, run_id
