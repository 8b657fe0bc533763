"""The control plane as the ``ExecutionStarter`` of nested executions (``states:startExecution``)."""

from __future__ import annotations

import uuid
from typing import Any

from emulator.errors import ApiError
from emulator.integrations.stepfunctions import StartFailed
from emulator.model.records import Execution, ExecutionStatus
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.executions import (
    begin_execution,
    describe_execution,
    ended_express_execution,
    get_execution,
    stop_execution,
)

# How long an ended EXPRESS child stays followable by the task that started it.
EXPRESS_CHILD_KEPT_SECONDS = 60.0


class ControlPlaneStarter:
    def __init__(self, env: ServiceEnvironment) -> None:
        self.env = env
        # EXPRESS children a task started, until its ``.sync`` wait (or stop) is over: AWS keeps no
        # record of them that DescribeExecution could read (it answers their ARNs with InvalidArn).
        self._express: dict[str, Execution] = {}

    async def start_execution(self, account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        context = RequestContext(account, region, str(uuid.uuid4()))
        _check_members(request)
        try:
            execution = begin_execution(self.env, context, request)
        except ApiError as error:
            raise StartFailed(error.code, error.message, error.status) from None
        if execution.express:
            self._forget_ended_express()
            self._express[execution.arn] = execution
        return {"executionArn": execution.arn, "startDate": execution.start_date}

    def _forget_ended_express(self) -> None:
        """A request-response task never waits for its child: an ended one is kept only for a while."""
        horizon = self.env.clock.now() - EXPRESS_CHILD_KEPT_SECONDS
        for arn in [
            arn
            for arn, child in self._express.items()
            if child.stop_date is not None and child.stop_date < horizon
        ]:
            del self._express[arn]

    async def wait_for_execution(self, account: str, region: str, execution_arn: str) -> dict[str, Any]:
        express = self._express.get(execution_arn)
        if express is not None:
            try:
                await self.env.engine.wait(express)
            finally:
                self._express.pop(execution_arn, None)
            return ended_express_execution(express)
        context = RequestContext(account, region, str(uuid.uuid4()))
        execution = get_execution(self.env, context, execution_arn)
        await self.env.engine.wait(execution)
        return describe_execution(self.env, context, {"executionArn": execution_arn})

    async def stop_execution(self, account: str, region: str, execution_arn: str) -> None:
        express = self._express.pop(execution_arn, None)
        if express is not None:
            if express.status == ExecutionStatus.RUNNING:
                self.env.engine.stop(express, None, None)
            return
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
