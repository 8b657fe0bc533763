"""StartExecution, StartSyncExecution, StopExecution, DescribeExecution, ListExecutions,
GetExecutionHistory, DescribeStateMachineForExecution."""

from __future__ import annotations

import math
import uuid
from typing import Any

from emulator.errors import (
    MISSING_REQUIRED_PARAMETER,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    InvalidArn,
    InvalidExecutionInput,
    StateMachineTypeNotSupported,
    ValidationException,
)
from emulator.language.validate.json_text import jackson_problem
from emulator.model.arns import execution_arn
from emulator.model.history import MAX_HISTORY_EVENTS
from emulator.model.jsontext import from_json_text
from emulator.model.records import (
    Execution,
    ExecutionStatus,
    StateMachine,
    StateMachineStatus,
    StateMachineType,
)
from emulator.runtime.map_run_io import map_run_child_redrive_status
from emulator.service.aliases import pick_version
from emulator.service.common import (
    check_name,
    check_not_map_state_arn,
    in_partition,
    paginate,
    parse_arn,
    put_if,
)
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.service.state_machines import deleting, does_not_exist, get_state_machine
from emulator.service.state_machines import describe as describe_machine

REDRIVABLE_STATUSES = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED})
# An ended execution can be redriven for 14 days.
REDRIVABLE_PERIOD_SECONDS = 14 * 24 * 60 * 60


def _resolve_target(
    env: ServiceEnvironment, context: RequestContext, arn: str, pick: bool = True
) -> tuple[StateMachine, str, str | None, str | None]:
    """-> (record to run, unqualified state machine ARN, version ARN, alias ARN).

    ``arn`` is a state machine, version or alias ARN; an alias picks one of its versions by weight
    (drawn from the environment's random generator) unless ``pick`` is false.
    """
    parsed = parse_arn(arn, "stateMachine")
    check_not_map_state_arn(parsed, arn)
    parts = parsed.parts
    base_arn = arn if len(parts) == 1 else arn.rsplit(":", 1)[0]
    machine = get_state_machine(env, context, base_arn) if len(parts) <= 2 else None
    if machine is None:
        raise does_not_exist(arn)
    partition = partition_of(env, context)
    if len(parts) == 1:
        return machine, base_arn, None, None
    qualifier = parts[1]
    if qualifier.isdigit():
        version = partition.versions.get(arn)
        if version is None:
            raise does_not_exist(arn)
        return version, base_arn, arn, None
    alias = partition.aliases.get(arn)
    if alias is None:
        raise does_not_exist(arn)
    if not pick:
        return machine, base_arn, None, arn
    version_arn = pick_version(alias, env.rng)
    version = partition.versions.get(version_arn)
    if version is None:
        raise does_not_exist(version_arn)
    return version, base_arn, version_arn, arn


def _check_input(text: str) -> None:
    """The input must be one JSON value; AWS reads it with Jackson and quotes Jackson's reason."""
    try:
        from_json_text(text)
    except ValueError:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{jackson_problem(text)}'")


