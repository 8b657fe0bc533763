"""StartExecution, StartSyncExecution, StopExecution, DescribeExecution, ListExecutions,
GetExecutionHistory, DescribeStateMachineForExecution."""

from __future__ import annotations

import math
import uuid
from typing import Any

from emulator.errors import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    InvalidExecutionInput,
    StateMachineDoesNotExist,
    StateMachineTypeNotSupported,
)
from emulator.model.arns import execution_arn
from emulator.model.jsontext import from_json_text
from emulator.model.records import Execution, ExecutionStatus, StateMachine, StateMachineType
from emulator.service.common import in_partition, paginate, parse_arn
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.service.state_machines import describe as describe_machine

_REDRIVE = {
    ExecutionStatus.FAILED: "REDRIVABLE",
    ExecutionStatus.TIMED_OUT: "REDRIVABLE",
    ExecutionStatus.ABORTED: "REDRIVABLE",
}


def _resolve_target(
    env: ServiceEnvironment, context: RequestContext, arn: str
) -> tuple[StateMachine, str, str | None, str | None]:
    """-> (record to run, unqualified state machine ARN, version ARN, alias ARN)."""
    parsed = parse_arn(arn, "stateMachine")
    partition = partition_of(env, context)
    parts = parsed.parts
    base_arn = arn if len(parts) == 1 else arn.rsplit(":", 1)[0]
    machine = partition.state_machines.get(base_arn) if in_partition(parsed, context) else None
    if machine is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    if len(parts) == 1:
        return machine, base_arn, None, None
    qualifier = parts[1]
    if qualifier.isdigit():
        version = partition.versions.get(arn)
        if version is None:
            raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
        return version, base_arn, arn, None
    alias = partition.aliases.get(arn)
    if alias is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    version_arn = alias.pick_version(env)
    version = partition.versions.get(version_arn)
    if version is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{version_arn}'")
    return version, base_arn, version_arn, arn


def _check_input(text: str) -> None:
    try:
        from_json_text(text)
    except ValueError as error:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{error}'")


def _new_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any], sync: bool
) -> Execution:
    from emulator.service.common import check_name

    record, base_arn, version_arn, alias_arn = _resolve_target(env, context, request["stateMachineArn"])
    express = record.type == StateMachineType.EXPRESS
    if sync and not express:
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    name = request.get("name") or str(uuid.uuid4())
    check_name(name)
    text = request.get("input")
    if text is None:
        text = "{}"
    _check_input(text)
    machine_name = base_arn.rsplit(":", 1)[1]
    if express:
        arn = (
            execution_arn(context.region, context.account, machine_name, name, express=True)
            + f":{uuid.uuid4()}"
        )
    else:
        arn = execution_arn(context.region, context.account, machine_name, name)
    return Execution(
        arn=arn,
        name=name,
        state_machine=record,
        state_machine_arn=base_arn,
        input=text,
        start_date=env.clock.now(),
        trace_header=request.get("traceHeader"),
        state_machine_version_arn=version_arn,
        state_machine_alias_arn=alias_arn,
        express=express,
    )


def start_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = _new_execution(env, context, request, sync=False)
    partition = partition_of(env, context)
    if not execution.express:
        existing = partition.executions.get(execution.arn)
        if existing is not None:
            if existing.status == ExecutionStatus.RUNNING and existing.input == execution.input:
                return {"executionArn": existing.arn, "startDate": existing.start_date}
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{execution.arn}'")
        partition.executions.put(execution.arn, execution)
    env.engine.start(execution)
    return {"executionArn": execution.arn, "startDate": execution.start_date}


