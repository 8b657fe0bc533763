from __future__ import annotations

import random
import re

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.intrinsics import (
    InvalidIntrinsic,
    compile_intrinsic,
    format_value,
    is_intrinsic,
    java_number_text,
    json_equal,
)
from emulator.language.evaluate.jsonpath import PathNotFound

CONTEXT = {"StateMachine": {"Id": "arn:sm", "Name": "my-machine-name"}, "Execution": {"Name": "exec"}}


def evaluate(text: str, value: object = None, seed: int = 1) -> object:
    return compile_intrinsic(text).evaluate(value, CONTEXT, random.Random(seed))


def failure(text: str, value: object = None) -> StatesError:
    with pytest.raises(StatesError) as caught:
        evaluate(text, value)
    assert caught.value.error == "States.IntrinsicFailure"
    return caught.value


# --- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Array()", []),
        ("States.Array( 1 , -2.5 , 1e2, null, true, false )", [1, -2.5, 100.0, None, True, False]),
        (
            "States.Array('a', 'it\\'s', 'brace \\{\\}', 'back\\\\slash')",
            ["a", "it's", "brace {}", "back\\slash"],
        ),
        ("States.Array('Hello\nWorld')", ["Hello\nWorld"]),
        ("States.Array('a,b)', 'c')", ["a,b)", "c"]),
        ("States.Array($.x, $$.Execution.Name)", [{"y": 1}, "exec"]),
        ("States.Array($.x[?(@.y > 0)], $.list[0])", [[{"y": 1}], 1]),
        ("States.Array(States.Array(1), States.ArrayLength($.list))", [[1], 3]),
    ],
)
def test_arguments_of_every_kind_are_parsed(text: str, expected: object) -> None:
    assert evaluate(text, {"x": {"y": 1}, "list": [1, 2, 3]}) == expected


@pytest.mark.parametrize(
    "text",
    [
        'States.StringToJson(\'{"text":"An \\"escaped\\" here"}\')',  # \" is not an escape
        "States.Format('a\\nb')",
        "States.NoSuchFunction(1)",
        "States.Array(1",
        "States.Array(1) trailing",
        "States.Array(1,)",
        "States.Array('unterminated)",
        "States.Array(undefined)",
        "States.ArrayLength()",
        "States.UUID(1)",
        "States.JsonMerge($.a, $.b)",
        "States.Array($.)",
        "Format('x')",
    ],
)
def test_invalid_calls_are_rejected_at_compile_time(text: str) -> None:
    with pytest.raises(InvalidIntrinsic):
        compile_intrinsic(text)


def test_nesting_is_limited_to_ten_calls() -> None:
    ten = "States.Array(" * 10 + ")" * 10
    assert compile_intrinsic(ten).name == "Array"
    with pytest.raises(InvalidIntrinsic):
        compile_intrinsic("States.Array(" * 11 + ")" * 11)


def test_is_intrinsic_recognises_calls_only() -> None:
    assert is_intrinsic("States.Format('x')")
    assert not is_intrinsic("$.a")
    assert not is_intrinsic("States.Format")
    assert not is_intrinsic(3)


def test_missing_path_argument_raises_path_not_found() -> None:
    with pytest.raises(PathNotFound):
        evaluate("States.Array($.missing)", {})


# --- functions -----------------------------------------------------------------------------------


def test_format_inserts_values_as_aws_renders_them() -> None:
    value = {"s": "text", "n": None, "i": 1, "f": 1.1, "b": True, "o": {"Arg1": 1, "Arg2": []}, "l": ["x", 2]}
    result = evaluate("States.Format('{} {} {} {} {} {} {}', $.s, $.n, $.i, $.f, $.b, $.o, $.l)", value)
    assert result == "text null 1 1.1 true {Arg1=1, Arg2=[]} [x, 2]"


def test_format_of_a_context_object_uses_java_map_text() -> None:
    assert evaluate("States.Format('snd={}.', $$.StateMachine)") == "snd={Id=arn:sm, Name=my-machine-name}."


def test_format_escaped_braces_are_literal() -> None:
    assert evaluate("States.Format('\\{\\} and {}', 'x')") == "{} and x"


def test_format_template_may_come_from_a_path() -> None:
    assert evaluate("States.Format($.t, 'x')", {"t": "Hello {}!"}) == "Hello x!"


def test_format_with_wrong_argument_count_fails() -> None:
    failure("States.Format('{} {}', 'only one')")


def test_java_number_text_matches_java_double_to_string() -> None:
    assert [java_number_text(v) for v in (1.1, 1.0, 1e20, 1.5e-5, 12345678.0, -2.5e10, 7)] == [
        "1.1",
        "1.0",
        "1.0E20",
        "1.5E-5",
        "1.2345678E7",
        "-2.5E10",
        "7",
    ]
    assert format_value([None, False]) == "[null, false]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        (" ", None),
        ("null", None),
        ("-0", 0),
        ("1.1", 1.1),
        ('"HelloWorld"', "HelloWorld"),
        ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
    ],
)
def test_string_to_json_parses_json_text(text: str, expected: object) -> None:
    assert evaluate("States.StringToJson($.s)", {"s": text}) == expected


def test_string_to_json_of_invalid_text_fails() -> None:
    failure("States.StringToJson('{not json')")
    failure("States.StringToJson($.n)", {"n": 1})


