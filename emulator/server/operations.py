"""The operation table: ``X-Amz-Target`` operation name -> control-plane function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.service import (
    activities,
    aliases,
    definitions,
    executions,
    map_runs,
    redrive,
    state_machines,
    tags,
    task_tokens,
    test_state,
    versions,
)
from emulator.service.environment import RequestContext, ServiceEnvironment

Handler = Callable[
    [ServiceEnvironment, RequestContext, dict[str, Any]], dict[str, Any] | Awaitable[dict[str, Any]]
]

OPERATIONS: dict[str, Handler] = {
    # state machines
    "CreateStateMachine": state_machines.create_state_machine,
    "DescribeStateMachine": state_machines.describe_state_machine,
    "UpdateStateMachine": state_machines.update_state_machine,
    "DeleteStateMachine": state_machines.delete_state_machine,
    "ListStateMachines": state_machines.list_state_machines,
    "ValidateStateMachineDefinition": definitions.validate_state_machine_definition,
    # versions and aliases
    "PublishStateMachineVersion": versions.publish_state_machine_version,
    "ListStateMachineVersions": versions.list_state_machine_versions,
    "DeleteStateMachineVersion": versions.delete_state_machine_version,
    "CreateStateMachineAlias": aliases.create_state_machine_alias,
    "DescribeStateMachineAlias": aliases.describe_state_machine_alias,
    "UpdateStateMachineAlias": aliases.update_state_machine_alias,
    "DeleteStateMachineAlias": aliases.delete_state_machine_alias,
    "ListStateMachineAliases": aliases.list_state_machine_aliases,
    # executions
    "StartExecution": executions.start_execution,
    "StartSyncExecution": executions.start_sync_execution,
    "StopExecution": executions.stop_execution,
    "DescribeExecution": executions.describe_execution,
    "ListExecutions": executions.list_executions,
    "GetExecutionHistory": executions.get_execution_history,
    "DescribeStateMachineForExecution": executions.describe_state_machine_for_execution,
    "RedriveExecution": redrive.redrive_execution,
    "TestState": test_state.test_state,
    # map runs
    "DescribeMapRun": map_runs.describe_map_run,
    "ListMapRuns": map_runs.list_map_runs,
    "UpdateMapRun": map_runs.update_map_run,
    # activities and task tokens
    "CreateActivity": activities.create_activity,
    "DescribeActivity": activities.describe_activity,
    "DeleteActivity": activities.delete_activity,
    "ListActivities": activities.list_activities,
    "GetActivityTask": activities.get_activity_task,
    "SendTaskSuccess": task_tokens.send_task_success,
    "SendTaskFailure": task_tokens.send_task_failure,
    "SendTaskHeartbeat": task_tokens.send_task_heartbeat,
    # tags
    "TagResource": tags.tag_resource,
    "UntagResource": tags.untag_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
}
