"""Request validation against botocore's ``stepfunctions`` service model.

AWS answers a request that breaks a modelled constraint with ``ValidationException`` and a message
listing every violation (``1 validation error detected: Value null at 'stateMachineArn' failed to
satisfy constraint: Member must not be null``); a member of the wrong JSON type is a
``SerializationException``. The model is loaded once; per request we only walk the shapes.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from emulator.errors import SerializationException, ValidationException

_REDACTED = "*** Sensitive Data Redacted ***"


@dataclass(frozen=True, slots=True)
class _Shape:
    type: str
    members: tuple[tuple[str, _Shape], ...] = ()
    required: frozenset[str] = frozenset()
    member: _Shape | None = None  # list element / map value
    key: _Shape | None = None
    min: float | None = None
    max: float | None = None
    pattern: re.Pattern[str] | None = None
    pattern_text: str | None = None
    enum: tuple[str, ...] | None = None
    sensitive: bool = False
    utf8_length: bool = False  # the length constraint counts UTF-8 bytes, not characters


def _java_pattern(text: str) -> re.Pattern[str] | None:
    # The model's patterns are Java regexes; translate the few constructs Python lacks.
    translated = text.replace(r"\p{ASCII}", r"\x00-\x7f")
    if r"\x00-\x7f" in translated and "[" not in translated:
        translated = translated.replace(r"\x00-\x7f", r"[\x00-\x7f]")
    try:
        return re.compile(translated)
    except re.error:
        return None


def _convert(name: str, shapes: dict[str, Any], cache: dict[str, _Shape]) -> _Shape:
    if name in cache:
        return cache[name]
    raw = shapes[name]
    kind = raw["type"]
    pattern_text = raw.get("pattern")
    base: dict[str, Any] = dict(
        type=kind,
        min=raw.get("min"),
        max=raw.get("max"),
        pattern=_java_pattern(pattern_text) if pattern_text else None,
        pattern_text=pattern_text,
        enum=tuple(raw["enum"]) if "enum" in raw else None,
        sensitive=bool(raw.get("sensitive")),
    )
    if kind == "structure":
        cache[name] = _Shape(type=kind)  # recursion guard (the model has no recursion today)
        members = tuple(
            (member, _member_shape(ref, shapes, cache)) for member, ref in raw.get("members", {}).items()
        )
        result = _Shape(members=members, required=frozenset(raw.get("required", ())), **base)
    elif kind == "list":
        result = _Shape(member=_convert(raw["member"]["shape"], shapes, cache), **base)
    elif kind == "map":
        key = _convert(raw["key"]["shape"], shapes, cache)
        result = _Shape(key=key, member=_convert(raw["value"]["shape"], shapes, cache), **base)
    else:
        result = _Shape(**base)
    cache[name] = result
    return result


# The API reference says of the payload members (StartExecution / StartSyncExecution ``input``,
# SendTaskSuccess ``output``, …): "Length constraints apply to the payload size, and are expressed as
# bytes in UTF-8 encoding" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
_UTF8_LENGTH_NOTE = "bytes in UTF-8 encoding"


def _member_shape(ref: dict[str, Any], shapes: dict[str, Any], cache: dict[str, _Shape]) -> _Shape:
    shape = _convert(ref["shape"], shapes, cache)
    if _UTF8_LENGTH_NOTE in ref.get("documentation", "") and shape.type == "string":
        return replace(shape, utf8_length=True)
    return shape


def _load_model() -> dict[str, Any]:
    # Read botocore's model file directly: importing botocore costs more start-up time than we allow.
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        raise RuntimeError("botocore is not installed")
    folder = Path(spec.origin).parent / "data" / "stepfunctions"
    version = sorted(p.name for p in folder.iterdir() if p.is_dir())[-1]
    for candidate in ("service-2.json.gz", "service-2.json"):
        path = folder / version / candidate
        if path.exists():
            data = path.read_bytes()
            if candidate.endswith(".gz"):
                data = gzip.decompress(data)
            return json.loads(data)
    raise RuntimeError(f"no stepfunctions model under {folder / version}")


@lru_cache(maxsize=1)
def _operations() -> dict[str, _Shape | None]:
    model = _load_model()
    shapes = model["shapes"]
    cache: dict[str, _Shape] = {}
    out: dict[str, _Shape | None] = {}
    for name, operation in model["operations"].items():
        ref = operation.get("input")
        out[name] = _convert(ref["shape"], shapes, cache) if ref else None
    return out


def operation_names() -> frozenset[str]:
    return frozenset(_operations())


def _show(value: Any, shape: _Shape) -> str:
    if value is None:
        return "null"
    if shape.sensitive:
        return f"'{_REDACTED}'"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return f"'{'true' if value else 'false'}'"
    if isinstance(value, (list, dict)):
        return f"'{json.dumps(value, separators=(',', ':'))}'"
    # AWS quotes numbers too: "Value '1001' at 'maxResults' failed to satisfy constraint: …"
    return f"'{value}'"


class _Walker:
    def __init__(self) -> None:
        self.violations: list[str] = []

    def fail(self, value: Any, path: str, shape: _Shape, constraint: str) -> None:
        self.violations.append(
            f"Value {_show(value, shape)} at '{path}' failed to satisfy constraint: {constraint}"
        )

    def structure(self, value: dict[str, Any], shape: _Shape, prefix: str) -> None:
        for name, member in shape.members:
            path = f"{prefix}{name}"
            item = value.get(name)
            if item is None:
                if name in shape.required:
                    self.fail(None, path, member, "Member must not be null")
                continue
            self.value(item, member, path)

    def value(self, value: Any, shape: _Shape, path: str) -> None:
        kind = shape.type
        if kind == "structure":
            if not isinstance(value, dict):
                raise SerializationException(f"Unexpected value type for structure member '{path}'")
            self.structure(value, shape, f"{path}.")
        elif kind == "list":
            if not isinstance(value, list):
                raise SerializationException(f"Unexpected value type for list member '{path}'")
            self.length(value, len(value), shape, path)
            assert shape.member is not None
            for index, item in enumerate(value, start=1):
                if item is None:
                    continue
                self.value(item, shape.member, f"{path}.{index}.member")
        elif kind == "map":
            if not isinstance(value, dict):
                raise SerializationException(f"Unexpected value type for map member '{path}'")
            self.length(value, len(value), shape, path)
            assert shape.member is not None and shape.key is not None
            for key, item in value.items():
                self.value(key, shape.key, f"{path}.key")
                if item is not None:
                    self.value(item, shape.member, f"{path}.{key}")
        elif kind == "string":
            if not isinstance(value, str):
                raise SerializationException(f"STRING_VALUE can not be converted to a String at '{path}'")
            self.length(value, _string_length(value, shape), shape, path)
            if shape.enum is not None and value not in shape.enum:
                self.fail(
                    value, path, shape, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"
                )
            # The whole value must match, as Java's String.matches reads the model's patterns: an
            # unanchored \p{ASCII}* (TraceHeader) or [!-~]+ (ClientToken) would otherwise accept anything.
            if shape.pattern is not None and shape.pattern.fullmatch(value) is None:
                self.fail(
                    value,
                    path,
                    shape,
                    f"Member must satisfy regular expression pattern: {shape.pattern_text}",
                )
        elif kind in ("integer", "long", "float", "double"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SerializationException(f"NUMBER_VALUE can not be converted to a number at '{path}'")
            if kind in ("integer", "long") and isinstance(value, float) and not value.is_integer():
                raise SerializationException(f"NUMBER_VALUE can not be converted to an integer at '{path}'")
            if isinstance(value, float) and not math.isfinite(value):
                raise SerializationException(f"NUMBER_VALUE is not a finite number at '{path}'")
            if shape.min is not None and value < shape.min:
                self.fail(
                    value, path, shape, f"Member must have value greater than or equal to {_num(shape.min)}"
                )
            if shape.max is not None and value > shape.max:
                self.fail(
                    value, path, shape, f"Member must have value less than or equal to {_num(shape.max)}"
                )
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise SerializationException(f"BOOLEAN_VALUE can not be converted to a Boolean at '{path}'")
        elif kind == "timestamp" and (isinstance(value, bool) or not isinstance(value, (int, float, str))):
            raise SerializationException(f"Unexpected value type for timestamp member '{path}'")

    def length(self, value: Any, length: int, shape: _Shape, path: str) -> None:
        if shape.min is not None and length < shape.min:
            self.fail(
                value, path, shape, f"Member must have length greater than or equal to {_num(shape.min)}"
            )
        if shape.max is not None and length > shape.max:
            self.fail(value, path, shape, f"Member must have length less than or equal to {_num(shape.max)}")


def _string_length(value: str, shape: _Shape) -> int:
    """What a length constraint counts: UTF-8 bytes for the payload members, else characters."""
    if shape.utf8_length and not value.isascii():
        return len(value.encode("utf-8", "surrogatepass"))
    return len(value)


def _num(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def validate_request(operation: str, request: dict[str, Any]) -> None:
    """Raise ``ValidationException`` (all violations in one message) or ``SerializationException``."""
    shape = _operations().get(operation)
    if shape is None:
        return
    walker = _Walker()
    walker.structure(request, shape, "")
    count = len(walker.violations)
    if count:
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(walker.violations))
