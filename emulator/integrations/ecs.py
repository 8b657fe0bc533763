"""Amazon ECS / Fargate optimized integration (``arn:aws:states:::ecs:runTask[.sync|.waitForTaskToken]``).

| action  | patterns                                          | botocore operation |
|---------|---------------------------------------------------|--------------------|
| runTask | request-response, ``.sync``, ``.waitForTaskToken`` | RunTask            |

Parameters are RunTask's members in PascalCase (``Cluster``, ``TaskDefinition``, ``LaunchType``,
``NetworkConfiguration.AwsvpcConfiguration.Subnets``, ``Overrides.ContainerOverrides``). The output is
the AWS SDK for Java v1 answer as Step Functions presents it: ``{"Failures": […], "Tasks": […]}`` with
PascalCase members, timestamps in epoch milliseconds, plus ``SdkHttpMetadata`` /
``SdkResponseMetadata``. Errors are ``ECS.<Exception>`` (``ECS.ClusterNotFoundException``; an
unmodelled code ``ECS.AmazonECSException``) with the SDK v1 cause text.

As AWS documents: RunTask can answer HTTP 200 with a non-empty ``Failures``. Request-response returns
that answer; ``.sync`` and ``.waitForTaskToken`` fail the task with ``AmazonECS.Unknown`` (the cause
here is the answer's JSON text).

``.sync`` ends when the task has stopped, as DescribeTasks reports it (``LastStatus`` ``STOPPED``): the
task's result is the DescribeTasks task object. A task that failed to start (``StopCode``
``TaskFailedToStart``) or whose container exited with a non-zero code fails the Task state with
``States.TaskFailed`` and that object as the cause. A task still running is read again, first after
50 ms, then at doubling intervals up to 5 seconds (AWS learns of the stop from ECS events; we poll).
The in-process moto runs no containers: its DescribeTasks moves a task one status further per read
(``RUNNING`` → ``DEACTIVATING`` → ``STOPPING`` → ``DEPROVISIONING`` → ``STOPPED``) and reports exit
code 0, so there a ``.sync`` task succeeds after four reads. A ``.sync`` task cancelled while it waits
(execution stopped, branch aborted, timeout) stops the ECS task with StopTask, on a best-effort basis.
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
from emulator.language.states.task_state import REQUEST_RESPONSE
from emulator.model.types import Json

LABELS = ServiceLabels("ECS", "AmazonECS", "AmazonECSException")
JSON_1_1 = "application/x-amz-json-1.1"


class EcsIntegration(ModelledServiceIntegration):
    """Registered under ``ecs``."""

    service = "ecs"
    labels = LABELS

    async def invoke(self, invocation: TaskInvocation) -> Json:
        resource = invocation.resource
        if resource.action != "runTask":
            raise StatesError(
                "States.Runtime", f"The resource '{resource.arn}' is not supported by this emulator."
            )
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        model = await self.service_model()
        operation = model.operation_model("RunTask")
        response = await self.call("RunTask", to_model(parameters, operation.input_shape), invocation)
        output = from_model(response.output, operation.output_shape)
        assert isinstance(output, dict)
        if resource.pattern != REQUEST_RESPONSE and output.get("Failures"):
            text = compact(output)
            raise StatesError("AmazonECS.Unknown", text)
        return with_http_metadata(output, JSON_1_1, response.content_length or json_length(response.output))

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        """Wait until the ECS task RunTask started has stopped; its end decides the Task state's."""
        task_arn, cluster = _started(submitted)
        model = await self.service_model()
        output_shape = model.operation_model("DescribeTasks").output_shape

        async def read() -> dict[str, Any]:
            response = await self.call("DescribeTasks", {"cluster": cluster, "tasks": [task_arn]}, invocation)
            listed = response.output.get("tasks") or []
            if not listed:
                raise StatesError(ErrorName.TASK_FAILED, f"Task {task_arn} does not exist")
            return dict(listed[0])

        current = await self.wait_for(read, lambda task: task.get("lastStatus") == "STOPPED")
        described = from_model({"tasks": [current]}, output_shape)
        assert isinstance(described, dict)
        task: Json = described["Tasks"][0]  # type: ignore[index]
        if _succeeded(current):
            return task
        raise StatesError(ErrorName.TASK_FAILED, compact(task))

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """The waiting Task state was cancelled: StopTask the ECS task it started."""
        task_arn, cluster = _started(submitted)
        request = {"cluster": cluster, "task": task_arn, "reason": "Task stopped by AWS Step Functions"}
        await self.call("StopTask", request, invocation)


def _started(submitted: Json) -> tuple[str, str | None]:
    tasks = submitted.get("Tasks") if isinstance(submitted, dict) else None
    first = tasks[0] if isinstance(tasks, list) and tasks else None
    if not isinstance(first, dict) or not isinstance(first.get("TaskArn"), str):
        raise StatesError(ErrorName.TASK_FAILED, "RunTask started no task")
    cluster = first.get("ClusterArn")
    return str(first["TaskArn"]), cluster if isinstance(cluster, str) else None


def _succeeded(task: dict[str, Any]) -> bool:
    if task.get("stopCode") == "TaskFailedToStart":
        return False
    return all(container.get("exitCode") in (0, None) for container in task.get("containers") or [])