async def start_sync_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = _new_execution(env, context, request, sync=True)
    env.engine.start(execution)
    await env.engine.wait(execution)
    out = _execution_fields(execution)
    stop = execution.stop_date or execution.start_date
    duration_ms = max(100, math.ceil((stop - execution.start_date) * 1000 / 100) * 100)
    out["billingDetails"] = {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": duration_ms}
    out.pop("redriveCount", None)
    return out


def _execution_fields(execution: Execution) -> dict[str, Any]:
    out: dict[str, Any] = {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": execution.status.value,
        "startDate": execution.start_date,
        "input": execution.input,
        "inputDetails": {"included": True},
    }
    if execution.stop_date is not None:
        out["stopDate"] = execution.stop_date
    if execution.output is not None:
        out["output"] = execution.output
        out["outputDetails"] = {"included": True}
    if execution.error is not None:
        out["error"] = execution.error
    if execution.cause is not None:
        out["cause"] = execution.cause
    if execution.trace_header is not None:
        out["traceHeader"] = execution.trace_header
    if execution.state_machine_version_arn is not None:
        out["stateMachineVersionArn"] = execution.state_machine_version_arn
    if execution.state_machine_alias_arn is not None:
        out["stateMachineAliasArn"] = execution.state_machine_alias_arn
    return out


def get_execution(env: ServiceEnvironment, context: RequestContext, arn: str) -> Execution:
    parsed = parse_arn(arn, "execution", "express")
    found = partition_of(env, context).executions.get(arn) if in_partition(parsed, context) else None
    if found is None:
        raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    return found


def describe_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    out = _execution_fields(execution)
    out["redriveCount"] = execution.redrive_count
    status = _REDRIVE.get(execution.status)
    if status is None:
        out["redriveStatus"] = "NOT_REDRIVABLE"
        out["redriveStatusReason"] = f"Execution is {execution.status.value} and cannot be redriven"
    else:
        out["redriveStatus"] = status
    return out


def stop_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    if execution.status == ExecutionStatus.RUNNING:
        env.engine.stop(execution, request.get("error"), request.get("cause"))
    return {"stopDate": execution.stop_date if execution.stop_date is not None else env.clock.now()}


def list_executions(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = request.get("stateMachineArn")
    if arn is None:
        from emulator.errors import ValidationException

        raise ValidationException("Must provide a StateMachine ARN or MapRun ARN")
    record, base_arn, version_arn, _alias = _resolve_target(env, context, arn)
    if record.type == StateMachineType.EXPRESS:
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    status_filter = request.get("statusFilter")
    executions = [
        e
        for e in reversed(partition_of(env, context).executions.values())
        if e.state_machine_arn == base_arn
        and (version_arn is None or e.state_machine_version_arn == version_arn)
        and (status_filter is None or e.status.value == status_filter)
    ]
    page, token = paginate(executions, request, scope=f"ListExecutions:{arn}:{status_filter}")
    items = []
    for e in page:
        item: dict[str, Any] = {
            "executionArn": e.arn,
            "stateMachineArn": e.state_machine_arn,
            "name": e.name,
            "status": e.status.value,
            "startDate": e.start_date,
            "redriveCount": e.redrive_count,
        }
        if e.stop_date is not None:
            item["stopDate"] = e.stop_date
        if e.state_machine_version_arn is not None:
            item["stateMachineVersionArn"] = e.state_machine_version_arn
        if e.state_machine_alias_arn is not None:
            item["stateMachineAliasArn"] = e.state_machine_alias_arn
        items.append(item)
    out: dict[str, Any] = {"executions": items}
    if token:
        out["nextToken"] = token
    return out


def get_execution_history(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    events = execution.history.events
    ordered = list(reversed(events)) if request.get("reverseOrder") else events
    page, token = paginate(
        ordered, request, scope=f"History:{execution.arn}:{bool(request.get('reverseOrder'))}"
    )
    include = request.get("includeExecutionData", True)
    out: dict[str, Any] = {"events": [event.to_wire(include) for event in page]}
    if token:
        out["nextToken"] = token
    return out


def describe_state_machine_for_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    record = execution.state_machine
    full = describe_machine(record)
    out: dict[str, Any] = {
        "stateMachineArn": execution.state_machine_arn,
        "name": full["name"],
        "definition": full["definition"],
        "roleArn": full["roleArn"],
        "updateDate": record.update_date if record.update_date is not None else record.creation_date,
        "loggingConfiguration": full["loggingConfiguration"],
        "tracingConfiguration": full["tracingConfiguration"],
        "encryptionConfiguration": full["encryptionConfiguration"],
    }
    if record.label is not None:
        out["label"] = record.label
    if record.version is not None:
        out["revisionId"] = record.revision_id
    return out
