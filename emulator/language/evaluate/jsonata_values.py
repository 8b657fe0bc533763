"""JSONata results as JSON values, the way AWS serialises them.

jsonata-python hands back its own shapes: sequences (``list`` subclasses), a ``NULL_VALUE`` marker
for JSONata ``null`` (``None`` is *undefined*), floats for computed numbers, and function objects.
AWS prints numbers the JavaScript way: an integral number is written without a fraction (``$sum``
of ``[1, 2, 3]`` plus 1 is ``7``, ``$number("2")`` is ``2``), so integral floats become ints below
1e21 (where JavaScript switches to exponent notation). NaN and infinities have no JSON form.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, TypeVar

from jsonata import utils
from jsonata.jsonata import Jsonata
from jsonata.parser import Parser

from emulator.model.types import Json, JsonObject

_NULL = utils.Utils.NULL_VALUE
_LARGEST_PLAIN_INTEGER = 1e21
# JSONata's numbers are JavaScript's doubles: an integer past 2**53 is the double nearest to it.
_LARGEST_EXACT_INTEGER = 2**53
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnsupportedResult(Exception):
    """The result holds a function (or another value JSON cannot carry)."""


class NonFiniteNumber(Exception):
    """The result holds NaN or an infinity."""


def to_json(value: object) -> Json:
    """The JSON value of a (defined) JSONata result; containers are rebuilt only where needed."""
    if value is None or value is _NULL:
        return None
    if isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        if -_LARGEST_EXACT_INTEGER <= value <= _LARGEST_EXACT_INTEGER:
            return value
        return _number(float(value))
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return _object(value)
    if isinstance(value, list):
        return _array(value)
    raise UnsupportedResult(type(value).__name__)


def _number(value: float) -> int | float:
    if not math.isfinite(value):
        raise NonFiniteNumber(value)
    if value.is_integer() and abs(value) < _LARGEST_PLAIN_INTEGER:
        return int(value)
    return value


def _object(value: JsonObject) -> dict[str, Json]:
    converted: dict[str, Json] | None = None
    indexed = False
    for index, (key, item) in enumerate(value.items()):
        if key[:1] in _DIGITS:
            indexed = True
        new = to_json(item)
        if converted is None and new is not item:
            converted = dict(list(value.items())[:index])
        if converted is not None:
            converted[key] = new
    result = value if converted is None else converted
    return js_key_order(result) if indexed else result


_DIGITS = frozenset("0123456789")
_Value = TypeVar("_Value")
_LARGEST_INDEX = 2**32 - 2


def _is_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) <= _LARGEST_INDEX


def js_key_order(value: dict[str, _Value]) -> dict[str, _Value]:
    """``value`` with its members in a JavaScript object's order: keys that are array indices
    (``"0"``, ``"10"``; not ``"01"``) first, ascending, then the others as they came. jsonata-js builds
    its objects as JavaScript objects, so ``{'b': 1, '2': 2}`` is ``{"2": 2, "b": 1}``."""
    indices = sorted((key for key in value if _is_index(key)), key=int)
    if not indices or list(value)[: len(indices)] == indices:
        return value
    ordered = {key: value[key] for key in indices}
    ordered.update((key, item) for key, item in value.items() if key not in ordered)
    return ordered


def _array(value: list[Any]) -> list[Json]:
    # jsonata-python's list subclasses (sequences, ranges) always become plain lists.
    plain = type(value) is list
    converted: list[Json] | None = None if plain else []
    for index in range(len(value)):
        item = value[index]
        new = to_json(item)
        if converted is None and new is not item:
            converted = list(value[:index])
        if converted is not None:
            converted.append(new)
    return value if converted is None else converted


def is_function(value: object) -> bool:
    return isinstance(value, Jsonata.JFunctionCallable) or (
        isinstance(value, Parser.Symbol) and value.type in ("lambda", "partial")
    )


def to_jsonata(value: Json) -> object:
    """A JSON value as a binding: a top-level ``None`` is JSONata ``null``, and so is one in a top-level
    array (the evaluator reads the nulls of the arrays it looks up)."""
    if value is None:
        return _NULL
    if type(value) is list and None in value:
        return [_NULL if item is None else item for item in value]
    return value


def json_type_name(value: Json) -> str:
    """The JSON type name AWS uses in its messages (``array``, ``object``, ``string``, …)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def js_number_text(value: float) -> str:
    """``Number.prototype.toString()`` of a finite number, which jsonata-js's ``JSON.stringify`` and
    ``$string`` write: the shortest digits that read back as the same double (Python's ``repr``
    finds the same ones), plain from 1e-6 up to 1e21, exponent notation (``1e-7``, ``1.5e+21``) beyond."""
    if value == 0:
        return "0"
    if isinstance(value, int) and -_LARGEST_EXACT_INTEGER <= value <= _LARGEST_EXACT_INTEGER:
        return str(value)
    number = float(value)
    sign = "-" if number < 0 else ""
    mantissa, _, power = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    # value = 0.<digits> x 10^point
    point = len(whole) + int(power or 0)
    digits = (whole + fraction).rstrip("0")
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped
    count = len(digits)
    if count <= point <= 21:
        text = digits + "0" * (point - count)
    elif 0 < point <= 21:
        text = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        text = f"0.{'0' * -point}{digits}"
    else:
        exponent = point - 1
        text = f"{digits[0]}{'.' + digits[1:] if count > 1 else ''}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + text


def js_json_text(value: object) -> str | None:
    """``JSON.stringify(value)`` of a JSONata value: compact, numbers as JavaScript writes them, a
    non-finite number as ``null``, JSONata ``null`` as ``null``; None (``undefined``) for a value
    JSON.stringify leaves out (``undefined``, a function), which an array writes as ``null``."""
    if value is _NULL:
        return "null"
    if value is None or is_function(value):
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return js_string_text(value)
    if isinstance(value, int | float):
        return js_number_text(value) if math.isfinite(value) else "null"
    if isinstance(value, dict):
        members = ((key, js_json_text(item) if item is not None else "null") for key, item in value.items())
        return (
            "{"
            + ",".join(f"{js_string_text(str(key))}:{text}" for key, text in members if text is not None)
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(js_json_text(item) or "null" for item in value) + "]"
    return None


def js_string_text(text: str) -> str:
    """``JSON.stringify`` of a string: non-ASCII as it is, a lone surrogate escaped (``\\ud800``)."""
    quoted = json.dumps(text, ensure_ascii=False)
    if _SURROGATE.search(quoted) is None:
        return quoted
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", quoted)
