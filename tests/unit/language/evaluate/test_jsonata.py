"""JSONata expressions and templates: recognition, compilation, bindings, results and AWS's causes."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from emulator.language.errors import DefinitionError, StatesError
from emulator.language.evaluate.jsonata import (
    INVALID_JSONATA_EXPRESSION,
    JsonataBindings,
    compile_expression,
    compile_template,
    is_jsonata_expression,
    referenced_variables,
    unsupported_reference_message,
)

UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def bindings(states_input: Any = None, **kwargs: Any) -> JsonataBindings:
    kwargs.setdefault("context", {"State": {"Name": "S"}})
    return JsonataBindings(states_input, **kwargs)


def evaluate(text: str, states_input: Any = None, **kwargs: Any) -> Any:
    return compile_expression(text, "Output").evaluate(bindings(states_input, **kwargs))


def cause_of(text: str, field: str = "Output", expected: str | None = None, **kwargs: Any) -> str | None:
    with pytest.raises(StatesError) as raised:
        compile_expression(text, field).evaluate(bindings(**kwargs), expected=expected)
    assert raised.value.error == "States.QueryEvaluationError"
    return raised.value.cause


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% $x %}", True),
        ("{%$x%}", True),
        ("{% %}", True),
        (" {% $x %}", False),
        ("{% $x %} ", False),
        ("{%}", False),
        ("$states.input", False),
        (1, False),
        (None, False),
    ],
)
def test_an_expression_is_a_string_that_starts_and_ends_with_the_delimiters(
    value: Any, expected: bool
) -> None:
    assert is_jsonata_expression(value) is expected


def test_the_expression_text_is_trimmed_inside_the_delimiters() -> None:
    assert compile_expression("{%   $states.input.a  %}", "Output").text == "$states.input.a"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{% 1 + %}", "Unexpected end of expression"),
        ("{% %}", "Unexpected end of expression"),
        ("{% a[1,2) %}", 'Expected "]", got ","'),
        ('{% "unterminated %}', "String literal must be terminated by a matching quote"),
        ('{% {"a":} %}', 'The symbol "}" cannot be used as a unary operator'),
    ],
)
def test_a_syntax_error_is_a_definition_error_with_jsonatas_message(text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as raised:
        compile_expression(text, "Output", "/States/S/Output")
    assert (raised.value.code, raised.value.message, raised.value.location) == (
        INVALID_JSONATA_EXPRESSION,
        message,
        "/States/S/Output",
    )


def test_states_input_and_context_are_bound() -> None:
    context = {"State": {"Name": "Here"}}
    assert evaluate("{% $states.input.a %}", {"a": [1, 2]}) == [1, 2]
    assert evaluate("{% $states.context.State.Name %}", {}, context=context) == "Here"


def test_result_and_error_output_exist_only_when_given() -> None:
    assert evaluate("{% $states.result.x %}", {}, states_result={"x": 1}) == 1
    assert evaluate("{% $states.errorOutput.Error %}", {}, states_error_output={"Error": "E"}) == "E"
    assert evaluate("{% $keys($states) %}", {}) == ["input", "context"]
    assert evaluate("{% $keys($states) %}", {}, states_result=None) == ["input", "result", "context"]


def test_a_null_result_is_json_null_not_undefined() -> None:
    assert evaluate("{% $states.result %}", {}, states_result=None) is None


def test_variables_are_bound_by_name_and_null_stays_null() -> None:
    variables = {"count": 3, "nothing": None}
    assert evaluate("{% $count + 1 %}", variables=variables) == 4
    assert evaluate("{% $nothing %}", variables=variables) is None
    assert evaluate("{% $type($nothing) %}", variables=variables) == "null"


def test_json_nulls_in_the_input_are_null() -> None:
    assert evaluate("{% $states.input.a %}", {"a": None}) is None
    assert evaluate("{% $states.input.list[1] %}", {"list": [1, None]}) is None
    assert evaluate("{% [null, $states.input.a] %}", {"a": None}) == [None, None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $sum([1.5, 1.5]) %}", 3),
        ("{% 6 / 2 %}", 3),
        ('{% $number("2") %}', 2),
        ("{% 0.1 + 0.2 %}", 0.30000000000000004),
        ("{% 7 / 2 %}", 3.5),
    ],
)
def test_integral_numbers_are_integers_like_aws_prints_them(text: str, expected: Any) -> None:
    value = evaluate(text)
    assert value == expected and type(value) is type(expected)


def test_large_integers_are_javascript_doubles() -> None:
    # jsonata-js (what AWS runs) holds every number as a double: past 2**53 an integer is the nearest one.
    assert evaluate("{% $states.input %}", 2**63 + 1) == 2**63
    assert evaluate("{% $states.input %}", 2**53 + 1) == 2**53
    assert evaluate("{% $states.input %}", 2**53 - 1) == 2**53 - 1


def test_sequences_become_plain_lists() -> None:
    value = evaluate("{% $states.input.a.b %}", {"a": [{"b": 1}, {"b": 2}]})
    assert value == [1, 2] and type(value) is list
    single = evaluate("{% [1..3] %}")
    assert single == [1, 2, 3] and type(single) is list


def test_values_that_need_no_conversion_are_returned_without_copying() -> None:
    payload = {"a": {"b": [1, 2]}}
    assert evaluate("{% $states.input.a %}", payload) is payload["a"]


def test_undefined_result_is_a_query_evaluation_error() -> None:
    assert cause_of("{% $doesNotExist %}", "Output/result") == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing "
        "(undefined)."
    )


def test_a_function_result_is_an_unsupported_result_type() -> None:
    assert cause_of("{% $fn := function($x){$x} %}", "Items") == (
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an "
        "unsupported result type."
    )


def test_an_evaluation_error_reports_the_jsonata_code_and_message() -> None:
    assert cause_of("{% $randomSeeded(1) %}", "Output/FunctionResult") == (
        "The JSONata expression '$randomSeeded(1)' specified for the field 'Output/FunctionResult' threw an "
        "error during evaluation. T1006: Attempted to invoke a non-function"
    )
    assert cause_of("{% 'a' + 1 %}").endswith(
        'threw an error during evaluation. T2001: The left side of the "+" operator must evaluate to a number'
    )


def test_eval_is_not_available() -> None:
    assert cause_of('{% $eval("1") %}').endswith("T1006: Attempted to invoke a non-function")


@pytest.mark.parametrize(
    ("value", "described"),
    [
        ("string", "'string' for value: \"string\""),
        (1, "'number' for value: 1"),
        (None, "'null' for value: null"),
        (True, "'boolean' for value: true"),
        ({"foo": "bar"}, '\'object\' for value: {"foo":"bar"}'),
    ],
)
def test_an_expected_type_mismatch_names_both_types_and_the_value(value: Any, described: str) -> None:
    cause = cause_of("{% $ItemsVar %}", "Items", expected="array", variables={"ItemsVar": value})
    assert cause == (
        "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result "
        f"type. Expected 'array', but was {described}"
    )


def test_the_expected_type_passes_matching_values() -> None:
    expression = compile_expression("{% $v %}", "MaxConcurrency")
    assert expression.evaluate(bindings(variables={"v": 2.0}), expected="integer") == 2
    assert expression.evaluate(bindings(variables={"v": [1]}), expected="array") == [1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $partition([1, 2, 3, 4, 5], 2) %}", [[1, 2], [3, 4], [5]]),
        ("{% $partition([0], 1) %}", [[0]]),
        ("{% $range(0, 10, 3) %}", [0, 3, 6, 9]),
        ("{% $range(1, 9, 9) %}", 1),
        ("{% $range(5, 1, -2) %}", [5, 3, 1]),
        ("{% $hash('input data', 'SHA-1') %}", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("{% $hash('a', 'MD5') %}", "0cc175b9c0f1b6a831c399e269772661"),
        ('{% $parse("[1, 2, \\"x\\"]") %}', [1, 2, "x"]),
        ('{% $parse("1.0") %}', 1),
    ],
)
def test_step_functions_functions(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_partition_of_a_bad_size_is_an_evaluation_error() -> None:
    assert "threw an error during evaluation" in (cause_of("{% $partition([1], 0) %}") or "")


def test_random_and_uuid_draw_from_the_injected_generator() -> None:
    first = evaluate("{% [$random(), $uuid()] %}", rng=random.Random(5))
    second = evaluate("{% [$random(), $uuid()] %}", rng=random.Random(5))
    assert first == second
    assert 0 <= first[0] < 1 and UUID_V4.match(first[1])


def test_random_with_a_seed_is_reproducible() -> None:
    assert evaluate("{% $random(42) %}", rng=random.Random(1)) == evaluate("{% $random(42) %}")


def test_now_uses_the_given_time() -> None:
    assert evaluate("{% $now() %}", now_milliseconds=86_400_000) == "1970-01-02T00:00:00.000Z"
    assert evaluate("{% $millis() %}", now_milliseconds=5) == 5


def test_a_compiled_expression_evaluates_again_with_new_bindings() -> None:
    expression = compile_expression("{% $states.input * $factor %}", "Output")
    assert [expression.evaluate(bindings(n, variables={"factor": 10})) for n in (1, 2, 3)] == [10, 20, 30]


def test_expressions_compiled_later_do_not_disturb_earlier_ones() -> None:
    first = compile_expression("{% $now() %}", "Output")
    compile_expression("{% 1 %}", "Output")
    assert first.evaluate(bindings(now_milliseconds=0)) == "1970-01-01T00:00:00.000Z"


def test_a_template_evaluates_expressions_at_any_depth_and_keeps_literals() -> None:
    template = compile_template(
        {
            "fixed": " {% not an expression %} ",
            "path": "$states.input",
            "value": "{% $states.input.a %}",
            "nested": {"list": [1, "{% $states.input.a + 1 %}", {"deep": "{% $x %}"}]},
        },
        "Output",
    )
    assert template.evaluate(bindings({"a": 1}, variables={"x": "v"})) == {
        "fixed": " {% not an expression %} ",
        "path": "$states.input",
        "value": 1,
        "nested": {"list": [1, 2, {"deep": "v"}]},
    }


def test_a_template_without_expressions_is_its_literal_value() -> None:
    literal = {"a": [1, {"b": None}]}
    template = compile_template(literal, "Arguments")
    assert template.is_literal
    assert template.evaluate(bindings({})) is literal


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("{% $doesNotExist %}", "Output"),
        ({"result": "{% $doesNotExist %}"}, "Output/result"),
        ({"values": [1, "{% $doesNotExist %}"]}, "Output/values[1]"),
        ({"a": {"b": ["{% $doesNotExist %}"]}}, "Output/a/b[0]"),
    ],
)
def test_template_errors_name_the_field_path(template: Any, field: str) -> None:
    with pytest.raises(StatesError) as raised:
        compile_template(template, "Output").evaluate(bindings({}))
    assert raised.value.cause == (
        f"The JSONata expression '$doesNotExist' specified for the field '{field}' returned nothing (undefined)."
    )


def test_template_syntax_errors_are_located_at_the_member() -> None:
    with pytest.raises(DefinitionError) as raised:
        compile_template({"a": [1, "{% 1 + %}"]}, "Output", "/States/S/Output")
    assert raised.value.location == "/States/S/Output/a[1]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% $states.input.a %}", set()),
        ("{% $x + $y.z %}", {"x", "y"}),
        ("{% $sum($values) & $string($total) %}", {"values", "total"}),
        ("{% ($tmp := $x; $tmp + 1) %}", {"x"}),
        ("{% $map($list, function($v, $i) { $v + $i + $offset }) %}", {"list", "offset"}),
        ("{% $states.input.items@$item#$pos.($item + $pos + $base) %}", {"base"}),
        ("{% $ ~> $string %}", set()),
    ],
)
def test_referenced_variables_are_the_workflow_variables_read(text: str, expected: set[str]) -> None:
    assert referenced_variables(text) == expected
    assert compile_expression(text, "Output").variables == expected


def test_a_template_collects_the_variables_of_all_its_expressions() -> None:
    template = compile_template({"a": "{% $x %}", "b": ["{% $y + $states.input %}"], "c": "$z"}, "Output")
    assert template.variables == {"x", "y"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{% phone %}", ("phone",)),
        ("{% phone.number & other & phone %}", ("phone", "other")),
        ("{% $count(items) %}", ("items",)),
        ('{% {"a": phone} %}', ("phone",)),
        ("{% $states.input.phone %}", ()),
        ("{% $x[phone = 1].a %}", ()),
        ("{% $states.input.items[price > 10]^(name){a: b} %}", ()),
        ("{% $map($list, function($v) { $v.a }) %}", ()),
    ],
)
def test_top_level_references_are_field_names_read_from_the_absent_context(
    text: str, expected: tuple[str, ...]
) -> None:
    assert compile_expression(text, "Output").top_level_references == expected
    assert unsupported_reference_message("phone") == "Reference to 'phone' at the top level is not supported."