def test_json_to_string_is_compact() -> None:
    assert evaluate("States.JsonToString($)", {"Arg1": 1, "Arg2": [1, "x"]}) == '{"Arg1":1,"Arg2":[1,"x"]}'


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [([], 2, []), ([0, 1, 2], 2, [[0, 1], [2]]), ([0, 1, 2, 3], 4, [[0, 1, 2, 3]]), ([0], 5, [[0]])],
)
def test_array_partition_chunks(items: list[int], size: int, expected: list[list[int]]) -> None:
    assert evaluate("States.ArrayPartition($.a, $.n)", {"a": items, "n": size}) == expected


def test_array_partition_rejects_non_positive_sizes_and_non_arrays() -> None:
    failure("States.ArrayPartition($.a, 0)", {"a": [1]})
    failure("States.ArrayPartition($.a, 1)", {"a": "nope"})


def test_array_contains_uses_json_equality() -> None:
    assert evaluate("States.ArrayContains($.a, 1)", {"a": [True, {"x": 1}, 1.0]}) is True
    assert evaluate("States.ArrayContains($.a, 1)", {"a": [True]}) is False
    assert evaluate("States.ArrayContains($.a, $.v)", {"a": [{"x": [1]}], "v": {"x": [1]}}) is True


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0, 9, 3), [0, 3, 6, 9]),
        ((0, 10, 3), [0, 3, 6, 9]),
        ((1, 9, 9), [1]),
        ((9, 0, -4), [9, 5, 1]),
        ((5, 1, 1), []),
    ],
)
def test_array_range_is_inclusive(args: tuple[int, int, int], expected: list[int]) -> None:
    assert evaluate("States.ArrayRange({}, {}, {})".format(*args)) == expected


def test_array_range_limits() -> None:
    failure("States.ArrayRange(0, 10, 0)")
    failure("States.ArrayRange(0, 1000, 1)")
    assert len(evaluate("States.ArrayRange(1, 1000, 1)")) == 1000  # type: ignore[arg-type]


def test_array_get_item_and_length() -> None:
    value = {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}
    assert evaluate("States.ArrayGetItem($.a, 5)", value) == 6
    assert evaluate("States.ArrayLength($.a)", value) == 9
    failure("States.ArrayGetItem($.a, 9)", value)
    failure("States.ArrayGetItem($.a, -1)", value)
    failure("States.ArrayLength($.s)", {"s": "abc"})


def test_array_unique_keeps_first_occurrences() -> None:
    value = {"a": [1, 1.0, True, None, None, "x", [1], [1], {"k": 1}, {"k": 1}, {"k": 2}]}
    assert evaluate("States.ArrayUnique($.a)", value) == [1, True, None, "x", [1], {"k": 1}, {"k": 2}]


def test_base64_round_trip() -> None:
    assert evaluate("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU="
    assert evaluate("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode"
    assert evaluate("States.Base64Encode('')") == ""
    failure("States.Base64Decode('***')")
    failure("States.Base64Encode($.s)", {"s": "x" * 10001})


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
    ],
)
def test_hash_algorithms(algorithm: str, digest: str) -> None:
    assert evaluate(f"States.Hash('input data', '{algorithm}')") == digest


def test_hash_rejects_unknown_algorithms() -> None:
    failure("States.Hash('input data', 'SHA-3')")


def test_json_merge_is_shallow_and_right_biased() -> None:
    value = {"l": {"a": {"a1": 1}, "b": 2, "d": 3}, "r": {"a": {"a3": 1}, "c": 3, "d": 4}}
    assert evaluate("States.JsonMerge($.l, $.r, false)", value) == {"a": {"a3": 1}, "b": 2, "d": 4, "c": 3}
    failure("States.JsonMerge($.l, $.r, true)", value)
    failure("States.JsonMerge($.l, 1, false)", value)


def test_math_add_rounds_to_integers() -> None:
    assert evaluate("States.MathAdd(1, -1)") == 0
    assert evaluate("States.MathAdd(1.5, 1)") == 3
    failure("States.MathAdd('1', 1)")


def test_math_random_draws_from_the_given_generator_within_bounds() -> None:
    draws = {evaluate("States.MathRandom(1, 4)", seed=seed) for seed in range(40)}
    assert draws == {1, 2, 3}
    assert evaluate("States.MathRandom(1, 1000)", seed=5) == evaluate("States.MathRandom(1, 1000)", seed=5)
    seeded = {evaluate("States.MathRandom(1, 1000, 42)", seed=seed) for seed in range(5)}
    assert len(seeded) == 1
    failure("States.MathRandom(5, 5)")


@pytest.mark.parametrize(
    ("text", "delimiters", "expected"),
    [
        (" , ", ",", [" ", " "]),
        (", , ,", ",", [" ", " "]),
        (",,,,", ",", []),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("split on T and \nnew line", "T\n", ["split on ", " and ", "new line"]),
    ],
)
def test_string_split_splits_on_every_delimiter_character(
    text: str, delimiters: str, expected: list[str]
) -> None:
    assert evaluate("States.StringSplit($.t, $.d)", {"t": text, "d": delimiters}) == expected


def test_uuid_is_a_version_4_uuid_from_the_generator() -> None:
    first = evaluate("States.UUID()", seed=3)
    assert isinstance(first, str)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)
    assert evaluate("States.UUID()", seed=3) == first
    assert evaluate("States.UUID()", seed=4) != first


def test_nested_calls_compose() -> None:
    text = (
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
        "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"
    )
    assert evaluate(text) == "name"


def test_json_equal_distinguishes_booleans_from_numbers() -> None:
    assert json_equal(1, 1.0)
    assert not json_equal(1, True)
    assert not json_equal({"a": 1}, {"a": 1, "b": 2})