def _new_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any], sync: bool
) -> Execution:
    record, base_arn, version_arn, alias_arn = _resolve_target(env, context, request["stateMachineArn"])
    machine = partition_of(env, context).state_machines.get(base_arn)
    if machine is not None and machine.status == StateMachineStatus.DELETING:
        raise deleting(base_arn)
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
    execution = Execution(
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
    if env.execution_logs is not None and record.logging_configuration.get("level", "OFF") != "OFF":
        env.execution_logs.attach(execution, execution.start_date)
    return execution


def _mock_test_case(env: ServiceEnvironment, request: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``<state machine ARN>#<test case>`` (Step Functions Local's mocked runs): the request for the
    plain ARN, and the test case, which must exist in the mock configuration."""
    arn = request.get("stateMachineArn") or ""
    if "#" not in arn:
        return request, None
    plain, _, test_case = arn.partition("#")
    mocks = getattr(env.engine.integrations, "mocks", None)
    machine = plain.split(":")[6] if plain.count(":") >= 6 else plain
    if mocks is None or not mocks.has_test_case(machine, test_case):
        raise ValidationException(
            f"Test case '{test_case}' of state machine '{machine}' is not defined in the mock configuration"
        )
    return dict(request, stateMachineArn=plain), test_case


def _bind_test_case(env: ServiceEnvironment, execution: Execution, test_case: str | None) -> None:
    if test_case is not None:
        machine = execution.state_machine_arn.rsplit(":", 1)[1]
        env.engine.integrations.mocks.bind(execution.arn, machine, test_case)


def start_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = begin_execution(env, context, request)
    return {"executionArn": execution.arn, "startDate": execution.start_date}


def begin_execution(env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]) -> Execution:
    """StartExecution: the execution started (or, for an idempotent repeat, the running one). An
    EXPRESS execution is not kept: only the caller's reference can follow it."""
    request, test_case = _mock_test_case(env, request)
    execution = _new_execution(env, context, request, sync=False)
    partition = partition_of(env, context)
    if not execution.express:
        existing = partition.executions.get(execution.arn)
        if existing is not None:
            if existing.status == ExecutionStatus.RUNNING and existing.input == execution.input:
                return existing
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{execution.arn}'")
        partition.executions.put(execution.arn, execution)
        if env.retention is not None:
            env.retention.execution_started(partition)
    _bind_test_case(env, execution, test_case)
    env.engine.start(execution)
    return execution


def ended_express_execution(execution: Execution) -> dict[str, Any]:
    """What a ``.sync`` parent reads of an EXPRESS child it started: the execution's members, without
    the redrive members (an EXPRESS execution cannot be redriven)."""
    return _execution_fields(execution, {})


async def start_sync_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Run an EXPRESS execution to its end; it is not kept afterwards (DescribeExecution cannot see it)."""
    request, test_case = _mock_test_case(env, request)
    execution = _new_execution(env, context, request, sync=True)
    _bind_test_case(env, execution, test_case)
    env.engine.start(execution)
    await env.engine.wait(execution)
    if test_case is not None:
        env.engine.integrations.mocks.release(execution.arn)
    out = _execution_fields(execution, request)
    # Unlike DescribeExecution, the sync response reports outputDetails for a failed run too.
    out.setdefault("outputDetails", {"included": request.get("includedData") != "METADATA_ONLY"})
    stop = execution.stop_date or execution.start_date
    duration_ms = max(100, math.ceil((stop - execution.start_date) * 1000 / 100) * 100)
    out["billingDetails"] = {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": duration_ms}
    return out


def _execution_fields(execution: Execution, request: dict[str, Any]) -> dict[str, Any]:
    with_data = request.get("includedData") != "METADATA_ONLY"
    out: dict[str, Any] = {
        "executionArn": execution.arn,
        "stateMachineArn": execution.state_machine_arn,
        "name": execution.name,
        "status": execution.status.value,
        "startDate": execution.start_date,
    }
    if with_data:
        out["input"] = execution.input
    out["inputDetails"] = {"included": with_data}
    put_if(out, "stopDate", execution.stop_date)
    if execution.output is not None:
        if with_data:
            out["output"] = execution.output
        out["outputDetails"] = {"included": with_data}
    put_if(out, "error", execution.error)
    put_if(out, "cause", execution.cause)
    put_if(out, "traceHeader", execution.trace_header)
    put_if(out, "mapRunArn", execution.map_run_arn)
    put_if(out, "stateMachineVersionArn", execution.state_machine_version_arn)
    put_if(out, "stateMachineAliasArn", execution.state_machine_alias_arn)
    return out


def get_execution(
    env: ServiceEnvironment, context: RequestContext, arn: str, map_run_express: bool = False
) -> Execution:
    """A STANDARD execution (or a Distributed Map child); EXPRESS executions are not kept (AWS
    answers an express ARN with InvalidArn: their history is in CloudWatch Logs only).

    ``map_run_express``: the operation also answers for an EXPRESS child of a Map Run (only
    DescribeExecution: "Executions of an EXPRESS state machine aren't supported by DescribeExecution
    unless a Map Run dispatched them"; GetExecutionHistory, StopExecution and RedriveExecution are
    "not supported by EXPRESS state machines" without that exception)."""
    parsed = parse_arn(arn, "execution", "express")
    found = partition_of(env, context).executions.get(arn) if in_partition(parsed, context) else None
    if parsed.resource_type == "express":
        if map_run_express and found is not None and found.map_run_arn is not None:
            return found
        # Not one a Map Run dispatched (or an operation without that exception): what AWS answers.
        raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: express'")
    if found is None:
        raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    return found


def not_redrivable_reason(
    execution: Execution, now: float | None = None, machine: StateMachine | None = None
) -> str | None:
    """None when RedriveExecution may run the execution again, else AWS's reason (the texts of
    DescribeExecution's redriveStatusReason). ``now``: the time (the 14-day redrivable period);
    ``machine``: the state machine record (a deleting one cannot redrive)."""
    if machine is not None and machine.status == StateMachineStatus.DELETING:
        return "State machine is in DELETING status."
    if execution.status not in REDRIVABLE_STATUSES or execution.express:
        return f"Execution is {execution.status.value} and cannot be redriven"
    if len(execution.history.events) >= MAX_HISTORY_EVENTS:
        return "Execution history event limit exceeded."
    stop = execution.stop_date
    if now is not None and stop is not None and now - stop > REDRIVABLE_PERIOD_SECONDS:
        return "Execution redrivable period exceeded."
    return None


def describe_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"], map_run_express=True)
    out = _execution_fields(execution, request)
    out["redriveCount"] = execution.redrive_count
    put_if(out, "redriveDate", execution.redrive_date)
    machine = partition_of(env, context).state_machines.get(execution.state_machine_arn)
    reason = not_redrivable_reason(execution, env.clock.now(), machine)
    if execution.map_run_arn is not None:
        # A Map Run's child: "redriveStatus indicates whether or not the Map Run can redrive" it.
        status, reason = map_run_child_redrive_status(execution)
        out["redriveStatus"] = status
        put_if(out, "redriveStatusReason", reason)
    elif reason is None:
        out["redriveStatus"] = "REDRIVABLE"
    else:
        out["redriveStatus"] = "NOT_REDRIVABLE"
        out["redriveStatusReason"] = reason
    return out


def stop_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    if execution.status == ExecutionStatus.RUNNING:
        env.engine.stop(execution, request.get("error"), request.get("cause"))
    return {"stopDate": execution.stop_date if execution.stop_date is not None else env.clock.now()}


def _list_item(e: Execution) -> dict[str, Any]:
    item: dict[str, Any] = {
        "executionArn": e.arn,
        "stateMachineArn": e.state_machine_arn,
        "name": e.name,
        "status": e.status.value,
        "startDate": e.start_date,
    }
    put_if(item, "stopDate", e.stop_date)
    put_if(item, "mapRunArn", e.map_run_arn)
    # "returned only if mapRunArn was specified in the ListExecutions API action"
    # (API_ExecutionListItem): only a Map Run's children have a count.
    put_if(item, "itemCount", e.item_count)
    put_if(item, "stateMachineVersionArn", e.state_machine_version_arn)
    put_if(item, "stateMachineAliasArn", e.state_machine_alias_arn)
    item["redriveCount"] = e.redrive_count
    put_if(item, "redriveDate", e.redrive_date)
    return item


def _listing_time(e: Execution) -> float:
    # "Results are sorted by time, with the most recent execution first. Running executions are
    # sorted by their startDate or redriveDate, and other executions are sorted by their stopDate."
    # (API_ListExecutions)
    if e.status == ExecutionStatus.RUNNING or e.stop_date is None:
        return e.redrive_date if e.redrive_date is not None else e.start_date
    return e.stop_date


def list_executions(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Newest first; for a state machine (optionally one version or alias) or a Map Run."""
    arn = request.get("stateMachineArn")
    map_run_arn = request.get("mapRunArn")
    if arn is None and map_run_arn is None:
        raise ValidationException(
            "Must provide a StateMachine ARN or MapRun ARN", reason=MISSING_REQUIRED_PARAMETER
        )
    if arn is not None and map_run_arn is not None:
        # "You can specify either a mapRunArn or a stateMachineArn, but not both" (API_ListExecutions)
        raise ValidationException("Must provide a StateMachine ARN or MapRun ARN")
    partition = partition_of(env, context)
    if arn is not None:
        record, base_arn, version_arn, alias_arn = _resolve_target(env, context, arn, pick=False)
        if record.type == StateMachineType.EXPRESS:
            raise StateMachineTypeNotSupported(
                "This operation is not supported by this type of state machine"
            )
        machine = get_state_machine(env, context, base_arn)

        def selected(e: Execution) -> bool:
            return (
                e.state_machine_arn == base_arn
                and e.map_run_arn is None
                and e.start_date >= machine.creation_date
                and (version_arn is None or e.state_machine_version_arn == version_arn)
                and (alias_arn is None or e.state_machine_alias_arn == alias_arn)
            )
    else:
        from emulator.service.map_runs import get_map_run

        map_run = get_map_run(env, context, str(map_run_arn))

        def selected(e: Execution) -> bool:
            return e.map_run_arn == map_run.arn

    status_filter = request.get("statusFilter")
    redrive_filter = request.get("redriveFilter")
    if arn is not None and status_filter == ExecutionStatus.PENDING_REDRIVE.value:
        # "If you provide a stateMachineArn and a PENDING_REDRIVE statusFilter, the API returns a
        # validation exception." (API_ListExecutions, statusFilter)
        raise ValidationException("PENDING_REDRIVE statusFilter is only supported with a mapRunArn")
    executions = sorted(
        (
            e
            for e in reversed(partition.executions.values())
            if selected(e)
            and (status_filter is None or e.status.value == status_filter)
            and (redrive_filter is None or (e.redrive_count > 0) == (redrive_filter == "REDRIVEN"))
        ),
        key=_listing_time,
        reverse=True,
    )
    scope = f"ListExecutions:{arn or map_run_arn}:{status_filter}:{redrive_filter}"
    page, token = paginate(executions, request, scope=scope, now=env.clock.now())
    out: dict[str, Any] = {"executions": [_list_item(e) for e in page]}
    put_if(out, "nextToken", token)
    return out


def get_execution_history(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    events = execution.history.events
    reverse = bool(request.get("reverseOrder"))
    ordered = events[::-1] if reverse else events
    page, token = paginate(ordered, request, scope=f"History:{execution.arn}:{reverse}", now=env.clock.now())
    include = request.get("includeExecutionData", True)
    out: dict[str, Any] = {"events": [event.to_wire(include) for event in page]}
    put_if(out, "nextToken", token)
    return out


def describe_state_machine_for_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any], map_run_express: bool = False
) -> dict[str, Any]:
    """``map_run_express``: answer for an EXPRESS child of a Map Run too (the console's view of
    one; the API refuses it, as AWS does)."""
    execution = get_execution(env, context, request["executionArn"], map_run_express=map_run_express)
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
    put_if(out, "mapRunArn", execution.map_run_arn)
    put_if(out, "label", record.label)
    put_if(out, "revisionId", record.revision_id)
    put_if(out, "variableReferences", full.get("variableReferences"))
    if request.get("includedData") == "METADATA_ONLY":
        out.pop("definition")
    return out
