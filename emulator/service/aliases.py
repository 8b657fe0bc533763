"""CreateStateMachineAlias, DescribeStateMachineAlias, UpdateStateMachineAlias,
DeleteStateMachineAlias, ListStateMachineAliases; and how an alias picks a version."""

from __future__ import annotations

import random
from typing import Any

from emulator.errors import (
    INVALID_ROUTING_CONFIGURATION,
    MISSING_REQUIRED_PARAMETER,
    ConflictException,
    ResourceNotFound,
    ServiceQuotaExceededException,
    StateMachineDeleting,
    ValidationException,
)
from emulator.model.arns import state_machine_alias_arn
from emulator.model.records import Alias, RoutingEntry, StateMachineStatus
from emulator.service.common import check_name, in_partition, paginate, parse_arn, put_if
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.service.state_machines import find_state_machine, get_state_machine
from emulator.store.partition import Partition

MAX_ALIASES = 100
NOT_FOUND = "Request references a resource that does not exist."


def pick_version(alias: Alias, rng: random.Random) -> str:
    """The version an execution started through ``alias`` runs: chosen by weight."""
    if len(alias.routing) == 1:
        return alias.routing[0].version_arn
    draw = rng.randrange(100)
    for entry in alias.routing:
        if draw < entry.weight:
            return entry.version_arn
        draw -= entry.weight
    return alias.routing[-1].version_arn


def _routing(
    partition: Partition, context: RequestContext, items: list[dict[str, Any]]
) -> tuple[str, tuple[RoutingEntry, ...]]:
    """Check a routingConfiguration -> (state machine ARN, entries)."""
    arns = [item["stateMachineVersionArn"] for item in items]
    received = f"[{', '.join(arns)}]"
    parsed = [parse_arn(arn, "stateMachine") for arn in arns]
    if any(len(p.parts) != 2 or not p.parts[1].isdigit() for p in parsed):
        raise ValidationException(
            f"Routing configuration must contain state machine version ARNs. Received: {received}",
            reason=INVALID_ROUTING_CONFIGURATION,
        )
    machines = {arn.rsplit(":", 1)[0] for arn in arns}
    if len(machines) != 1:
        raise ValidationException(
            f"Routing configuration must contain versions of the same state machine. Received: {received}",
            reason=INVALID_ROUTING_CONFIGURATION,
        )
    if len(set(arns)) != len(arns):
        raise ValidationException(
            f"Routing configuration must contain distinct state machine version ARNs. Received: {received}",
            reason=INVALID_ROUTING_CONFIGURATION,
        )
    weights = [item["weight"] for item in items]
    if sum(weights) != 100:
        raise ValidationException(
            f"Sum of routing configuration weights must equal 100. Received: {sum(weights)}",
            reason=INVALID_ROUTING_CONFIGURATION,
        )
    for arn, parsed_arn in zip(arns, parsed, strict=True):
        if not in_partition(parsed_arn, context) or partition.versions.get(arn) is None:
            raise ResourceNotFound(NOT_FOUND, resourceName=arn)
    machine_arn = machines.pop()
    machine = find_state_machine(partition, machine_arn)
    if machine is None:
        raise ResourceNotFound(NOT_FOUND, resourceName=machine_arn)
    if machine.status == StateMachineStatus.DELETING:
        raise StateMachineDeleting(f"State Machine is being deleted: '{machine_arn}'")
    return machine_arn, tuple(RoutingEntry(arn, weight) for arn, weight in zip(arns, weights, strict=True))


def _wire_routing(alias: Alias) -> list[dict[str, Any]]:
    return [{"stateMachineVersionArn": r.version_arn, "weight": r.weight} for r in alias.routing]


