"""Intrinsic functions (``States.Format(...)`` and the 17 others), parsed once into a small AST.

Syntax accepted: ``States.<Name>(arg, ...)`` where an argument is a string literal in single
quotes (escapes ``\\'``, ``\\{``, ``\\}``, ``\\\\`` only — any other backslash is a syntax error, as
AWS rejects ``\\"``), a number, ``null``, ``true``/``false``, a path (``$.x``, ``$$.x``, ``$var``)
or a nested intrinsic call (a path runs to the next top-level ``,`` or ``)``; inside its quotes
a backslash escapes the next character, as Jayway reads it). ``compile_intrinsic`` raises
``InvalidIntrinsic`` (a ``ValueError``) on syntax errors (numbers past a double's range
included), unknown functions and wrong argument counts; the template compiler turns that
into AWS's ``SCHEMA_VALIDATION_FAILED`` diagnostic. Runtime argument problems raise
``StatesError("States.IntrinsicFailure", cause)``; a path argument that matches nothing raises
``PathNotFound`` for the caller to word.

The corpus has no recorded ``States.IntrinsicFailure`` cause, so those texts are our own wording.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import random
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias, TypeGuard

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonpath import InvalidPath, JsonPath, compile_path
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json, JsonObject

_MAX_NESTING = 10
_MAX_STRING_LENGTH = 10000
_MAX_RANGE_ITEMS = 1000
# States.MathAdd takes Java int arguments (the developer guide: "integer values in the range of
# -2147483648 and 2147483647").
_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1
_HASH_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
_NUMBER_RE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_NAME_RE = re.compile(r"States\.([A-Za-z0-9]+)\s*\(")
_LITERAL_ESCAPES = frozenset("'{}\\")


Variables: TypeAlias = "Mapping[str, Json] | None"


class InvalidIntrinsic(ValueError):
    """The text is not a valid intrinsic function call (raised at compile time)."""


# --- AST -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    value: Json
    # For string literals: the text between the quotes with escapes kept, which States.Format needs
    # to tell an escaped brace from a placeholder.
    raw: str | None = None

    def evaluate(
        self, value: Json, context: Mapping[str, Json] | None, rng: random.Random | None, variables: Variables
    ) -> Json:
        return self.value


@dataclass(frozen=True, slots=True)
class PathArgument:
    path: JsonPath

    def evaluate(
        self, value: Json, context: Mapping[str, Json] | None, rng: random.Random | None, variables: Variables
    ) -> Json:
        return self.path.get(value, context, variables)


Argument: TypeAlias = "Literal | PathArgument | Intrinsic"


@dataclass(frozen=True, slots=True)
class Intrinsic:
    """A compiled call. ``evaluate`` computes it against a state's input and context object.

    ``rng`` feeds States.MathRandom (without a seed argument) and States.UUID; the runtime passes
    its injected generator so tests are deterministic (a fresh unseeded one is used if omitted).
    """

    text: str
    name: str
    arguments: tuple[Argument, ...]

    def evaluate(
        self,
        value: Json,
        context: Mapping[str, Json] | None = None,
        rng: random.Random | None = None,
        variables: Mapping[str, Json] | None = None,
    ) -> Json:
        values = [argument.evaluate(value, context, rng, variables) for argument in self.arguments]
        function = _FUNCTIONS[self.name][0]
        return function(self, values, rng if rng is not None else random.Random())


# --- parser --------------------------------------------------------------------------------------


def is_intrinsic(text: object) -> TypeGuard[str]:
    """True when ``text`` looks like an intrinsic call (``States.Name(``); validity is checked by
    ``compile_intrinsic``."""
    return isinstance(text, str) and _NAME_RE.match(text.lstrip()) is not None


def compile_intrinsic(text: str) -> Intrinsic:
    """Parse an intrinsic function call; raises ``InvalidIntrinsic`` when it is not valid."""
    if not isinstance(text, str):
        raise InvalidIntrinsic("an intrinsic function call must be a string")
    parser = _Parser(text)
    parser.skip_space()
    call = parser.call(depth=1)
    parser.skip_space()
    if parser.position != len(text):
        raise InvalidIntrinsic(f"unexpected text after the call at {parser.position}: {text!r}")
    return call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def skip_space(self) -> None:
        while self.position < len(self.text) and self.text[self.position] in " \t\r\n":
            self.position += 1

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def call(self, depth: int) -> Intrinsic:
        if depth > _MAX_NESTING:
            raise InvalidIntrinsic(f"more than {_MAX_NESTING} nested intrinsic functions")
        start = self.position
        match = _NAME_RE.match(self.text, self.position)
        if match is None:
            raise InvalidIntrinsic(f"expected an intrinsic function at {self.position}: {self.text!r}")
        name = match.group(1)
        if name not in _FUNCTIONS:
            raise InvalidIntrinsic(f"unknown intrinsic function States.{name}")
        self.position = match.end()
        arguments: list[Argument] = []
        self.skip_space()
        if self.peek() == ")":
            self.position += 1
        else:
            while True:
                self.skip_space()
                arguments.append(self.argument(depth))
                self.skip_space()
                separator = self.peek()
                self.position += 1
                if separator == ")":
                    break
                if separator != ",":
                    raise InvalidIntrinsic(f"expected ',' or ')' at {self.position - 1}: {self.text!r}")
        low, high = _FUNCTIONS[name][1], _FUNCTIONS[name][2]
        if len(arguments) < low or (high is not None and len(arguments) > high):
            raise InvalidIntrinsic(f"wrong number of arguments for States.{name}: {len(arguments)}")
        return Intrinsic(text=self.text[start : self.position], name=name, arguments=tuple(arguments))

    def argument(self, depth: int) -> Argument:
        char = self.peek()
        if char == "'":
            return self.string()
        if char == "$":
            return PathArgument(self.path())
        if self.text.startswith("States.", self.position):
            return self.call(depth + 1)
        for word, constant in (("null", None), ("true", True), ("false", False)):
            if self.text.startswith(word, self.position) and not self._word_continues(len(word)):
                self.position += len(word)
                return Literal(constant)
        match = _NUMBER_RE.match(self.text, self.position)
        if match is not None and not self._word_continues(match.end() - self.position):
            self.position = match.end()
            try:
                number = from_json_text(match.group())
            except ValueError:  # past a double's range: no JSON value can hold it
                raise InvalidIntrinsic(f"number out of range at {match.start()}: {self.text!r}") from None
            return Literal(number)
        raise InvalidIntrinsic(f"unexpected argument at {self.position}: {self.text!r}")

    def _word_continues(self, length: int) -> bool:
        following = self.text[self.position + length : self.position + length + 1]
        return following.isalnum() or following in ("_", ".")

    def string(self) -> Literal:
        self.position += 1  # opening quote
        start = self.position
        chars: list[str] = []
        while True:
            if self.position >= len(self.text):
                raise InvalidIntrinsic(f"unterminated string literal: {self.text!r}")
            char = self.text[self.position]
            if char == "'":
                raw = self.text[start : self.position]
                self.position += 1
                return Literal("".join(chars), raw)
            if char == "\\":
                escaped = self.text[self.position + 1 : self.position + 2]
                if escaped not in _LITERAL_ESCAPES or not escaped:
                    raise InvalidIntrinsic(f"illegal escape sequence at {self.position}: {self.text!r}")
                chars.append(escaped)
                self.position += 2
                continue
            chars.append(char)
            self.position += 1

    def path(self) -> JsonPath:
        # A path runs to the next ',' or ')' outside brackets and quotes (filters contain both).
        start = self.position
        depth = 0
        quote = ""
        while self.position < len(self.text):
            char = self.text[self.position]
            if quote:
                if char == "\\":  # Jayway: a backslash escapes the next character inside quotes
                    self.position += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.position += 1
        text = self.text[start : self.position].rstrip()
        try:
            return compile_path(text)
        except InvalidPath as error:
            raise InvalidIntrinsic(str(error)) from None


# --- argument checks -----------------------------------------------------------------------------


def _failure(cause: str) -> StatesError:
    return StatesError(ErrorName.INTRINSIC_FAILURE, cause)


def _is_number(value: Json) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer(call: Intrinsic, value: Json, role: str) -> int:
    """An integer argument; non-integers are rounded to the nearest integer (AWS documents this)."""
    if not _is_number(value):
        raise _failure(f"The {role} argument of {_qualified(call)} must be a number, got {_describe(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _failure(f"The {role} argument of {_qualified(call)} must be a finite number")
        return math.floor(value + 0.5)
    return value


def _string(call: Intrinsic, value: Json, role: str) -> str:
    if not isinstance(value, str):
        raise _failure(f"The {role} argument of {_qualified(call)} must be a string, got {_describe(value)}")
    return value


def _array(call: Intrinsic, value: Json, role: str = "first") -> list[Json]:
    if not isinstance(value, list):
        raise _failure(f"The {role} argument of {_qualified(call)} must be an array, got {_describe(value)}")
    return value


def _object(call: Intrinsic, value: Json, role: str) -> JsonObject:
    if not isinstance(value, dict):
        raise _failure(
            f"The {role} argument of {_qualified(call)} must be a JSON object, got {_describe(value)}"
        )
    return value


def _qualified(call: Intrinsic) -> str:
    return f"States.{call.name}"


def _describe(value: Json) -> str:
    return to_json_text(value)


def json_equal(left: Json, right: Json) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` equals ``1.0``, containers compare deeply."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


# --- rendering for States.Format -----------------------------------------------------------------


def java_number_text(value: int | float) -> str:
    """A number as Java prints it (``1.0E20`` rather than Python's ``1e+20``)."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    magnitude = abs(value)
    if value == 0 or 1e-3 <= magnitude < 1e7:
        return repr(value)
    # Shortest round-trip digits, laid out as d.dddE<n>.
    _, digit_tuple, exponent = Decimal(repr(magnitude)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    scientific_exponent = len(digit_tuple) - 1 + int(exponent)
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{scientific_exponent}"


def format_value(value: Json) -> str:
    """A value as States.Format inserts it: strings raw, containers as Java's toString does."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return java_number_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{key}={format_value(item)}" for key, item in value.items()) + "}"


def _format_template(call: Intrinsic, template: str, raw: bool) -> list[str]:
    """Split a template at its ``{}`` placeholders; escapes are resolved only in raw literals."""
    pieces: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(template):
        char = template[position]
        if raw and char == "\\" and position + 1 < len(template):
            current.append(template[position + 1])
            position += 2
            continue
        if char == "{" and template.startswith("{}", position):
            pieces.append("".join(current))
            current = []
            position += 2
            continue
        if char in "{}":
            raise _failure(
                f"The template of {_qualified(call)} contains an unescaped '{char}' that is not a placeholder"
            )
        current.append(char)
        position += 1
    pieces.append("".join(current))
    return pieces


# --- the functions -------------------------------------------------------------------------------


def _format(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    template_argument = call.arguments[0]
    if isinstance(template_argument, Literal) and template_argument.raw is not None:
        pieces = _format_template(call, template_argument.raw, raw=True)
    else:
        pieces = _format_template(call, _string(call, values[0], "first"), raw=False)
    arguments = values[1:]
    if len(pieces) - 1 != len(arguments):
        raise _failure(
            f"The number of arguments of {_qualified(call)} ({len(arguments)}) does not match the number "
            f"of placeholders in its template ({len(pieces) - 1})"
        )
    out = [pieces[0]]
    for argument, piece in zip(arguments, pieces[1:], strict=True):
        out.append(format_value(argument))
        out.append(piece)
    return "".join(out)


def _string_to_json(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    text = _string(call, values[0], "first")
    if not text.strip():
        return None
    try:
        return from_json_text(text.strip())
    except ValueError:
        raise _failure(f"The argument of {_qualified(call)} is not valid JSON text: {text}") from None


def _json_to_string(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    return to_json_text(values[0])


def _array_constructor(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    return list(values)


def _array_partition(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    items = _array(call, values[0])
    size = _integer(call, values[1], "second")
    if size <= 0:
        raise _failure(f"The chunk size of {_qualified(call)} must be a positive integer, got {size}")
    return [items[start : start + size] for start in range(0, len(items), size)]


def _array_contains(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    items = _array(call, values[0])
    return any(json_equal(item, values[1]) for item in items)


def _array_range(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    start = _integer(call, values[0], "first")
    end = _integer(call, values[1], "second")
    step = _integer(call, values[2], "third")
    if step == 0:
        raise _failure(f"The step of {_qualified(call)} must not be 0")
    count = max(0, (end - start) // step + 1)
    if count > _MAX_RANGE_ITEMS:
        raise _failure(f"{_qualified(call)} would produce {count} items; the maximum is {_MAX_RANGE_ITEMS}")
    return [start + index * step for index in range(count)]


def _array_get_item(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    items = _array(call, values[0])
    index = _integer(call, values[1], "second")
    if not 0 <= index < len(items):
        raise _failure(
            f"The index {index} is out of bounds for {_qualified(call)} on an array of length {len(items)}"
        )
    return items[index]


def _array_length(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    return len(_array(call, values[0]))


def _array_unique(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    unique: list[Json] = []
    for item in _array(call, values[0]):
        if not any(json_equal(item, seen) for seen in unique):
            unique.append(item)
    return unique


def _limited_string(call: Intrinsic, value: Json) -> str:
    text = _string(call, value, "first")
    if len(text) > _MAX_STRING_LENGTH:
        raise _failure(f"The input of {_qualified(call)} exceeds {_MAX_STRING_LENGTH} characters")
    return text


def _base64_encode(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    return base64.b64encode(_limited_string(call, values[0]).encode("utf-8", "replace")).decode("ascii")


def _base64_decode(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    text = _limited_string(call, values[0])
    # Padding may be left off (as Java's decoders allow); a length that no padding can fix, or a
    # character outside the alphabet, is not base64.
    if len(text) % 4 in (2, 3) and "=" not in text:
        text += "=" * (4 - len(text) % 4)
    try:
        return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError):
        raise _failure(f"The input of {_qualified(call)} is not valid base64 text") from None


def _hash(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    data = values[0] if isinstance(values[0], str) else to_json_text(values[0])
    if len(data) > _MAX_STRING_LENGTH:
        raise _failure(f"The input of {_qualified(call)} exceeds {_MAX_STRING_LENGTH} characters")
    algorithm = _string(call, values[1], "second")
    if algorithm not in _HASH_ALGORITHMS:
        raise _failure(
            f"The hash algorithm {algorithm} is not supported by {_qualified(call)}; use one of "
            + ", ".join(_HASH_ALGORITHMS)
        )
    return hashlib.new(_HASH_ALGORITHMS[algorithm], data.encode("utf-8", "replace")).hexdigest()


def _json_merge(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    first, second, deep = values
    left = _object(call, first, "first")
    right = _object(call, second, "second")
    if not isinstance(deep, bool):
        raise _failure(f"The third argument of {_qualified(call)} must be a boolean, got {_describe(deep)}")
    if deep:
        raise _failure(f"{_qualified(call)} supports only shallow merging; its third argument must be false")
    return {**left, **right}


def _math_random(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    start = _integer(call, values[0], "first")
    end = _integer(call, values[1], "second")
    if len(values) == 3:
        rng = random.Random(_integer(call, values[2], "third"))
    if end <= start:
        raise _failure(f"The end of {_qualified(call)} ({end}) must be greater than its start ({start})")
    return rng.randrange(start, end)


def _math_add(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    total = 0
    for value, role in zip(values, ("first", "second"), strict=True):
        number = _integer(call, value, role)
        if not _MIN_INT <= number <= _MAX_INT:
            raise _failure(
                f"The {role} argument of {_qualified(call)} ({number}) is outside the integer range "
                f"[{_MIN_INT}, {_MAX_INT}]"
            )
        total += number
    return total


def _string_split(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    text = _string(call, values[0], "first")
    delimiters = _string(call, values[1], "second")
    if not delimiters:
        return [text] if text else []
    # Every delimiter character separates; empty tokens are dropped.
    pattern = "[" + re.escape(delimiters) + "]"
    return [token for token in re.split(pattern, text) if token]


def _uuid(call: Intrinsic, values: list[Json], rng: random.Random) -> Json:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


_Function = Callable[[Intrinsic, list[Json], random.Random], Json]

# name -> (implementation, minimum arguments, maximum arguments or None)
_FUNCTIONS: dict[str, tuple[_Function, int, int | None]] = {
    "Format": (_format, 1, None),
    "StringToJson": (_string_to_json, 1, 1),
    "JsonToString": (_json_to_string, 1, 1),
    "Array": (_array_constructor, 0, None),
    "ArrayPartition": (_array_partition, 2, 2),
    "ArrayContains": (_array_contains, 2, 2),
    "ArrayRange": (_array_range, 3, 3),
    "ArrayGetItem": (_array_get_item, 2, 2),
    "ArrayLength": (_array_length, 1, 1),
    "ArrayUnique": (_array_unique, 1, 1),
    "Base64Encode": (_base64_encode, 1, 1),
    "Base64Decode": (_base64_decode, 1, 1),
    "Hash": (_hash, 2, 2),
    "JsonMerge": (_json_merge, 3, 3),
    "MathRandom": (_math_random, 2, 3),
    "MathAdd": (_math_add, 2, 2),
    "StringSplit": (_string_split, 2, 2),
    "UUID": (_uuid, 0, 0),
}
