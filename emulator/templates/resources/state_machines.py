"""AWS::StepFunctions::StateMachine, ::Activity, ::StateMachineVersion and ::StateMachineAlias,
through the same service functions the API calls (so every rule of CreateStateMachine applies).

A reload updates a machine in place (UpdateStateMachine): running executions finish on the
definition they started with; a StateMachineVersion resource publishes the new revision.
"""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

from emulator.errors import ApiError
from emulator.service import activities, aliases, state_machines, versions
from emulator.service.environment import partition_of
from emulator.templates.intrinsics import Created
from emulator.templates.reading import parse_text
from emulator.templates.resources.base import LoadContext, tag_list

_SUBSTITUTION = re.compile(r"\$\{([^}]*)\}")


async def _answer(load: LoadContext, result: Any) -> dict[str, Any]:
    if not inspect.isawaitable(result):
        return dict(result)
    await load.flush()  # the log group it checks was declared before it: created first
    return dict(await result)


def _definition(load: LoadContext, logical_id: str, properties: dict[str, Any]) -> str:
    if "DefinitionString" in properties:
        text = properties["DefinitionString"]
        if not isinstance(text, str):
            raise load.error("must be a string (the definition's JSON text)", logical_id, "DefinitionString")
    elif "Definition" in properties:
        text = json.dumps(properties["Definition"], indent=2)
    elif "DefinitionS3Location" in properties:
        location = properties["DefinitionS3Location"]
        value = location.get("Key") if isinstance(location, dict) else location
        path = load.local_path(value, logical_id, "DefinitionS3Location")
        load.files.add(str(path))
        try:
            document = parse_text(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as error:
            raise load.error(f"cannot read {path}: {error}", logical_id, "DefinitionS3Location")
        text = json.dumps(document, indent=2)
    else:
        raise load.error(
            "the state machine needs Definition, DefinitionString or DefinitionS3Location",
            logical_id,
            "Definition",
        )
    substitutions = properties.get("DefinitionSubstitutions") or {}
    if substitutions:
        if not isinstance(substitutions, dict):
            raise load.error("must be a map", logical_id, "DefinitionSubstitutions")
        text = substitute(text, substitutions)
    return text


def substitute(text: str, substitutions: dict[str, Any]) -> str:
    """``${name}`` -> the substitution's value (text); names without a substitution stay."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in substitutions:
            return match.group(0)
        item = substitutions[name]
        if isinstance(item, bool):
            return "true" if item else "false"
        return item if isinstance(item, str) else json.dumps(item)

    return _SUBSTITUTION.sub(value, text)


def _logging(properties: dict[str, Any]) -> dict[str, Any] | None:
    config = properties.get("LoggingConfiguration")
    if not isinstance(config, dict):
        return None
    out: dict[str, Any] = {
        "level": config.get("Level", "OFF"),
        "includeExecutionData": config.get("IncludeExecutionData") in (True, "true", "True"),
    }
    destinations = []
    for item in config.get("Destinations") or []:
        group = (item.get("CloudWatchLogsLogGroup") or {}).get("LogGroupArn")
        destinations.append({"cloudWatchLogsLogGroup": {"logGroupArn": group}})
    if destinations:
        out["destinations"] = destinations
    return out


async def state_machine(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    definition = _definition(load, logical_id, properties)
    role = properties.get("RoleArn")
    if not isinstance(role, str) or not role:
        raise load.error("is required (the role the state machine runs as)", logical_id, "RoleArn")
    name = properties.get("StateMachineName") or load.generated_name(logical_id, 80, with_stack=False)
    kind = properties.get("StateMachineType") or "STANDARD"
    request: dict[str, Any] = {"name": name, "definition": definition, "roleArn": role, "type": kind}
    logging_configuration = _logging(properties)
    if logging_configuration is not None:
        request["loggingConfiguration"] = logging_configuration
    tracing = properties.get("TracingConfiguration")
    if isinstance(tracing, dict):
        request["tracingConfiguration"] = {"enabled": tracing.get("Enabled") in (True, "true", "True")}
    tags = tag_list(properties.get("Tags"), "key", "value")
    arn = load.arn("states", f"stateMachine:{name}")
    env, context = load.env, load.context
    existing = state_machines.find_state_machine(partition_of(env, context), arn)
    try:
        if existing is None:
            request["tags"] = tags
            await _answer(load, state_machines.create_state_machine(env, context, request))
            status = "CREATE_COMPLETE"
        else:
            update = {key: value for key, value in request.items() if key not in ("name", "type")}
            await _answer(
                load, state_machines.update_state_machine(env, context, dict(update, stateMachineArn=arn))
            )
            status = "UPDATE_COMPLETE"
    except ApiError as error:
        raise load.error(f"{error.code}: {error.message}", logical_id, "Definition")
    machine = state_machines.get_state_machine(env, context, arn)
    return Created(
        arn,
        {"Arn": arn, "Name": name, "StateMachineRevisionId": machine.revision_id or "INITIAL"},
        status=status,
        physical_id=arn,
    )


async def activity(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    name = properties.get("Name")
    if not isinstance(name, str) or not name:
        raise load.error("is required", logical_id, "Name")
    request = {"name": name, "tags": tag_list(properties.get("Tags"), "key", "value")}
    try:
        arn = activities.create_activity(load.env, load.context, request)["activityArn"]
    except ApiError as error:
        raise load.error(f"{error.code}: {error.message}", logical_id, "Name")
    return Created(arn, {"Arn": arn, "Name": name}, physical_id=arn)


async def version(
    load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]
) -> Created:
    machine_arn = properties.get("StateMachineArn")
    if not isinstance(machine_arn, str):
        raise load.error("is required", logical_id, "StateMachineArn")
    request: dict[str, Any] = {"stateMachineArn": machine_arn}
    if properties.get("Description") is not None:
        request["description"] = str(properties["Description"])
    try:
        arn = versions.publish_state_machine_version(load.env, load.context, request)[
            "stateMachineVersionArn"
        ]
    except ApiError as error:
        raise load.error(f"{error.code}: {error.message}", logical_id, "StateMachineArn")
    return Created(arn, {"Arn": arn}, physical_id=arn)


async def alias(load: LoadContext, logical_id: str, properties: dict[str, Any], _: dict[str, Any]) -> Created:
    routing = properties.get("RoutingConfiguration")
    prop = "RoutingConfiguration"
    if routing is None and isinstance(properties.get("DeploymentPreference"), dict):
        # a deployment that has completed: all traffic on the preference's version
        prop = "DeploymentPreference"
        routing = [
            {
                "StateMachineVersionArn": properties["DeploymentPreference"].get("StateMachineVersionArn"),
                "Weight": 100,
            }
        ]
    if not isinstance(routing, list) or not routing:
        raise load.error("is required (or DeploymentPreference)", logical_id, "RoutingConfiguration")
    items = [
        {"stateMachineVersionArn": item.get("StateMachineVersionArn"), "weight": int(item.get("Weight", 0))}
        for item in routing
    ]
    name = properties.get("Name") or load.generated_name(logical_id, 80, with_stack=False)
    version_arn = str(items[0]["stateMachineVersionArn"])
    arn = f"{version_arn.rsplit(':', 1)[0]}:{name}"
    env, context = load.env, load.context
    try:
        if aliases.find_alias(env, context, arn) is None:
            request: dict[str, Any] = {"name": name, "routingConfiguration": items}
            if properties.get("Description") is not None:
                request["description"] = str(properties["Description"])
            arn = aliases.create_state_machine_alias(env, context, request)["stateMachineAliasArn"]
        else:
            aliases.update_state_machine_alias(
                env, context, {"stateMachineAliasArn": arn, "routingConfiguration": items}
            )
    except ApiError as error:
        raise load.error(f"{error.code}: {error.message}", logical_id, prop)
    return Created(arn, {"Arn": arn}, physical_id=arn)


STATE_MACHINE_HANDLERS = {
    "AWS::StepFunctions::StateMachine": state_machine,
    "AWS::StepFunctions::Activity": activity,
    "AWS::StepFunctions::StateMachineVersion": version,
    "AWS::StepFunctions::StateMachineAlias": alias,
}
