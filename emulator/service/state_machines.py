"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine, ListStateMachines."""

from __future__ import annotations

from typing import Any

from emulator.errors import StateMachineAlreadyExists, StateMachineDoesNotExist
from emulator.model.arns import state_machine_arn
from emulator.model.records import StateMachine, StateMachineType
from emulator.service.common import check_name, in_partition, new_id, paginate, parse_arn
from emulator.service.definitions import compile_or_reject
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of

DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING = {"enabled": False}


def get_state_machine(env: ServiceEnvironment, context: RequestContext, arn: str) -> StateMachine:
    parsed = parse_arn(arn, "stateMachine")
    found = partition_of(env, context).state_machines.get(arn) if in_partition(parsed, context) else None
    if found is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return found


def create_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    name = request["name"]
    check_name(name)
    sm_type = StateMachineType(request.get("type") or "STANDARD")
    definition = request["definition"]
    arn = state_machine_arn(context.region, context.account, name)
    partition = partition_of(env, context)
    existing = partition.state_machines.get(arn)
    logging_configuration = request.get("loggingConfiguration") or DEFAULT_LOGGING
    tracing_configuration = request.get("tracingConfiguration") or DEFAULT_TRACING
    if existing is not None:
        same = (
            existing.definition == definition
            and existing.role_arn == request["roleArn"]
            and existing.type == sm_type
        )
        if not same:
            raise StateMachineAlreadyExists(f"State Machine Already Exists: '{arn}'")
        return {"stateMachineArn": arn, "creationDate": existing.creation_date}
    compiled = compile_or_reject(definition, sm_type.value)
    record = StateMachine(
        arn=arn,
        name=name,
        definition=definition,
        role_arn=request["roleArn"],
        type=sm_type,
        creation_date=env.clock.now(),
        compiled=compiled,
        revision_id=new_id(),
        logging_configuration=dict(logging_configuration),
        tracing_configuration=dict(tracing_configuration),
    )
    partition.state_machines.put(arn, record)
    tags = request.get("tags")
    if tags:
        partition.tags[arn] = {tag["key"]: tag.get("value", "") for tag in tags}
    return {"stateMachineArn": arn, "creationDate": record.creation_date}


def describe(record: StateMachine) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stateMachineArn": record.arn,
        "name": record.name,
        "status": record.status.value,
        "definition": record.definition,
        "roleArn": record.role_arn,
        "type": record.type.value,
        "creationDate": record.creation_date,
        "loggingConfiguration": record.logging_configuration,
        "tracingConfiguration": record.tracing_configuration,
        "encryptionConfiguration": record.encryption_configuration or {"type": "AWS_OWNED_KEY"},
    }
    if record.label is not None:
        out["label"] = record.label
    if record.description is not None:
        out["description"] = record.description
    return out


def describe_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    return describe(get_state_machine(env, context, request["stateMachineArn"]))


def delete_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = request["stateMachineArn"]
    parsed = parse_arn(arn, "stateMachine")
    if in_partition(parsed, context):
        partition = partition_of(env, context)
        partition.state_machines.delete(arn)
        partition.tags.pop(arn, None)
    return {}


def list_state_machines(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    machines = sorted(partition_of(env, context).state_machines.values(), key=lambda m: m.name)
    page, token = paginate(machines, request, scope="ListStateMachines")
    out: dict[str, Any] = {
        "stateMachines": [
            {"stateMachineArn": m.arn, "name": m.name, "type": m.type.value, "creationDate": m.creation_date}
            for m in page
        ]
    }
    if token:
        out["nextToken"] = token
    return out
