"""Task resource dispatch: the one seam between the interpreter and service integrations.

An integration is registered under the ``resourceType`` history events show (``lambda``,
``sqs``, ``aws-sdk:s3`` …) for service integrations, under ``lambda-function`` for Lambda
function ARNs and under ``activity`` for activities. A resource with no integration is treated as
AWS treats a resource it cannot reach: the task fails (never a faked success).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from emulator.language.errors import StatesError
from emulator.language.states.task_state import TaskResource
from emulator.model.types import Json

LAMBDA_FUNCTION = "lambda-function"
ACTIVITY = "activity"
AWS_SDK = "aws-sdk"
AWS_SDK_PREFIX = "aws-sdk:"


@dataclass(frozen=True, slots=True)
class TaskInvocation:
    """One call of a Task resource."""

    resource: TaskResource
    parameters: Json
    context: Mapping[str, Json]
    region: str
    account: str
    timeout_seconds: int | None = None
    heartbeat_seconds: int | None = None
    credentials: Json = None
    # The token in ``$$.Task.Token`` (callback and ``.sync`` tasks), and a hook an integration calls
    # when a worker takes the task (activities: ActivityStarted with the worker's name).
    task_token: str | None = None
    on_started: Callable[[str | None], None] | None = None


class Integration(Protocol):
    async def invoke(self, invocation: TaskInvocation) -> Json:
        """Run the task; return its result or raise ``StatesError`` (error name as AWS reports it).

        For ``.waitForTaskToken`` and ``.sync`` this is the request part only: its result is what
        TaskSubmitted records."""
        ...


class JobIntegration(Integration, Protocol):
    """An integration supporting ``.sync`` / ``.sync:2`` (run a job, wait for it to finish)."""

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        """Wait for the job ``invoke`` started; return the task's result or raise ``StatesError``."""
        ...

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """Optional: stop the job ``invoke`` started when the waiting task is cancelled (execution
        stopped, branch aborted, task timed out), as Step Functions does on a best-effort basis."""
        ...


class IntegrationRegistry:
    """Finds the integration for a Task resource."""

    def __init__(self, judges_fields: bool = False) -> None:
        self._integrations: dict[str, Integration] = {}
        # The mock layer (emulator.integrations.mocks.Mocks), consulted before any integration.
        self.mocks: Any = None
        # Whether a service Task's evaluated parameters are judged against the API's fields before it
        # is scheduled (``prepare``): the composition root's registry of real integrations does; a
        # registry of stand-ins answering made-up parameters does not.
        self.judges_fields = judges_fields

    def register(self, key: str, integration: Integration) -> None:
        self._integrations[key] = integration

    def named(self, key: str) -> Integration | None:
        """The integration registered under ``key``."""
        return self._integrations.get(key)

    async def close(self) -> None:
        """Release what integrations hold (Lambda workers …) at shutdown."""
        unique = {id(integration): integration for integration in self._integrations.values()}
        for integration in unique.values():
            close = getattr(integration, "close", None)
            if close is not None:
                await close()

    def find(self, resource: TaskResource) -> Integration | None:
        if resource.kind == "lambda":
            return self._integrations.get(LAMBDA_FUNCTION)
        if resource.kind == "activity":
            return self._integrations.get(ACTIVITY)
        found = self._integrations.get(resource.resource_type)
        if found is None and resource.resource_type.startswith(AWS_SDK_PREFIX):
            return self._integrations.get(AWS_SDK)  # one integration serves every aws-sdk:<service>
        return found

    async def invoke(self, invocation: TaskInvocation) -> Json:
        if self.mocks is not None:
            answer = await self.mocks.answer(invocation)
            if answer is not self.mocks.NOT_MOCKED:
                mocked: Json = answer  # ``Mocks.answer`` gives JSON or ``NOT_MOCKED``
                return mocked
        integration = self.find(invocation.resource)
        if integration is None:
            raise unreachable(invocation)
        return await integration.invoke(invocation)

    async def prepare(self, invocation: TaskInvocation) -> None:
        """Checks an integration makes before anything is scheduled (an activity must exist)."""
        if self.mocks is not None and self.mocks.is_mocked(invocation):
            return
        if self.judges_fields and invocation.resource.kind == "service":
            from emulator.integrations.service_task import unusable_parameters
            from emulator.integrations.task_parameters import unsupported_field

            field = unsupported_field(invocation.resource.arn, invocation.parameters)
            if field is not None:
                raise unusable_parameters(
                    invocation.parameters, f'The field "{field}" is not supported by Step Functions'
                )
        integration = self.find(invocation.resource)
        prepare = getattr(integration, "prepare", None)
        if prepare is not None:
            await prepare(invocation)

    async def run_job(self, invocation: TaskInvocation, submitted: Json) -> Json:
        if self.mocks is not None and self.mocks.is_mocked(invocation):
            return submitted  # a mocked ``.sync`` task: the mocked response is the job's result
        integration = self.find(invocation.resource)
        run_job = getattr(integration, "run_job", None)
        if run_job is None:
            raise unreachable(invocation)
        result: Json = await run_job(invocation, submitted)
        return result

    async def cancel_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """Best effort: ask the integration to stop a ``.sync`` job nobody waits for any more. A failure
        to stop it is not the task's failure (the task has already ended), so it is swallowed here."""
        if self.mocks is not None and self.mocks.is_mocked(invocation):
            return
        cancel_job = getattr(self.find(invocation.resource), "cancel_job", None)
        if cancel_job is None:
            return
        try:
            await cancel_job(invocation, submitted)
        except Exception:  # best effort, as AWS's own attempt to stop the job
            return


def unreachable(invocation: TaskInvocation) -> StatesError:
    """The failure AWS records for a resource it cannot reach."""
    resource = invocation.resource
    request_id = uuid.uuid4()
    if resource.kind == "lambda" or (resource.resource_type == "lambda" and resource.action == "invoke"):
        if resource.kind == "lambda":
            function_arn = resource.arn
        else:
            name = (
                invocation.parameters.get("FunctionName") if isinstance(invocation.parameters, dict) else None
            )
            function_arn = _function_arn(str(name), invocation.region, invocation.account)
        if function_arn.count(":") == 6:
            function_arn += ":$LATEST"
        return StatesError(
            "Lambda.ResourceNotFoundException",
            f"Function not found: {function_arn} (Service: AWSLambda; Status Code: 404; Error Code: "
            f"ResourceNotFoundException; Request ID: {request_id}; Proxy: null)",
        )
    service = resource.resource_type.removeprefix("aws-sdk:") or "States"
    prefix = service[:1].upper() + service[1:]
    if resource.kind == "service" and not resource.resource_type.startswith(AWS_SDK_PREFIX):
        # an optimized integration Step Functions has and this emulator does not run (Athena, EMR …)
        return StatesError(
            f"{prefix}.SdkClientException",
            f"The optimized integration '{resource.arn}' is not implemented by this emulator (an AWS SDK "
            "integration, arn:aws:states:::aws-sdk:<service>:<action>, calls the service's API)",
        )
    return StatesError(
        f"{prefix}.SdkClientException",
        f"Unable to execute HTTP request: the resource '{resource.arn}' is not reachable from this emulator",
    )


def _function_arn(name: str, region: str, account: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:lambda:{region}:{account}:function:{name}"
