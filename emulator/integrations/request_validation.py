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
    node = _node(service.service_name, shape)
    if node not in _MARKED:
        _mark(node, set())
    if service.protocol in _JSON_PROTOCOLS:
        problem = _type_problem(request, node, top=True)
        if problem is not None:
            return Rejection("SerializationException", problem)
    name = service.service_name
    if name == "sqs":
        missing = next((m for m in node.required if request.get(m) is None), None)
        if missing is not None:
            return Rejection("MissingParameter", f"The request must contain the parameter {missing}.")
    problems: list[str] = []
    _constraints(request, node, None, problems)
    if not problems:
        return None
    count = len(problems)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(problems)
    return Rejection(SERVICE_CODES.get(name, "ValidationException"), message)


class _Node:
    """What validation reads of one shape, taken from botocore once (its shapes are rebuilt on access)."""

    __slots__ = (
        "kind",
        "name",
        "location",
        "by_name",
        "required",
        "member",
        "value",
        "enum",
        "pattern",
        "low",
        "high",
        "shown",
        "checked",
    )

    def __init__(self, shape: Any) -> None:
        self.kind: str = shape.type_name
        self.name: str = shape.name
        self.location: str | None = None  # set for a member sent outside the body (see _located)
        metadata = shape.metadata
        self.enum: tuple[str, ...] | None = tuple(metadata["enum"]) if metadata.get("enum") else None
        self.pattern: str | None = metadata.get("pattern")
        self.low = metadata.get("min")
        self.high = metadata.get("max")
        self.by_name: dict[str, _Node] = {}
        self.shown: dict[str, str] = {}  # member name -> its name in the service's messages
        # Whether a value of this shape can break a constraint (False: nothing below it to check).
        self.checked = True
        self.required: tuple[str, ...] = ()
        self.member: _Node | None = None
        self.value: _Node | None = None


_NODES: dict[tuple[str, str], _Node] = {}
_MARKED: set[_Node] = set()


def _mark(node: _Node, visiting: set[int]) -> bool:
    """Set ``checked``: whether the node or anything below it has a constraint to check."""
    if node in _MARKED:
        return node.checked
    if id(node) in visiting:
        return True  # a recursive shape: assume so while its own answer is being found
    visiting.add(id(node))
    own = bool(node.enum or node.pattern or node.low is not None or node.high is not None or node.required)
    children = [*node.by_name.values(), *(n for n in (node.member, node.value) if n is not None)]
    below = [_mark(child, visiting) for child in children]
    node.checked = own or any(below)
    visiting.discard(id(node))
    _MARKED.add(node)
    return node.checked


def _node(service: str, shape: Any) -> _Node:
    key = (service, shape.name)
    found = _NODES.get(key)
    if found is not None:
        return found
    node = _NODES[key] = _Node(shape)  # registered first: shapes may be recursive (AttributeValue)
    if node.kind == "structure":
        for name, member in shape.members.items():
            child = _node(service, member)
            if member.serialization.get("location"):
                child = _located(service, member)
            node.shown[name] = _member_name(name, member)
            node.by_name[name] = child
        node.required = tuple(shape.required_members)
    elif node.kind == "list":
        node.member = _node(service, shape.member)
    elif node.kind == "map":
        node.value = _node(service, shape.value)
    return node


def _located(service: str, member: Any) -> _Node:
    """A member sent in the URI / a header / the query string (its shape may also travel in a body)."""
    key = (service, f"{member.name}@{member.serialization.get('location')}")
    found = _NODES.get(key)
    if found is None:
        found = _NODES[key] = _Node(member)
        found.location = member.serialization.get("location")
    return found


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


def _type_problem(value: Any, node: _Node, top: bool = False) -> str | None:
    """The deserializer's complaint about the first value of the wrong JSON type, if any."""
    if value is None:
        return None
    kind = node.kind
    if not top and node.location not in _BODY_LOCATIONS:
        return None  # a URI / header / query member travels as text
    if kind in ("structure", "map"):
        if isinstance(value, list):
            return "Start of list found where not expected"
        if not isinstance(value, dict):
            return f"{_token(value)} cannot be converted to {node.name}"
        if kind == "map":
            assert node.value is not None
            for item in value.values():
                problem = _type_problem(item, node.value)
                if problem is not None:
                    return problem
            return None
        for key, item in value.items():
            member = node.by_name.get(key)
            if member is not None:
                problem = _type_problem(item, member)
                if problem is not None:
                    return problem
        return None
    if isinstance(value, dict):
        return "Start of structure or map found where not expected"
    if kind == "list":
        if not isinstance(value, list):
            return f"{_token(value)} cannot be converted to {node.name}"
        assert node.member is not None
        for item in value:
            problem = _type_problem(item, node.member)
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


Path = tuple[object, str] | None  # (parent path, segment): rendered only for a message


def _render(path: Path) -> str:
    parts: list[str] = []
    while path is not None:
        parent, segment = path
        parts.append(segment)
        path = parent  # type: ignore[assignment]
    return ".".join(reversed(parts))


def _constraints(value: Any, node: _Node, path: Path, problems: list[str]) -> None:
    kind = node.kind
    if kind == "structure" and isinstance(value, dict):
        for name in node.required:
            if value.get(name) is None:
                shown = node.shown[name]
                problems.append(
                    f"Value null at '{_render((path, shown))}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        for key, item in value.items():
            member = node.by_name.get(key)
            if member is not None and item is not None and member.checked:
                _constraints(item, member, (path, node.shown[key]), problems)
        return
    if kind == "list" and isinstance(value, list):
        _range(len(value), node, value, path, "length", problems)
        member = node.member
        assert member is not None
        if member.checked:
            for index, item in enumerate(value, start=1):
                _constraints(item, member, ((path, str(index)), "member"), problems)
        return
    if kind == "map" and isinstance(value, dict):
        _range(len(value), node, value, path, "length", problems)
        member = node.value
        assert member is not None
        if member.checked:
            for key, item in value.items():
                _constraints(item, member, ((path, str(key)), "member"), problems)
        return
    if kind == "string" and isinstance(value, str):
        if node.enum and value not in node.enum:
            problems.append(
                f"Value {_shown(value)} at '{_render(path)}' failed to satisfy constraint: Member must "
                f"satisfy enum value set: [{', '.join(node.enum)}]"
            )
            return
        if node.pattern and not _matches(node.pattern, value):
            problems.append(
                f"Value {_shown(value)} at '{_render(path)}' failed to satisfy constraint: Member must "
                f"satisfy regular expression pattern: {node.pattern}"
            )
        _range(len(value), node, value, path, "length", problems)
        return
    if kind in _NUMBER_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        _range(value, node, value, path, "value", problems)


def _range(measured: float, node: _Node, value: Any, path: Path, what: str, problems: list[str]) -> None:
    low, high = node.low, node.high
    if isinstance(low, int | float) and measured < low:
        problems.append(
            f"Value {_shown(value)} at '{_render(path)}' failed to satisfy constraint: Member must have {what} "
            f"greater than or equal to {low}"
        )
    elif isinstance(high, int | float) and measured > high:
        problems.append(
            f"Value {_shown(value)} at '{_render(path)}' failed to satisfy constraint: Member must have {what} "
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
