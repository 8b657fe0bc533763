"""Every typed argument of every intrinsic function, given each JSON type once.

Rows come from "Intrinsic functions for JSONPath states in Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html): each function's
arguments and their types (arrays, integers — "Step Functions will round it off to the nearest integer"
for decimals —, strings, JSON objects, the JsonMerge boolean) and the rule that a function's input
validation failing fails the state with ``States.IntrinsicFailure``. The arguments come from the input
through paths, so the type, not the literal syntax, is what is checked; a boolean is never a number.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.intrinsics import compile_intrinsic

SAMPLES: dict[str, Any] = {
    "string": "text",
    "integer": 2,
    "decimal": 1.6,
    "boolean": True,
    "null": None,
    "array": [1, 2],
    "object": {"k": 1},
}
NUMBER = ("integer", "decimal")

# (function, the arguments that succeed, {argument index: the JSON types that argument takes}).
SIGNATURES: list[tuple[str, list[Any], dict[int, tuple[str, ...]]]] = [
    ("ArrayPartition", [[1, 2, 3], 2], {0: ("array",), 1: NUMBER}),
    ("ArrayContains", [[1, 2, 3], 2], {0: ("array",)}),
    ("ArrayRange", [1, 5, 2], {0: NUMBER, 1: NUMBER, 2: NUMBER}),
    ("ArrayGetItem", [[1, 2, 3], 1], {0: ("array",), 1: NUMBER}),
    ("ArrayLength", [[1, 2, 3]], {0: ("array",)}),
    ("ArrayUnique", [[1, 1, 2]], {0: ("array",)}),
    ("Base64Encode", ["text"], {0: ("string",)}),
    ("Base64Decode", ["dGV4dA=="], {0: ("string",)}),
    ("Hash", ["text", "MD5"], {1: ("string",)}),
    ("JsonMerge", [{"a": 1}, {"b": 2}, False], {0: ("object",), 1: ("object",), 2: ("boolean",)}),
    ("StringToJson", ['{"a":1}'], {0: ("string",)}),
    ("MathRandom", [1, 10, 7], {0: NUMBER, 1: NUMBER, 2: NUMBER}),
    ("MathAdd", [1, 2], {0: NUMBER, 1: NUMBER}),
    ("StringSplit", ["a,b", ","], {0: ("string",), 1: ("string",)}),
    ("Format", ["x{}", 1], {0: ("string",)}),
]

# A value of the accepted type that also meets the function's other rules (base64 text, an algorithm name…).
VALID_REPLACEMENTS: dict[tuple[str, int, str], Any] = {
    ("Base64Decode", 0, "string"): "dGV4dA==",
    ("Hash", 1, "string"): "SHA-256",
    ("JsonMerge", 2, "boolean"): False,
    ("StringToJson", 0, "string"): "[1]",
    ("ArrayGetItem", 1, "decimal"): 0.4,
    ("ArrayRange", 1, "integer"): 9,
    ("ArrayRange", 1, "decimal"): 8.6,
    ("MathRandom", 1, "integer"): 9,
    ("MathRandom", 1, "decimal"): 8.6,
    ("Format", 0, "string"): "{}",
}

ROWS = [
    (name, index, type_name, type_name in accepted)
    for name, _arguments, slots in SIGNATURES
    for index, accepted in slots.items()
    for type_name in SAMPLES
]


def _call(name: str, count: int) -> str:
    return f"States.{name}(" + ", ".join(f"$.arguments[{index}]" for index in range(count)) + ")"


@pytest.mark.parametrize(
    ("name", "index", "type_name", "accepted"),
    ROWS,
    ids=[f"{name}-argument{index + 1}-{type_name}" for name, index, type_name, _ in ROWS],
)
def test_each_argument_takes_only_its_documented_type(
    name: str, index: int, type_name: str, accepted: bool
) -> None:
    arguments = list(next(row[1] for row in SIGNATURES if row[0] == name))
    arguments[index] = VALID_REPLACEMENTS.get((name, index, type_name), SAMPLES[type_name])
    call = compile_intrinsic(_call(name, len(arguments)))
    if accepted:
        call.evaluate({"arguments": arguments}, {}, random.Random(1))
        return
    with pytest.raises(StatesError) as caught:
        call.evaluate({"arguments": arguments}, {}, random.Random(1))
    assert caught.value.error == "States.IntrinsicFailure"
    assert f"States.{name}" in caught.value.cause


# Functions whose arguments take any JSON value: each type once, with what the page says they return.
ANY_TYPE = [
    ("Array", "States.Array($.v)", lambda value: [value]),
    ("ArrayContains value", "States.ArrayContains(States.Array($.v), $.v)", lambda value: True),
    ("JsonToString", "States.StringToJson(States.JsonToString($.v))", lambda value: value),
    ("Format argument", "States.ArrayLength(States.Array(States.Format('{}', $.v)))", lambda value: 1),
]


@pytest.mark.parametrize(("case", "text", "expected"), ANY_TYPE, ids=[row[0] for row in ANY_TYPE])
@pytest.mark.parametrize("type_name", list(SAMPLES))
def test_arguments_of_any_type(case: str, text: str, expected: Any, type_name: str) -> None:
    value = SAMPLES[type_name]
    assert compile_intrinsic(text).evaluate({"v": value}, {}, random.Random(1)) == expected(value)
