"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine, ListStateMachines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from emulator.errors import (
    ApiError,
    InvalidLoggingConfiguration,
    MissingRequiredParameter,
    StateMachineAlreadyExists,
    StateMachineDeleting,
    StateMachineDoesNotExist,
    ValidationException,
)
from emulator.model.arns import state_machine_arn
from emulator.model.records import (
    Execution,
    ExecutionStatus,
    StateMachine,
    StateMachineStatus,
    StateMachineType,
)
from emulator.runtime.execution_logs import LogGroup, parse_log_group_arn
from emulator.service import tags, versions
from emulator.service.common import (
    check_name,
    check_not_map_state_arn,
    in_partition,
    new_id,
    paginate,
    parse_arn,
    put_if,
)
from emulator.service.definitions import compile_or_reject
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.service.request_rules import DEFAULT_ENCRYPTION, check_encryption_configuration, check_role_arn
from emulator.store.partition import Partition

DEFAULT_LOGGING: dict[str, Any] = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING: dict[str, Any] = {"enabled": False}

VERSION_DESCRIPTION_WITHOUT_PUBLISH = "Version description can only be set when publish is true"
NOTHING_TO_UPDATE = "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified"


def does_not_exist(arn: str) -> ApiError:
    return StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")


def deleting(arn: str) -> ApiError:
    return StateMachineDeleting(f"State Machine is being deleted: '{arn}'")


def _running_executions(partition: Partition, machine: StateMachine) -> list[Execution]:
    return [
        e
        for e in partition.executions.values()
        if e.state_machine_arn == machine.arn
        and e.status == ExecutionStatus.RUNNING
        and e.start_date >= machine.creation_date
    ]


def _has_running_executions(partition: Partition, machine: StateMachine) -> bool:
    return bool(_running_executions(partition, machine))


def _remove(partition: Partition, machine: StateMachine) -> None:
    """Delete the machine with its versions, aliases and tags (its executions stay describable)."""
    partition.state_machines.delete(machine.arn)
    partition.tags.pop(machine.arn, None)
    for version in [v for v in partition.versions.values() if v.state_machine_arn == machine.arn]:
        partition.versions.delete(version.arn)
    for alias in [a for a in partition.aliases.values() if a.state_machine_arn == machine.arn]:
        partition.aliases.delete(alias.arn)


def find_state_machine(partition: Partition, arn: str) -> StateMachine | None:
    """The machine stored under ``arn``; a DELETING one disappears once its last execution ends."""
    machine = partition.state_machines.get(arn)
    if (
        machine is not None
        and machine.status == StateMachineStatus.DELETING
        and not _has_running_executions(partition, machine)
    ):
        _remove(partition, machine)
        return None
    return machine


def get_state_machine(env: ServiceEnvironment, context: RequestContext, arn: str) -> StateMachine:
    """The unqualified state machine ``arn`` (ACTIVE or DELETING) or ``StateMachineDoesNotExist``."""
    parsed = parse_arn(arn, "stateMachine")
    check_not_map_state_arn(parsed, arn)
    found = find_state_machine(partition_of(env, context), arn) if in_partition(parsed, context) else None
    if found is None:
        raise does_not_exist(arn)
    return found


def get_active_state_machine(env: ServiceEnvironment, context: RequestContext, arn: str) -> StateMachine:
    machine = get_state_machine(env, context, arn)
    if machine.status == StateMachineStatus.DELETING:
        raise deleting(arn)
    return machine


