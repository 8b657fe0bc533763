"""What a service answers to a request it cannot accept, read from botocore's model of the service.

A task's parameters reach the service as Step Functions sends them, and the *service* judges them:
its answer (error code, message, HTTP status) is what the task fails with, never the text of a
client-side library. botocore validates requests on the client (``ParamValidationError``: "Invalid
type for parameter Item.id, value: 123456, type: <class 'str'>") and moto accepts many requests AWS
refuses (a table name outside its pattern, an out-of-range number), so ``check_request`` applies the
model the way AWS's servers do, in two steps:

1. **Deserialization** (JSON protocols: ``json``, ``rest-json``): a value of the wrong JSON type never
   becomes a request; the service answers ``SerializationException`` with the wording of AWS's JSON
   deserializer (HTTP 400).
2. **Validation** of every member against the model's constraints (``required``, ``min`` / ``max``
   length or value, ``pattern``, ``enum``): one message listing every violation, in model order, with
   the member path in the service's casing (``tableName``, ``keySchema.1.member.attributeName``):
   ``1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not
   be null``.

| check                  | AWS's text (after ``Value <v> at '<path>' failed to satisfy constraint: ``)       |
|------------------------|-----------------------------------------------------------------------------------|
| required member absent | ``Member must not be null`` (the value is ``null``)                               |
| string / list length   | ``Member must have length greater than or equal to <min>`` / ``less than … <max>`` |
| number range           | ``Member must have value greater than or equal to <min>`` / ``less than … <max>``  |
| pattern                | ``Member must satisfy regular expression pattern: <pattern>``                     |
| enum                   | ``Member must satisfy enum value set: [<a>, <b>]``                                |

Error code per service (``SERVICE_CODES``): ``ValidationException`` (DynamoDB, Lambda, Step Functions,
EventBridge, ECS, Glue, Batch, CodeBuild, Secrets Manager …), ``ValidationError`` for the Query-protocol
services (SNS, IAM, STS …); SQS names a missing member with its own ``MissingParameter`` text.
Pages: DynamoDB https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html,
Lambda https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html,
SQS https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html,
SNS https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from emulator.integrations.clients import ServiceError

# Services whose validation failures carry another code than ``ValidationException``.
SERVICE_CODES = {"sns": "ValidationError", "iam": "ValidationError", "sts": "ValidationError"}
_JSON_PROTOCOLS = {"json", "rest-json", "smithy-rpc-v2-cbor"}
_NUMBER_TYPES = {"integer": "Integer", "long": "Long", "float": "Float", "double": "Double"}
_BODY_LOCATIONS = {None, "", "body"}


@dataclass(frozen=True, slots=True)
class Rejection:
    """The service's answer to a request it refuses."""

    code: str
    message: str
    status: int = 400


def check_request(operation: Any, request: Mapping[str, Any]) -> Rejection | None:
    """The service's refusal of ``request`` for botocore's ``operation`` model, or ``None``."""
    shape = operation.input_shape
    if shape is None:
        return None
    service = operation.service_model
    protocol = service.protocol
    if protocol in _JSON_PROTOCOLS:
        problem = _type_problem(request, shape, top=True)
        if problem is not None:
            return Rejection("SerializationException", problem)
    name = service.service_name
    if name == "sqs":
        missing = next((m for m in shape.required_members if request.get(m) is None), None)
        if missing is not None:
            return Rejection("MissingParameter", f"The request must contain the parameter {missing}.")
    problems: list[str] = []
    _constraints(request, shape, "", problems)
    if not problems:
        return None
    count = len(problems)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
    return Rejection(SERVICE_CODES.get(name, "ValidationException"), message)


def service_error(service_model: Any, service: str, rejection: Rejection) -> ServiceError:
    """``rejection`` as the client seam reports a service's error (with the model's exception name)."""
    shape = next(
        (str(e.name) for e in service_model.error_shapes if rejection.code in (e.name, e.error_code)), None
    )
    return ServiceError(
        service, rejection.code, rejection.message, rejection.status, str(uuid.uuid4()), shape
    )


def check_call(
    service_model: Any, service: str, operation: str, request: Mapping[str, Any]
) -> ServiceError | None:
    """The service's refusal of ``request`` (``operation`` is botocore's name), or ``None``."""
    if service_model is None or operation not in service_model.operation_names:
        return None
    rejection = check_request(service_model.operation_model(operation), request)
    return None if rejection is None else service_error(service_model, service, rejection)


def refusal(service_model: Any, service: str, operation: str, request: Mapping[str, Any]) -> ServiceError:
    """The service's answer to a request botocore refused on the client: its text never reaches a task."""
    found = check_call(service_model, service, operation, request)
    if found is not None:
        return found
    rejection = Rejection(
        "ValidationException", f"1 validation error detected: the {operation} request is not valid"
    )
    return service_error(service_model, service, rejection)


# --- deserialization --------------------------------------------------------------------------------


def _token(value: Any) -> str:
    """The JSON token AWS's deserializer names in its messages."""
    if isinstance(value, bool):
        return "TRUE_VALUE" if value else "FALSE_VALUE"
    if isinstance(value, int | float):
        return "NUMBER_VALUE"
    return "STRING_VALUE"


