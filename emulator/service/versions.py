"""PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from emulator.errors import (
    ConflictException,
    ServiceQuotaExceededException,
    StateMachineDeleting,
    StateMachineDoesNotExist,
    ValidationException,
)
from emulator.model.arns import state_machine_version_arn
from emulator.model.records import StateMachine, StateMachineStatus
from emulator.service.common import in_partition, paginate, parse_arn, put_if
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.store.partition import Partition

MAX_VERSIONS = 1000
INITIAL_REVISION = "INITIAL"


def find_version(partition: Partition, arn: str) -> StateMachine | None:
    return partition.versions.get(arn)


def is_version_arn(arn: str) -> bool:
    parsed = parse_arn(arn, "stateMachine")
    return len(parsed.parts) == 2 and parsed.parts[1].isdigit()


def publish(
    env: ServiceEnvironment, partition: Partition, machine: StateMachine, description: str | None
) -> StateMachine:
    """Publish the machine's current revision, or return the version already published from it."""
    latest = partition.versions.get(machine.latest_version_arn) if machine.latest_version_arn else None
    if latest is not None and latest.revision_id == machine.revision_id:
        return latest
    if sum(1 for v in partition.versions.values() if v.state_machine_arn == machine.arn) >= MAX_VERSIONS:
        raise ServiceQuotaExceededException(
            f"Maximum number of versions ({MAX_VERSIONS}) reached for state machine '{machine.arn}'"
        )
    machine.version_counter += 1
    number = machine.version_counter
    version = replace(
        machine,
        arn=state_machine_version_arn(machine.arn, number),
        creation_date=env.clock.now(),
        description=description,
        version=number,
        update_date=None,
        latest_version_arn=None,
        version_counter=0,
        state_machine_arn=machine.arn,
        status=StateMachineStatus.ACTIVE,
    )
    partition.versions.put(version.arn, version)
    machine.latest_version_arn = version.arn
    partition.state_machines.put(machine.arn, machine)  # its version counter moved: stored again
    return version


def publish_state_machine_version(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    from emulator.service.state_machines import get_state_machine

    arn = request["stateMachineArn"]
    machine = get_state_machine(env, context, arn)
    if machine.status == StateMachineStatus.DELETING:
        raise StateMachineDeleting(f"State Machine is being deleted: '{arn}'")
    expected = request.get("revisionId")
    # "To specify an initial revision ID for a state machine with no revision ID assigned, specify the
    # string INITIAL" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_PublishStateMachineVersion.html)
    current = machine.revision_id if machine.revision_id is not None else INITIAL_REVISION
    if expected is not None and expected != current:
        raise ConflictException(
            f"Failed to publish the State Machine version for revision {expected}. "
            f"The current State Machine revision is {machine.revision_id}."
        )
    version = publish(env, partition_of(env, context), machine, request.get("description"))
    return {"creationDate": version.creation_date, "stateMachineVersionArn": version.arn}


def list_state_machine_versions(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    from emulator.service.state_machines import get_state_machine

    arn = request["stateMachineArn"]
    machine = get_state_machine(env, context, arn)
    found = [v for v in partition_of(env, context).versions.values() if v.state_machine_arn == machine.arn]
    found.sort(key=lambda v: v.version or 0, reverse=True)
    page, token = paginate(found, request, scope=f"ListStateMachineVersions:{arn}", now=env.clock.now())
    out: dict[str, Any] = {
        "stateMachineVersions": [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in page
        ]
    }
    put_if(out, "nextToken", token)
    return out


def delete_state_machine_version(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Idempotent, but refused while an alias routes executions to the version."""
    arn = request["stateMachineVersionArn"]
    parsed = parse_arn(arn, "stateMachine")
    if not is_version_arn(arn):
        raise ValidationException(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    if not in_partition(parsed, context):
        return {}
    partition = partition_of(env, context)
    version = partition.versions.get(arn)
    if version is None:
        return {}
    referencing = [a.name for a in partition.aliases.values() if any(r.version_arn == arn for r in a.routing)]
    if referencing:
        raise ConflictException(
            "Version to be deleted must not be referenced by an alias. "
            f"Current list of aliases referencing this version: [{', '.join(referencing)}]"
        )
    partition.versions.delete(arn)
    return {}


def get_version(env: ServiceEnvironment, context: RequestContext, arn: str) -> StateMachine:
    parsed = parse_arn(arn, "stateMachine")
    version = find_version(partition_of(env, context), arn) if in_partition(parsed, context) else None
    if version is None:
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return version
