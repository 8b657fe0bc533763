"""Every example and every input-validation rule of the intrinsic functions page, one row each.

Rows come from "Intrinsic functions for JSONPath states in Step Functions",
https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html (the examples of each
function, its "Input validation" list and the "Reserved characters" section). A rule broken at run
time fails the state with ``States.IntrinsicFailure``; a call that is not well formed is refused
when the definition is compiled.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.intrinsics import InvalidIntrinsic, compile_intrinsic


def evaluate(text: str, value: Any = None, seed: int = 1) -> Any:
    return compile_intrinsic(text).evaluate(value, {}, random.Random(seed))


NINE = list(range(1, 10))

# Page: intrinsic-functions.html — the example of each function (input, call, documented result).
DOCUMENTED_EXAMPLES = [
    (
        "Format, literal template",
        "States.Format('Hello, my name is {}.', $.name)",
        {"name": "Arnav"},
        "Hello, my name is Arnav.",
    ),
    (
        "Format, template from a path",
        "States.Format($.template, $.name)",
        {"name": "Arnav", "template": "Hello, my name is {}."},
        "Hello, my name is Arnav.",
    ),
    (
        "StringToJson",
        "States.StringToJson($.escapedJsonString)",
        {"escapedJsonString": '{"foo": "bar"}'},
        {"foo": "bar"},
    ),
    (
        "JsonToString",
        "States.JsonToString($.unescapedJson)",
        {"unescapedJson": {"foo": "bar"}},
        '{"foo":"bar"}',
    ),
    ("Array", "States.Array($.Id)", {"Id": 123456}, [123456]),
    (
        "ArrayPartition",
        "States.ArrayPartition($.inputArray,4)",
        {"inputArray": NINE},
        [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    ),
    (
        "ArrayContains",
        "States.ArrayContains($.inputArray, $.lookingFor)",
        {"inputArray": NINE, "lookingFor": 5},
        True,
    ),
    ("ArrayRange", "States.ArrayRange(1, 9, 2)", None, [1, 3, 5, 7, 9]),
    ("ArrayGetItem", "States.ArrayGetItem($.inputArray, $.index)", {"inputArray": NINE, "index": 5}, 6),
    ("ArrayLength", "States.ArrayLength($.inputArray)", {"inputArray": NINE}, 9),
    (
        "ArrayUnique",
        "States.ArrayUnique($.inputArray)",
        {"inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4]},
        [1, 2, 3, 4],
    ),
    ("Base64Encode", "States.Base64Encode($.input)", {"input": "Data to encode"}, "RGF0YSB0byBlbmNvZGU="),
    ("Base64Decode", "States.Base64Decode($.base64)", {"base64": "RGF0YSB0byBlbmNvZGU="}, "Data to encode"),
    (
        "Hash",
        "States.Hash($.Data, $.Algorithm)",
        {"Data": "input data", "Algorithm": "SHA-1"},
        "aaff4a450a104cd177d28d18d74485e8cae074b7",
    ),
    (
        "JsonMerge (shallow: json2's a replaces json1's a)",
        "States.JsonMerge($.json1, $.json2, false)",
        {"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}},
        {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3},
    ),
    ("MathAdd", "States.MathAdd($.value1, $.step)", {"value1": 111, "step": -1}, 110),
    (
        "StringSplit, one delimiter",
        "States.StringSplit($.inputString, $.splitter)",
        {"inputString": "1,2,3,4,5", "splitter": ","},
        ["1", "2", "3", "4", "5"],
    ),
    (
        "StringSplit, every character of the splitter splits",
        "States.StringSplit($.inputString, $.splitter)",
        {"inputString": "This.is+a,test=string", "splitter": ".+,="},
        ["This", "is", "a", "test", "string"],
    ),
    # "Reserved characters in intrinsic functions": \' \{ \} \\ stand for ' { } \.
    (
        "reserved characters are escaped with a backslash",
        "States.Format('\\'\\{\\}\\\\ {}', 'x')",
        None,
        "'{}\\ x",
    ),
]


@pytest.mark.parametrize(
    ("example", "text", "value", "expected"), DOCUMENTED_EXAMPLES, ids=[row[0] for row in DOCUMENTED_EXAMPLES]
)
def test_documented_example(example: str, text: str, value: Any, expected: Any) -> None:
    assert evaluate(text, value) == expected


# Page: intrinsic-functions.html — the "Input validation" rules, each broken once.
DOCUMENTED_FAILURES = [
    ("ArrayPartition: the first argument must be an array", "States.ArrayPartition($.a, 2)", {"a": {"k": 1}}),
    ("ArrayPartition: the chunk size must be non-zero", "States.ArrayPartition($.a, 0)", {"a": NINE}),
    ("ArrayPartition: the chunk size must be positive", "States.ArrayPartition($.a, -2)", {"a": NINE}),
    ("ArrayPartition: the chunk size must be a number", "States.ArrayPartition($.a, 'two')", {"a": NINE}),
    ("ArrayContains: the first argument must be an array", "States.ArrayContains($.a, 1)", {"a": "123"}),
    ("ArrayRange: the arguments must be integers", "States.ArrayRange('1', 9, 2)", None),
    ("ArrayRange: the step must be non-zero", "States.ArrayRange(1, 9, 0)", None),
    ("ArrayRange: at most 1000 items", "States.ArrayRange(0, 1000, 1)", None),
    ("ArrayRange: at most 1000 items, counting down", "States.ArrayRange(2000, 0, -2)", None),
    ("ArrayGetItem: the first argument must be an array", "States.ArrayGetItem($.a, 0)", {"a": {"0": 1}}),
    ("ArrayGetItem: the index must be non-negative", "States.ArrayGetItem($.a, -1)", {"a": NINE}),
    ("ArrayGetItem: the index must be in the array", "States.ArrayGetItem($.a, 9)", {"a": NINE}),
    ("ArrayLength: the argument must be an array", "States.ArrayLength($.a)", {"a": {"k": 1}}),
    ("ArrayUnique: the argument must be an array", "States.ArrayUnique($.a)", {"a": "aab"}),
    ("Base64Encode: at most 10,000 characters", "States.Base64Encode($.s)", {"s": "a" * 10001}),
    ("Base64Encode: the argument must be a string", "States.Base64Encode($.s)", {"s": 12}),
    ("Base64Decode: at most 10,000 characters", "States.Base64Decode($.s)", {"s": "QUFB" * 2501}),
    ("Base64Decode: the argument must be base64", "States.Base64Decode($.s)", {"s": "not base64!"}),
    ("Hash: at most 10,000 characters", "States.Hash($.s, 'SHA-256')", {"s": "a" * 10001}),
    ("Hash: the algorithm must be one of the five", "States.Hash($.s, 'SHA-224')", {"s": "x"}),
    ("Hash: algorithm names are exact", "States.Hash($.s, 'sha-256')", {"s": "x"}),
    ("JsonMerge: only shallow merging is supported", "States.JsonMerge($.a, $.b, true)", {"a": {}, "b": {}}),
    (
        "JsonMerge: the first two arguments must be objects",
        "States.JsonMerge($.a, $.b, false)",
        {"a": [1], "b": {}},
    ),
    ("MathRandom: the start and end must be numbers", "States.MathRandom('1', 999)", None),
    ("MathAdd: the arguments must be numbers", "States.MathAdd($.a, 1)", {"a": "1"}),
    ("MathAdd: at most 2147483647", "States.MathAdd(2147483648, 0)", None),
    ("MathAdd: at least -2147483648", "States.MathAdd(0, -2147483649)", None),
    ("StringSplit: the first argument must be a string", "States.StringSplit($.s, ',')", {"s": ["a,b"]}),
    ("StringSplit: the delimiter must be a string", "States.StringSplit('a,b', $.d)", {"d": 1}),
    ("StringToJson: the argument must be JSON text", "States.StringToJson($.s)", {"s": "{foo: bar}"}),
    ("Format: one argument per placeholder", "States.Format('{} and {}', $.a)", {"a": 1}),
]


@pytest.mark.parametrize(
    ("rule", "text", "value"), DOCUMENTED_FAILURES, ids=[row[0] for row in DOCUMENTED_FAILURES]
)
def test_documented_rule_fails_with_intrinsic_failure(rule: str, text: str, value: Any) -> None:
    with pytest.raises(StatesError) as caught:
        evaluate(text, value)
    assert caught.value.error == "States.IntrinsicFailure"
    assert caught.value.cause


# Page: intrinsic-functions.html — limits met exactly, and the documented rounding of non-integers
# ("Step Functions will round it off to the nearest integer").
DOCUMENTED_BOUNDARIES = [
    ("ArrayRange: exactly 1000 items", "States.ArrayLength(States.ArrayRange(1, 1000, 1))", None, 1000),
    (
        "Base64Encode: exactly 10,000 characters",
        "States.Base64Encode($.s)",
        {"s": "a" * 10000},
        "YWFh" * 3333 + "YQ==",
    ),
    ("Base64Decode: exactly 10,000 characters", "States.Base64Decode($.s)", {"s": "YWFh" * 2500}, "a" * 7500),
    (
        "Hash: exactly 10,000 characters",
        "States.Hash($.s, 'MD5')",
        {"s": "a" * 10000},
        "0d0c9c4db6953fee9e03f528cafd7d3e",
    ),
    (
        "Hash: SHA-384",
        "States.Hash('input data', 'SHA-384')",
        None,
        "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562",
    ),
    (
        "Hash: SHA-512",
        "States.Hash('input data', 'SHA-512')",
        None,
        "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce"
        "2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4",
    ),
    ("MathAdd: the extreme integers", "States.MathAdd(2147483647, -2147483648)", None, -1),
    ("MathAdd: non-integers are rounded", "States.MathAdd($.a, $.b)", {"a": 1.5, "b": 2.4}, 4),
    (
        "ArrayPartition: a non-integer chunk size is rounded",
        "States.ArrayPartition($.a, 2.5)",
        {"a": [1, 2, 3, 4, 5, 6, 7]},
        [[1, 2, 3], [4, 5, 6], [7]],
    ),
    ("ArrayGetItem: a non-integer index is rounded", "States.ArrayGetItem($.a, 1.6)", {"a": [1, 2, 3]}, 3),
    ("ArrayRange: non-integers are rounded", "States.ArrayRange(1.4, 3.6, 1)", None, [1, 2, 3, 4]),
    (
        "Base64Decode: padding may be left off",
        "States.Base64Decode('RGF0YSB0byBlbmNvZGU')",
        None,
        "Data to encode",
    ),
    ("StringToJson: JSON text of any type", "States.StringToJson('[1, true, null]')", None, [1, True, None]),
]


@pytest.mark.parametrize(
    ("rule", "text", "value", "expected"),
    DOCUMENTED_BOUNDARIES,
    ids=[row[0] for row in DOCUMENTED_BOUNDARIES],
)
def test_documented_limit_or_rounding(rule: str, text: str, value: Any, expected: Any) -> None:
    assert evaluate(text, value) == expected


def test_math_random_start_is_inclusive_and_end_exclusive() -> None:
    # Page: intrinsic-functions.html, States.MathRandom ("start number" inclusive, "end number" exclusive).
    draws = {
        evaluate("States.MathRandom($.start, $.end)", {"start": 1, "end": 3}, seed) for seed in range(60)
    }
    assert draws == {1, 2}
    assert 1 <= evaluate("States.MathRandom($.start, $.end)", {"start": 1, "end": 999}) < 999


def test_math_random_with_a_seed_repeats_whatever_the_generator() -> None:
    # Page: intrinsic-functions.html, States.MathRandom (optional seed argument).
    draws = {evaluate("States.MathRandom(1, 999, 1234)", None, seed) for seed in range(10)}
    assert len(draws) == 1


def test_math_random_rounds_non_integer_bounds() -> None:
    # Page: intrinsic-functions.html, States.MathRandom input validation (non-integers are rounded).
    assert {evaluate("States.MathRandom(0.6, 1.9)", None, seed) for seed in range(20)} == {1}


def test_uuid_is_a_version_4_uuid() -> None:
    # Page: intrinsic-functions.html, States.UUID ("a version 4 universally unique identifier").
    text = evaluate("States.UUID()")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", text)


def test_the_page_nine_nested_call_compiles_and_eleven_levels_do_not() -> None:
    # Page: intrinsic-functions.html — "You can nest up to 10 intrinsic functions within a field"; the
    # myArn example nests nine.
    nine = (
        "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
        "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit("
        "States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))"
    )
    assert compile_intrinsic(nine).name == "Format"
    with pytest.raises(InvalidIntrinsic):
        compile_intrinsic("States.Array(" * 11 + ")" * 11)


def test_an_open_escape_backslash_is_refused() -> None:
    # Page: intrinsic-functions.html, "Reserved characters": an open escape backslash is an error.
    with pytest.raises(InvalidIntrinsic):
        compile_intrinsic("States.Format('a\\b')")
