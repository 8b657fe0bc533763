"""What the web console shows beyond the AWS API: where resources are, and who waits for an answer.

AWS has no operation listing the task tokens a workflow waits on (its console reads them from the
history); these functions give the emulator's console the same view from the same records the API
serves, so there is still one model. Everything else the console shows comes through the AWS API.
"""

from __future__ import annotations

from typing import Any

from emulator.model.history import HistoryEvent
from emulator.model.records import Execution, ExecutionStatus
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of

_CALLBACK_SUFFIX = ".waitForTaskToken"


def list_partitions(env: ServiceEnvironment) -> dict[str, Any]:
    """Each (account, region) holding resources, with counts; the configured one comes first even
    when it is still empty (it is where SDK calls without credentials land)."""
    settings = env.settings
    default = (settings.account_id, settings.region)
    rows: dict[tuple[str, str], dict[str, Any]] = {
        default: {"account": default[0], "region": default[1], "stateMachines": 0, "executions": 0}
    }
    for partition in env.store.partitions():
        machines, executions = len(partition.state_machines), len(partition.executions)
        key = (partition.account, partition.region)
        if key != default and not (machines or executions or len(partition.activities)):
            continue
        rows[key] = {
            "account": partition.account,
            "region": partition.region,
            "stateMachines": machines,
            "executions": executions,
        }
    return {"partitions": list(rows.values())}


def list_waiting_tasks(env: ServiceEnvironment, context: RequestContext) -> dict[str, Any]:
    """The task tokens still waiting for SendTaskSuccess/SendTaskFailure in the caller's partition,
    each with the execution and state that handed it out when the history shows it (a callback
    task's parameters carry the token), and each activity with the tasks no worker has taken yet."""
    partition = partition_of(env, context)
    pending = [
        task
        for task in env.task_tokens.pending()
        if (task.account, task.region) == (context.account, context.region)
    ]
    owners = _callback_owners({task.token for task in pending}, partition.executions.values())
    callbacks = []
    for task in pending:
        row: dict[str, Any] = {"taskToken": task.token, "heartbeats": task.heartbeats}
        owner = owners.get(task.token)
        if owner is not None:
            execution, state, event = owner
            row.update(
                executionArn=execution.arn,
                stateMachineArn=execution.state_machine_arn,
                stateName=state,
                resourceType=(event.details or {}).get("resourceType"),
                resource=(event.details or {}).get("resource"),
                scheduledAt=event.timestamp,
            )
        callbacks.append(row)
    activities = [
        {"activityArn": activity.arn, "name": activity.name, "queued": env.activities.queued(activity.arn)}
        for activity in partition.activities.values()
    ]
    return {"callbacks": callbacks, "activities": activities}


def _callback_owners(
    tokens: set[str], executions: list[Execution]
) -> dict[str, tuple[Execution, str | None, HistoryEvent]]:
    """token -> (execution, state name, its TaskScheduled event), from the running executions'
    ``.waitForTaskToken`` tasks whose parameters hold the token."""
    owners: dict[str, tuple[Execution, str | None, HistoryEvent]] = {}
    if not tokens:
        return owners
    for execution in executions:
        if execution.status != ExecutionStatus.RUNNING:
            continue
        events = execution.history.events
        for event in events:
            details = event.details
            if event.type != "TaskScheduled" or details is None:
                continue
            if not str(details.get("resource", "")).endswith(_CALLBACK_SUFFIX):
                continue
            parameters = str(details.get("parameters", ""))
            for token in tokens:
                if token in parameters:
                    owners[token] = (execution, _state_of(events, event), event)
    return owners


def _state_of(events: list[HistoryEvent], event: HistoryEvent) -> str | None:
    """The name of the state an event belongs to: follow ``previousEventId`` to its StateEntered."""
    seen = 0
    while seen < len(events):
        details = event.details
        if event.type.endswith("StateEntered") and details is not None:
            return str(details.get("name"))
        if not 0 < event.previous_event_id <= len(events):
            return None
        event = events[event.previous_event_id - 1]
        seen += 1
    return None