def find_alias(env: ServiceEnvironment, context: RequestContext, arn: str) -> Alias | None:
    parsed = parse_arn(arn, "stateMachine")
    if len(parsed.parts) != 2 or parsed.parts[1].isdigit():
        raise ValidationException(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    if not in_partition(parsed, context):
        return None
    return partition_of(env, context).aliases.get(arn)


def _get_alias(env: ServiceEnvironment, context: RequestContext, arn: str) -> Alias:
    alias = find_alias(env, context, arn)
    if alias is None:
        raise ResourceNotFound(NOT_FOUND, resourceName=arn)
    return alias


def create_state_machine_alias(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    name = request["name"]
    check_name(name)
    partition = partition_of(env, context)
    machine_arn, routing = _routing(partition, context, request["routingConfiguration"])
    arn = state_machine_alias_arn(machine_arn, name)
    description = request.get("description")
    existing = partition.aliases.get(arn)
    if existing is not None:
        if existing.routing == routing and existing.description == description:
            return {"stateMachineAliasArn": arn, "creationDate": existing.creation_date}
        raise ConflictException(
            f"Failed to create alias because an alias with the same name and a different configuration already exists: '{arn}'"
        )
    if sum(1 for a in partition.aliases.values() if a.state_machine_arn == machine_arn) >= MAX_ALIASES:
        raise ServiceQuotaExceededException(
            f"Maximum number of aliases ({MAX_ALIASES}) reached for state machine '{machine_arn}'"
        )
    now = env.clock.now()
    # DescribeStateMachineAlias "updateDate: The date the state machine alias was last updated. For a
    # newly created state machine, this is the same as the creation date." (API_DescribeStateMachineAlias)
    alias = Alias(arn, name, machine_arn, routing, now, description, update_date=now)
    partition.aliases.put(arn, alias)
    return {"stateMachineAliasArn": arn, "creationDate": alias.creation_date}


def describe_state_machine_alias(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    alias = _get_alias(env, context, request["stateMachineAliasArn"])
    out: dict[str, Any] = {
        "stateMachineAliasArn": alias.arn,
        "name": alias.name,
        "routingConfiguration": _wire_routing(alias),
        "creationDate": alias.creation_date,
    }
    put_if(out, "description", alias.description)
    put_if(out, "updateDate", alias.update_date)
    return out


def update_state_machine_alias(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = request["stateMachineAliasArn"]
    description = request.get("description")
    items = request.get("routingConfiguration")
    if description is None and items is None:
        raise ValidationException(
            "Either the description or the routingConfiguration must be specified to update an alias",
            reason=MISSING_REQUIRED_PARAMETER,
        )
    alias = _get_alias(env, context, arn)
    partition = partition_of(env, context)
    machine = find_state_machine(partition, alias.state_machine_arn)
    if machine is not None and machine.status == StateMachineStatus.DELETING:
        # StateMachineDeleting is among UpdateStateMachineAlias's errors (API_UpdateStateMachineAlias)
        raise StateMachineDeleting(f"State Machine is being deleted: '{alias.state_machine_arn}'")
    if items is not None:
        machine_arn, routing = _routing(partition, context, items)
        if machine_arn != alias.state_machine_arn:
            raise ValidationException(
                "Routing configuration must contain versions of the same state machine as the alias. "
                f"Received: [{', '.join(r.version_arn for r in routing)}]",
                reason=INVALID_ROUTING_CONFIGURATION,
            )
    else:
        routing = alias.routing
    if description is None:
        description = alias.description
    # "UpdateStateMachineAlias is an idempotent API ... Requests with the same parameters return an
    # idempotent response" (API_UpdateStateMachineAlias): a request that changes nothing is answered
    # with the alias's last update.
    if (routing, description) != (alias.routing, alias.description) or alias.update_date is None:
        alias.routing, alias.description = routing, description
        alias.update_date = env.clock.now()
        partition.aliases.put(alias.arn, alias)  # changed in place: stored again
    return {"updateDate": alias.update_date}


def delete_state_machine_alias(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    alias = _get_alias(env, context, request["stateMachineAliasArn"])
    partition_of(env, context).aliases.delete(alias.arn)
    return {}


def list_state_machine_aliases(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Aliases of a state machine, or (given a version ARN) the aliases routing to that version."""
    arn = request["stateMachineArn"]
    parsed = parse_arn(arn, "stateMachine")
    partition = partition_of(env, context)
    if len(parsed.parts) == 1:
        machine = get_state_machine(env, context, arn)
        if machine.status == StateMachineStatus.DELETING:
            raise StateMachineDeleting(f"State Machine is being deleted: '{arn}'")
        found = [a for a in partition.aliases.values() if a.state_machine_arn == arn]
    else:
        if (
            not parsed.parts[1].isdigit()
            or not in_partition(parsed, context)
            or partition.versions.get(arn) is None
        ):
            raise ResourceNotFound(NOT_FOUND, resourceName=arn)
        found = [a for a in partition.aliases.values() if any(r.version_arn == arn for r in a.routing)]
    # "Results are sorted by time, with the most recently created aliases listed first."
    # (API_ListStateMachineAliases)
    found = sorted(reversed(found), key=lambda a: a.creation_date, reverse=True)
    page, token = paginate(found, request, scope=f"ListStateMachineAliases:{arn}", now=env.clock.now())
    out: dict[str, Any] = {
        "stateMachineAliases": [
            {"stateMachineAliasArn": a.arn, "creationDate": a.creation_date} for a in page
        ]
    }
    put_if(out, "nextToken", token)
    return out
