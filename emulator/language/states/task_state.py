"""Task: runs a resource (a service integration, a Lambda function or an activity)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.language.errors import required_fields_message
from emulator.language.evaluate.jsonata import (
    JsonataExpression,
    JsonataTemplate,
    compile_expression,
    is_jsonata_expression,
)
from emulator.language.evaluate.jsonpath import JsonPath, ReferencePath
from emulator.language.evaluate.templates import PayloadTemplate, compile_template
from emulator.language.states.common import (
    Catcher,
    Retrier,
    StateCommon,
    fail,
    jsonata_field,
    parse_catch,
    parse_common,
    parse_retry,
    path_field,
    reference_path_field,
)
from emulator.language.validated import optional_integer
from emulator.model.types import Json, JsonObject

DEFAULT_TIMEOUT_SECONDS = 99999999

# Integration patterns (the suffix of a service integration's action).
REQUEST_RESPONSE = ""
RUN_JOB = "sync"
RUN_JOB_V2 = "sync:2"
WAIT_FOR_TASK_TOKEN = "waitForTaskToken"


@dataclass(frozen=True, slots=True)
class TaskResource:
    """A parsed ``Resource``. ``kind`` is ``service`` (``arn:aws:states:::<service>:<action>``),
    ``lambda`` (a Lambda function ARN), ``activity`` or ``unknown``.

    For service integrations ``resource_type`` / ``resource`` are what history events show
    (``lambda`` / ``invoke``, ``aws-sdk:s3`` / ``listBuckets.waitForTaskToken``)."""

    arn: str
    kind: str
    resource_type: str
    resource: str
    action: str
    pattern: str
    region: str | None = None


def parse_resource(arn: str) -> TaskResource:
    parts = arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[2] == "states" and parts[3] == "" and parts[4] == "":
        service_parts = parts[5:]
        if service_parts[0] == "aws-sdk" and len(service_parts) >= 3:
            resource_type = f"aws-sdk:{service_parts[1]}"
            resource = ":".join(service_parts[2:])
        else:
            resource_type = service_parts[0]
            resource = ":".join(service_parts[1:])
        action, _, pattern = resource.partition(".")
        return TaskResource(arn, "service", resource_type, resource, action, pattern)
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[5] == "function":
        return TaskResource(arn, "lambda", "lambda", arn, "invoke", REQUEST_RESPONSE, parts[3])
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "states" and parts[5] == "activity":
        return TaskResource(arn, "activity", "activity", arn, "", REQUEST_RESPONSE, parts[3])
    return TaskResource(arn, "unknown", "", arn, "", REQUEST_RESPONSE)


@dataclass(frozen=True, slots=True)
class TaskState:
    common: StateCommon
    resource: TaskResource
    parameters: PayloadTemplate | None
    result_selector: PayloadTemplate | None
    result_path: ReferencePath | None
    retry: tuple[Retrier, ...]
    catch: tuple[Catcher, ...]
    timeout_seconds: int | None
    timeout_seconds_path: JsonPath | None
    heartbeat_seconds: int | None
    heartbeat_seconds_path: JsonPath | None
    # ``Credentials``: a payload template (JSONPath) or a JSONata template, evaluated per task.
    credentials: PayloadTemplate | JsonataTemplate | None
    # JSONata: ``TimeoutSeconds`` / ``HeartbeatSeconds`` given as expressions.
    timeout_seconds_expression: JsonataExpression | None = None
    heartbeat_seconds_expression: JsonataExpression | None = None


def seconds_expression(raw: JsonObject, key: str, location: str) -> JsonataExpression | None:
    """A JSONata integer field given as ``{% … %}`` (``None`` when absent or a literal)."""
    value = raw.get(key)
    if not isinstance(value, str) or not is_jsonata_expression(value):
        return None
    return compile_expression(value, key, f"{location}/{key}")


def _credentials(
    raw: JsonObject, credentials: Json, location: str, jsonata: bool
) -> PayloadTemplate | JsonataTemplate | None:
    if credentials is None:
        return None
    if jsonata:
        return jsonata_field(raw, "Credentials", location)
    return compile_template(credentials, f"{location}/Credentials")


def _literal_seconds(raw: JsonObject, key: str) -> int | None:
    value = raw.get(key)
    return None if is_jsonata_expression(value) else optional_integer(value)


def parse_task(name: str, raw: JsonObject, location: str, query_language: str) -> TaskState:
    resource = raw.get("Resource")
    if not isinstance(resource, str):
        raise fail(required_fields_message("Resource"), location)
    parameters = raw.get("Parameters")
    selector = raw.get("ResultSelector")
    credentials = raw.get("Credentials")
    common = parse_common(name, raw, location, query_language)
    return TaskState(
        common=common,
        resource=parse_resource(resource),
        parameters=None if parameters is None else compile_template(parameters, f"{location}/Parameters"),
        result_selector=None
        if selector is None
        else compile_template(selector, f"{location}/ResultSelector"),
        result_path=reference_path_field(raw, "ResultPath", location),
        retry=parse_retry(raw, location),
        catch=parse_catch(raw, location, common.query_language),
        timeout_seconds=_literal_seconds(raw, "TimeoutSeconds"),
        timeout_seconds_path=path_field(raw, "TimeoutSecondsPath", location, default=None),
        heartbeat_seconds=_literal_seconds(raw, "HeartbeatSeconds"),
        heartbeat_seconds_path=path_field(raw, "HeartbeatSecondsPath", location, default=None),
        credentials=_credentials(raw, credentials, location, common.is_jsonata),
        timeout_seconds_expression=seconds_expression(raw, "TimeoutSeconds", location),
        heartbeat_seconds_expression=seconds_expression(raw, "HeartbeatSeconds", location),
    )
