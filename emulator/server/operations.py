"""The operation table: ``X-Amz-Target`` operation name -> control-plane function.

A service module is imported when one of its operations is first called (``handler``), so the
server answers its first request without importing the whole control plane, the language layer
and the interpreter first; app.py imports the rest in the background once the server listens.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any, Final

from emulator.service.environment import RequestContext, ServiceEnvironment

Handler = Callable[
    [ServiceEnvironment, RequestContext, dict[str, Any]], dict[str, Any] | Awaitable[dict[str, Any]]
]

_SERVICE: Final = "emulator.service."

# operation -> (module under emulator.service, function)
OPERATIONS: Final[dict[str, tuple[str, str]]] = {
    # state machines
    "CreateStateMachine": ("state_machines", "create_state_machine"),
    "DescribeStateMachine": ("state_machines", "describe_state_machine"),
    "UpdateStateMachine": ("state_machines", "update_state_machine"),
    "DeleteStateMachine": ("state_machines", "delete_state_machine"),
    "ListStateMachines": ("state_machines", "list_state_machines"),
    "ValidateStateMachineDefinition": ("definitions", "validate_state_machine_definition"),
    # versions and aliases
    "PublishStateMachineVersion": ("versions", "publish_state_machine_version"),
    "ListStateMachineVersions": ("versions", "list_state_machine_versions"),
    "DeleteStateMachineVersion": ("versions", "delete_state_machine_version"),
    "CreateStateMachineAlias": ("aliases", "create_state_machine_alias"),
    "DescribeStateMachineAlias": ("aliases", "describe_state_machine_alias"),
    "UpdateStateMachineAlias": ("aliases", "update_state_machine_alias"),
    "DeleteStateMachineAlias": ("aliases", "delete_state_machine_alias"),
    "ListStateMachineAliases": ("aliases", "list_state_machine_aliases"),
    # executions
    "StartExecution": ("executions", "start_execution"),
    "StartSyncExecution": ("executions", "start_sync_execution"),
    "StopExecution": ("executions", "stop_execution"),
    "DescribeExecution": ("executions", "describe_execution"),
    "ListExecutions": ("executions", "list_executions"),
    "GetExecutionHistory": ("executions", "get_execution_history"),
    "DescribeStateMachineForExecution": ("executions", "describe_state_machine_for_execution"),
    "RedriveExecution": ("redrive", "redrive_execution"),
    "TestState": ("test_state", "test_state"),
    # map runs
    "DescribeMapRun": ("map_runs", "describe_map_run"),
    "ListMapRuns": ("map_runs", "list_map_runs"),
    "UpdateMapRun": ("map_runs", "update_map_run"),
    # activities and task tokens
    "CreateActivity": ("activities", "create_activity"),
    "DescribeActivity": ("activities", "describe_activity"),
    "DeleteActivity": ("activities", "delete_activity"),
    "ListActivities": ("activities", "list_activities"),
    "GetActivityTask": ("activities", "get_activity_task"),
    "SendTaskSuccess": ("task_tokens", "send_task_success"),
    "SendTaskFailure": ("task_tokens", "send_task_failure"),
    "SendTaskHeartbeat": ("task_tokens", "send_task_heartbeat"),
    # tags
    "TagResource": ("tags", "tag_resource"),
    "UntagResource": ("tags", "untag_resource"),
    "ListTagsForResource": ("tags", "list_tags_for_resource"),
}

SERVICE_MODULES: Final = tuple(sorted({_SERVICE + module for module, _ in OPERATIONS.values()}))
"""Every module the table names (app.py imports them in the background)."""

_handlers: dict[str, Handler] = {}


def handler(operation: str) -> Handler | None:
    """The function serving ``operation`` (its module imported on first use); None when unknown."""
    found = _handlers.get(operation)
    if found is None:
        entry = OPERATIONS.get(operation)
        if entry is None:
            return None
        module, name = entry
        found = _handlers[operation] = getattr(importlib.import_module(_SERVICE + module), name)
    return found