def check_logging_configuration(configuration: dict[str, Any] | None) -> dict[str, Any]:
    """Apply AWS's rules (a level other than OFF needs exactly one log group) and fill defaults."""
    if configuration is None:
        return dict(DEFAULT_LOGGING)
    level = configuration.get("level") or "OFF"
    destinations = configuration.get("destinations") or []
    if len(destinations) > 1 or (level != "OFF" and len(destinations) != 1):
        raise InvalidLoggingConfiguration(
            "Invalid Logging Configuration: Must specify exactly one Log Destination."
        )
    for destination in destinations:
        group = (destination.get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
        if not isinstance(group, str) or ":log-group:" not in group or not group.startswith("arn:"):
            raise InvalidLoggingConfiguration(LOG_DESTINATION_NOT_FOUND)
        if not group.endswith(":*"):
            # API_CloudWatchLogsLogGroup: "The ARN must end with :*".
            raise InvalidLoggingConfiguration(LOG_GROUP_WITHOUT_QUALIFIER)
    out: dict[str, Any] = {
        "level": level,
        "includeExecutionData": bool(configuration.get("includeExecutionData")),
    }
    if destinations:
        out["destinations"] = [dict(d) for d in destinations]
    return out


def _tracing(configuration: dict[str, Any] | None) -> dict[str, Any]:
    if configuration is None:
        return dict(DEFAULT_TRACING)
    return {"enabled": bool(configuration.get("enabled"))}


LOG_DESTINATION_NOT_FOUND = "Invalid Logging Configuration: Log Destination not found."
LOG_GROUP_WITHOUT_QUALIFIER = (
    "Invalid Logging Configuration: Log Group ARN must be provided with '*' qualifier."
)


def _log_group_to_check(env: ServiceEnvironment, configuration: dict[str, Any] | None) -> LogGroup | None:
    """The one log group a well-formed configuration names (checked to exist in its account/region)."""
    if env.execution_logs is None or not configuration:
        return None
    destinations = configuration.get("destinations") or []
    if len(destinations) != 1:
        return None
    arn = (destinations[0].get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
    if not isinstance(arn, str) or not arn.endswith(":*"):
        return None  # rejected by ``check_logging_configuration`` before anyone asks CloudWatch Logs
    return parse_log_group_arn(arn)


async def _after_log_group_check(
    env: ServiceEnvironment, group: LogGroup, then: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    try:
        exists = await env.execution_logs.group_exists(group)
    except Exception:  # the logs service cannot be asked: the destination cannot be found either
        exists = False
    if not exists:
        raise InvalidLoggingConfiguration(LOG_DESTINATION_NOT_FOUND)
    return then()


def _checking_log_destination(
    env: ServiceEnvironment,
    context: RequestContext,
    request: dict[str, Any],
    operation: Callable[[ServiceEnvironment, RequestContext, dict[str, Any]], dict[str, Any]],
) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    """Run ``operation``; with a log destination the answer is awaitable: the log group's existence
    is asked first (InvalidLoggingConfiguration when it does not exist)."""
    group = _log_group_to_check(env, request.get("loggingConfiguration"))
    if group is not None:
        return _after_log_group_check(env, group, lambda: operation(env, context, request))
    return operation(env, context, request)


def create_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    return _checking_log_destination(env, context, request, _create_state_machine)


def _create_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    publish = bool(request.get("publish"))
    if request.get("versionDescription") is not None and not publish:
        raise ValidationException(VERSION_DESCRIPTION_WITHOUT_PUBLISH)
    name = request["name"]
    check_name(name)
    check_role_arn(request["roleArn"])
    sm_type = StateMachineType(request.get("type") or "STANDARD")
    definition = request["definition"]
    logging_configuration = check_logging_configuration(request.get("loggingConfiguration"))
    tracing_configuration = _tracing(request.get("tracingConfiguration"))
    encryption_configuration = check_encryption_configuration(request.get("encryptionConfiguration"))
    arn = state_machine_arn(context.region, context.account, name)
    partition = partition_of(env, context)
    existing = find_state_machine(partition, arn)
    if existing is not None:
        if existing.status == StateMachineStatus.DELETING:
            raise deleting(arn)
        # AWS's idempotency ignores roleArn and tags (they are not updated either).
        same = (
            existing.definition == definition
            and existing.type == sm_type
            and existing.logging_configuration == logging_configuration
            and existing.tracing_configuration == tracing_configuration
            and (existing.encryption_configuration or DEFAULT_ENCRYPTION) == encryption_configuration
        )
        if not same:
            raise StateMachineAlreadyExists(f"State Machine Already Exists: '{arn}'")
        out: dict[str, Any] = {"stateMachineArn": arn, "creationDate": existing.creation_date}
        if publish:
            version = versions.publish(env, partition, existing, request.get("versionDescription"))
            out["stateMachineVersionArn"] = version.arn
        return out
    tag_map = tags.check_new_tags(arn, request.get("tags") or [], {})
    compiled = compile_or_reject(definition, sm_type.value)
    if env.definition_accepted is not None:
        env.definition_accepted(definition)
    record = StateMachine(
        arn=arn,
        name=name,
        definition=definition,
        role_arn=request["roleArn"],
        type=sm_type,
        creation_date=env.clock.now(),
        compiled=compiled,
        logging_configuration=logging_configuration,
        tracing_configuration=tracing_configuration,
        encryption_configuration=encryption_configuration,
    )
    partition.state_machines.put(arn, record)
    if tag_map:
        partition.tags[arn] = tag_map
    out = {"stateMachineArn": arn, "creationDate": record.creation_date}
    if publish:
        out["stateMachineVersionArn"] = versions.publish(
            env, partition, record, request.get("versionDescription")
        ).arn
    return out


def describe(record: StateMachine) -> dict[str, Any]:
    """DescribeStateMachine's shape for a state machine or one of its versions."""
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
        "encryptionConfiguration": record.encryption_configuration or DEFAULT_ENCRYPTION,
    }
    put_if(out, "label", record.label)
    put_if(out, "revisionId", record.revision_id)
    put_if(out, "description", record.description)
    put_if(out, "variableReferences", variable_references_of(record))
    return out


def variable_references_of(record: StateMachine) -> dict[str, list[str]] | None:
    """``variableReferences``: state name -> the sorted variables it reads (absent when none)."""
    references = getattr(record.compiled, "variable_references", None)
    if not references:
        return None
    return {name: list(names) for name, names in references.items()}


def _metadata_only(out: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    if request.get("includedData") == "METADATA_ONLY":
        # "If called with includedData = METADATA_ONLY, the returned definition will be {}."
        # (API_DescribeStateMachine, definition; a required member of the response)
        out["definition"] = "{}"
    return out


def describe_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = request["stateMachineArn"]
    parsed = parse_arn(arn, "stateMachine")
    check_not_map_state_arn(parsed, arn)
    if len(parsed.parts) == 1:
        return _metadata_only(describe(get_state_machine(env, context, arn)), request)
    version = (
        versions.find_version(partition_of(env, context), arn) if in_partition(parsed, context) else None
    )
    if version is None:
        raise does_not_exist(arn)
    return _metadata_only(describe(version), request)


def update_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    return _checking_log_destination(env, context, request, _update_state_machine)


def _update_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = request["stateMachineArn"]
    publish = bool(request.get("publish"))
    machine = get_active_state_machine(env, context, arn)
    if request.get("versionDescription") is not None and not publish:
        raise ValidationException(VERSION_DESCRIPTION_WITHOUT_PUBLISH)
    members = (
        "definition",
        "roleArn",
        "loggingConfiguration",
        "tracingConfiguration",
        "encryptionConfiguration",
    )
    if all(request.get(member) is None for member in members):
        raise MissingRequiredParameter(NOTHING_TO_UPDATE)
    changes: dict[str, Any] = {}
    definition = request.get("definition")
    if definition is not None and definition != machine.definition:
        changes["compiled"] = compile_or_reject(definition, machine.type.value)
        if env.definition_accepted is not None:
            env.definition_accepted(definition)
        changes["definition"] = definition
    role_arn = request.get("roleArn")
    if role_arn is not None:
        check_role_arn(role_arn)
    if role_arn is not None and role_arn != machine.role_arn:
        changes["role_arn"] = role_arn
    if request.get("loggingConfiguration") is not None:
        logging_configuration = check_logging_configuration(request["loggingConfiguration"])
        if logging_configuration != machine.logging_configuration:
            changes["logging_configuration"] = logging_configuration
    if request.get("tracingConfiguration") is not None:
        tracing_configuration = _tracing(request["tracingConfiguration"])
        if tracing_configuration != machine.tracing_configuration:
            changes["tracing_configuration"] = tracing_configuration
    encryption = request.get("encryptionConfiguration")
    if encryption is not None:
        encryption = check_encryption_configuration(encryption)
    if encryption is not None and encryption != machine.encryption_configuration:
        changes["encryption_configuration"] = encryption
    now = env.clock.now()
    if changes:
        # A new record, not the old one changed in place: "Running executions will continue to use the
        # previous definition and roleArn" (API_UpdateStateMachine), and DescribeStateMachineForExecution
        # answers with the configuration an execution ran ("compare the revision of a state machine with
        # the configuration of the state machine used for executions", its revisionId).
        machine = replace(machine, **changes, revision_id=new_id(), update_date=now)
        partition_of(env, context).state_machines.put(machine.arn, machine)
    out: dict[str, Any] = {"updateDate": machine.update_date if machine.update_date is not None else now}
    put_if(out, "revisionId", machine.revision_id)
    if publish:
        partition = partition_of(env, context)
        out["stateMachineVersionArn"] = versions.publish(
            env, partition, machine, request.get("versionDescription")
        ).arn
    return out


def delete_state_machine(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Idempotent; with executions still running the machine stays visible as DELETING."""
    arn = request["stateMachineArn"]
    parsed = parse_arn(arn, "stateMachine")
    check_not_map_state_arn(parsed, arn)
    if len(parsed.parts) != 1:
        raise ValidationException(
            f"Invalid Arn: 'Qualified state machine ARNs are not supported by DeleteStateMachine: {arn}'"
        )
    if not in_partition(parsed, context):
        return {}
    partition = partition_of(env, context)
    machine = find_state_machine(partition, arn)
    if machine is None:
        return {}
    if _has_running_executions(partition, machine):
        machine.status = StateMachineStatus.DELETING
        partition.state_machines.put(machine.arn, machine)  # changed in place: stored again
        # "A state machine is deleted only when all its executions are completed. On the next state
        # transition, the state machine's executions are terminated." (API_DeleteStateMachine)
        for execution in _running_executions(partition, machine):
            env.engine.machine_deleted(execution, machine.name)
    else:
        _remove(partition, machine)
    return {}


def list_state_machines(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    partition = partition_of(env, context)
    machines = [
        m for m in reversed(partition.state_machines.values()) if find_state_machine(partition, m.arn)
    ]
    page, token = paginate(machines, request, scope="ListStateMachines", now=env.clock.now())
    out: dict[str, Any] = {
        "stateMachines": [
            {"stateMachineArn": m.arn, "name": m.name, "type": m.type.value, "creationDate": m.creation_date}
            for m in page
        ]
    }
    put_if(out, "nextToken", token)
    return out