def _type_problem(value: Any, shape: Any, top: bool = False) -> str | None:
    """The deserializer's complaint about the first value of the wrong JSON type, if any."""
    if value is None:
        return None
    kind = shape.type_name
    location = shape.serialization.get("location")
    if not top and location not in _BODY_LOCATIONS:
        return None  # a URI / header / query member travels as text
    if kind in ("structure", "map"):
        if isinstance(value, list):
            return "Start of list found where not expected"
        if not isinstance(value, dict):
            return f"{_token(value)} cannot be converted to {shape.name}"
        if kind == "map":
            for item in value.values():
                problem = _type_problem(item, shape.value)
                if problem is not None:
                    return problem
            return None
        for key, item in value.items():
            member = shape.members.get(key)
            if member is not None:
                problem = _type_problem(item, member)
                if problem is not None:
                    return problem
        return None
    if isinstance(value, dict):
        return "Start of structure or map found where not expected"
    if kind == "list":
        if not isinstance(value, list):
            return f"{_token(value)} cannot be converted to {shape.name}"
        for item in value:
            problem = _type_problem(item, shape.member)
            if problem is not None:
                return problem
        return None
    if isinstance(value, list):
        return "Start of list found where not expected"
    if kind == "string":
        if not isinstance(value, str):
            return f"{_token(value)} cannot be converted to String"
    elif kind in _NUMBER_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{_token(value)} cannot be converted to {_NUMBER_TYPES[kind]}"
        if kind in ("integer", "long") and isinstance(value, float) and not value.is_integer():
            return f"NUMBER_VALUE cannot be converted to {_NUMBER_TYPES[kind]}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return f"{_token(value)} cannot be converted to Boolean"
    elif kind in ("blob", "timestamp") and not isinstance(value, str | bytes | bytearray | int | float):
        return f"{_token(value)} cannot be converted to {kind.capitalize()}"
    return None


# --- validation ------------------------------------------------------------------------------------


def _member_name(name: str, member: Any) -> str:
    """The member's name in the service's own model (``TableName`` → ``tableName``)."""
    wire = member.serialization.get("name") if member is not None else None
    base = name if wire is None or member.serialization.get("location") else wire
    return base[:1].lower() + base[1:]


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, str | int | float):
        return f"'{value}'"
    return "'" + str(value) + "'"


def _constraints(value: Any, shape: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            child = f"{path}.{_member_name(name, member)}" if path else _member_name(name, member)
            item = value.get(name)
            if item is None:
                if name in shape.required_members:
                    problems.append(
                        f"Value null at '{child}' failed to satisfy constraint: Member must not be null"
                    )
                continue
            _constraints(item, member, child, problems)
        return
    metadata = shape.metadata
    if kind == "list" and isinstance(value, list):
        _range(len(value), metadata, value, path, "length", problems)
        for index, item in enumerate(value, start=1):
            _constraints(item, shape.member, f"{path}.{index}.member", problems)
        return
    if kind == "map" and isinstance(value, dict):
        _range(len(value), metadata, value, path, "length", problems)
        for key, item in value.items():
            _constraints(item, shape.value, f"{path}.{key}.member", problems)
        return
    if kind == "string" and isinstance(value, str):
        enum = metadata.get("enum")
        if enum and value not in enum:
            problems.append(
                f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must satisfy "
                f"enum value set: [{', '.join(enum)}]"
            )
            return
        pattern = metadata.get("pattern")
        if pattern and not _matches(pattern, value):
            problems.append(
                f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must satisfy "
                f"regular expression pattern: {pattern}"
            )
        _range(len(value), metadata, value, path, "length", problems)
        return
    if kind in _NUMBER_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        _range(value, metadata, value, path, "value", problems)


def _range(
    measured: float, metadata: Mapping[str, Any], value: Any, path: str, what: str, problems: list[str]
) -> None:
    low, high = metadata.get("min"), metadata.get("max")
    if isinstance(low, int | float) and measured < low:
        problems.append(
            f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must have {what} "
            f"greater than or equal to {low}"
        )
    elif isinstance(high, int | float) and measured > high:
        problems.append(
            f"Value {_shown(value)} at '{path}' failed to satisfy constraint: Member must have {what} "
            f"less than or equal to {high}"
        )


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The model's (Java) pattern in Python's dialect; ``None`` when it cannot be read (not checked)."""
    # Unicode classes (\p{L}, \p{Alnum} …) are read loosely as word characters: never a false refusal.
    # Java's negated classes and nested / intersected sets (``[a-z[0-9]]``, ``&&``) read otherwise.
    if "\\P{" in pattern or "&&" in pattern or _has_nested_set(pattern):
        return None
    translated = re.sub(r"\\p\{[A-Za-z_]+\}", r"\\w", pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # "possible nested set": Java's union
        try:
            return re.compile(translated, re.DOTALL)
        except (re.error, FutureWarning):
            return None


def _has_nested_set(pattern: str) -> bool:
    """Whether a character class holds another one (Java reads ``[a-z[0-9]]`` as a union)."""
    in_class = escaped = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            if in_class:
                return True
            in_class = True
        elif char == "]" and in_class and pattern[index - 1] != "[":
            in_class = False
    return False


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(value) is not None
