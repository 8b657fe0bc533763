"""The operation table: ``X-Amz-Target`` operation name -> control-plane function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.errors import UnsupportedOperation
from emulator.service import executions, state_machines
from emulator.service.environment import RequestContext, ServiceEnvironment

Handler = Callable[
    [ServiceEnvironment, RequestContext, dict[str, Any]], dict[str, Any] | Awaitable[dict[str, Any]]
]


def _not_yet(operation: str) -> Handler:
    def handler(env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        raise UnsupportedOperation(f"The emulator does not implement {operation} yet.")

    return handler


OPERATIONS: dict[str, Handler] = {
    "CreateStateMachine": state_machines.create_state_machine,
    "DescribeStateMachine": state_machines.describe_state_machine,
    "DeleteStateMachine": state_machines.delete_state_machine,
    "ListStateMachines": state_machines.list_state_machines,
    "StartExecution": executions.start_execution,
    "StartSyncExecution": executions.start_sync_execution,
    "StopExecution": executions.stop_execution,
    "DescribeExecution": executions.describe_execution,
    "ListExecutions": executions.list_executions,
    "GetExecutionHistory": executions.get_execution_history,
    "DescribeStateMachineForExecution": executions.describe_state_machine_for_execution,
}

for _name in (
    "CreateActivity",
    "CreateStateMachineAlias",
    "DeleteActivity",
    "DeleteStateMachineAlias",
    "DeleteStateMachineVersion",
    "DescribeActivity",
    "DescribeMapRun",
    "DescribeStateMachineAlias",
    "GetActivityTask",
    "ListActivities",
    "ListMapRuns",
    "ListStateMachineAliases",
    "ListStateMachineVersions",
    "ListTagsForResource",
    "PublishStateMachineVersion",
    "RedriveExecution",
    "SendTaskFailure",
    "SendTaskHeartbeat",
    "SendTaskSuccess",
    "TagResource",
    "TestState",
    "UntagResource",
    "UpdateMapRun",
    "UpdateStateMachine",
    "UpdateStateMachineAlias",
    "ValidateStateMachineDefinition",
):
    OPERATIONS.setdefault(_name, _not_yet(_name))
