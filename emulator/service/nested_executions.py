"""The control plane as the ``ExecutionStarter`` of nested executions (``states:startExecution``)."""

from __future__ import annotations

import uuid
from typing import Any

from emulator.errors import ApiError
from emulator.integrations.stepfunctions import StartFailed
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.executions import describe_execution, get_execution, start_execution, stop_execution


class ControlPlaneStarter:
    def __init__(self, env: ServiceEnvironment) -> None:
        self.env = env

    async def start_execution(self, account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        context = RequestContext(account, region, str(uuid.uuid4()))
        _check_members(request)
        try:
            return start_execution(self.env, context, request)
        except ApiError as error:
            raise StartFailed(error.code, error.message, error.status) from None

    async def wait_for_execution(self, account: str, region: str, execution_arn: str) -> dict[str, Any]:
        context = RequestContext(account, region, str(uuid.uuid4()))
        execution = get_execution(self.env, context, execution_arn)
        await self.env.engine.wait(execution)
        return describe_execution(self.env, context, {"executionArn": execution_arn})

    async def stop_execution(self, account: str, region: str, execution_arn: str) -> None:
        context = RequestContext(account, region, str(uuid.uuid4()))
        stop_execution(self.env, context, {"executionArn": execution_arn})


def _check_members(request: dict[str, Any]) -> None:
    """What the wire validation checks for an API caller (a task's parameters never went through it)."""
    if request.get("stateMachineArn") is None:
        raise StartFailed(
            "ValidationException",
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: "
            "Member must not be null",
        )
    for member in ("stateMachineArn", "name", "input", "traceHeader"):
        value = request.get(member)
        if value is not None and not isinstance(value, str):
            raise StartFailed(
                "SerializationException", f"Unexpected value type for structure member '{member}'"
            )
