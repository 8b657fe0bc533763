"""Records to the JSON documents and rows the SQLite store keeps, and back.

The compiled definition is never stored: a state machine is compiled again from its definition
text when it is read (``compile`` is given by the composition root).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from emulator.model.records import (
    Activity,
    Alias,
    MapRun,
    MapRunStatus,
    RoutingEntry,
    StateMachine,
    StateMachineStatus,
    StateMachineType,
)

Compile = Callable[[str, str], Any]  # (definition text, "STANDARD" | "EXPRESS") -> compiled


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps(value, separators=(",", ":")) made once: dumps() builds an encoder per call, which
# is most of its cost on the small documents written per history event.
_ENCODE: Any = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _not_json, encode_basestring_ascii, None, ":", ",", False, False, True)
)


def dumps(value: Any) -> str:
    """Compact JSON text; ASCII escapes keep lone surrogates (an intrinsic can make one) storable."""
    if _ENCODE is None:
        return json.dumps(value, separators=(",", ":"))
    return "".join(_ENCODE(value, 0))


def machine_body(machine: StateMachine) -> dict[str, Any]:
    return {
        "arn": machine.arn,
        "name": machine.name,
        "definition": machine.definition,
        "roleArn": machine.role_arn,
        "type": machine.type.value,
        "creationDate": machine.creation_date,
        "revisionId": machine.revision_id,
        "logging": machine.logging_configuration,
        "tracing": machine.tracing_configuration,
        "encryption": machine.encryption_configuration,
        "description": machine.description,
        "version": machine.version,
        "status": machine.status.value,
        "updateDate": machine.update_date,
        "label": machine.label,
        "versionCounter": machine.version_counter,
        "latestVersionArn": machine.latest_version_arn,
        "stateMachineArn": machine.state_machine_arn,
    }


def machine_from(body: dict[str, Any], compiled: Any) -> StateMachine:
    return StateMachine(
        arn=body["arn"],
        name=body["name"],
        definition=body["definition"],
        role_arn=body["roleArn"],
        type=StateMachineType(body["type"]),
        creation_date=body["creationDate"],
        compiled=compiled,
        revision_id=body["revisionId"],
        logging_configuration=body["logging"],
        tracing_configuration=body["tracing"],
        encryption_configuration=body["encryption"],
        description=body["description"],
        version=body["version"],
        status=StateMachineStatus(body["status"]),
        update_date=body["updateDate"],
        label=body["label"],
        version_counter=body["versionCounter"],
        latest_version_arn=body["latestVersionArn"],
        state_machine_arn=body["stateMachineArn"],
    )


def snapshot(machine: StateMachine) -> tuple[str, str]:
    """(hash, body text) of a machine as an execution runs it (shared by all that ran it)."""
    text = dumps(machine_body(machine))
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest(), text


def alias_body(alias: Alias) -> dict[str, Any]:
    return {
        "arn": alias.arn,
        "name": alias.name,
        "stateMachineArn": alias.state_machine_arn,
        "routing": [[entry.version_arn, entry.weight] for entry in alias.routing],
        "creationDate": alias.creation_date,
        "description": alias.description,
        "updateDate": alias.update_date,
    }


def alias_from(body: dict[str, Any]) -> Alias:
    return Alias(
        arn=body["arn"],
        name=body["name"],
        state_machine_arn=body["stateMachineArn"],
        routing=tuple(RoutingEntry(arn, weight) for arn, weight in body["routing"]),
        creation_date=body["creationDate"],
        description=body["description"],
        update_date=body["updateDate"],
    )


def activity_body(activity: Activity) -> dict[str, Any]:
    return {
        "arn": activity.arn,
        "name": activity.name,
        "creationDate": activity.creation_date,
        "encryption": activity.encryption_configuration,
    }


def activity_from(body: dict[str, Any]) -> Activity:
    return Activity(body["arn"], body["name"], body["creationDate"], body["encryption"])


def map_run_body(run: MapRun) -> dict[str, Any]:
    return {
        "arn": run.arn,
        "executionArn": run.execution_arn,
        "stateMachineArn": run.state_machine_arn,
        "startDate": run.start_date,
        "maxConcurrency": run.max_concurrency,
        "toleratedFailurePercentage": run.tolerated_failure_percentage,
        "toleratedFailureCount": run.tolerated_failure_count,
        "status": run.status.value,
        "stopDate": run.stop_date,
        "itemCounts": run.item_counts,
        "executionCounts": run.execution_counts,
        "redriveCount": run.redrive_count,
        "label": run.label,
    }


def map_run_from(body: dict[str, Any]) -> MapRun:
    return MapRun(
        arn=body["arn"],
        execution_arn=body["executionArn"],
        state_machine_arn=body["stateMachineArn"],
        start_date=body["startDate"],
        max_concurrency=body["maxConcurrency"],
        tolerated_failure_percentage=body["toleratedFailurePercentage"],
        tolerated_failure_count=body["toleratedFailureCount"],
        status=MapRunStatus(body["status"]),
        stop_date=body["stopDate"],
        item_counts=body["itemCounts"],
        execution_counts=body["executionCounts"],
        redrive_count=body["redriveCount"],
        label=body["label"],
    )


# Resource kinds: the Partition table each is kept in, and how its record is written.
BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "state_machines": machine_body,
    "versions": machine_body,
    "aliases": alias_body,
    "activities": activity_body,
    "map_runs": map_run_body,
    "tags": dict,
}
