from __future__ import annotations

import random

import pytest

from emulator.language.errors import DefinitionError, StatesError
from emulator.language.evaluate.templates import compile_template

CONTEXT = {"Execution": {"Name": "exec", "Input": {"i": 1}}, "Map": {"Item": {"Value": 7}}}


def test_constant_template_returns_the_constant_itself() -> None:
    constant = {"a": 1, "nested": {"b": [1, {"c": None}]}}
    template = compile_template(constant)
    assert template.is_constant
    assert template.evaluate({"x": 1}, CONTEXT) is constant


def test_dynamic_keys_drop_the_suffix_and_take_paths_context_paths_and_intrinsics() -> None:
    template = compile_template(
        {
            "static": "keep $.not-a-path",
            "fromInput.$": "$.x",
            "whole.$": "$",
            "item.$": "$$.Map.Item.Value",
            "greeting.$": "States.Format('hi {}', $.name)",
            "nested": {"deep.$": "$.x.y", "list": [1, {"n.$": "$$.Execution.Name"}]},
        }
    )
    value = {"x": {"y": 2}, "name": "Ann"}
    assert template.evaluate(value, CONTEXT, random.Random(0)) == {
        "static": "keep $.not-a-path",
        "fromInput": {"y": 2},
        "whole": value,
        "item": 7,
        "greeting": "hi Ann",
        "nested": {"deep": 2, "list": [1, {"n": "exec"}]},
    }


def test_static_parts_are_shared_not_copied() -> None:
    static = {"big": [1, 2, 3]}
    result = compile_template({"s": static, "d.$": "$"}).evaluate({}, CONTEXT)
    assert result["s"] is static


def test_variables_are_available_to_paths() -> None:
    template = compile_template({"v.$": "$limit", "f.$": "States.Format('{}', $limit)"})
    assert template.evaluate({}, CONTEXT, None, {"limit": 5}) == {"v": 5, "f": "5"}


def test_path_matching_nothing_fails_with_aws_cause() -> None:
    template = compile_template({"value.$": "$.no_such_jsonpath"})
    with pytest.raises(StatesError) as caught:
        template.evaluate({"int-literal": 0}, CONTEXT)
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input "
        "'{\"int-literal\":0}'"
    )


def test_context_path_matching_nothing_fails_with_aws_cause() -> None:
    template = compile_template({"value.$": "$$.Execution.Input.no_such_jsonpath"})
    with pytest.raises(StatesError) as caught:
        template.evaluate({}, CONTEXT)
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause.startswith(
        "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be found"
    )


def test_intrinsic_path_argument_matching_nothing_fails_as_runtime_error() -> None:
    template = compile_template({"v.$": "States.Array($.missing)"})
    with pytest.raises(StatesError) as caught:
        template.evaluate({}, CONTEXT)
    assert caught.value.error == "States.Runtime"
    assert "'$.missing' specified for the field 'v.$'" in (caught.value.cause or "")


def test_intrinsic_failures_propagate() -> None:
    template = compile_template({"v.$": "States.ArrayGetItem($.a, 3)"})
    with pytest.raises(StatesError) as caught:
        template.evaluate({"a": []}, CONTEXT)
    assert caught.value.error == "States.IntrinsicFailure"


@pytest.mark.parametrize(
    "bad",
    [
        'States.StringToJson(\'{"text":"An \\"escaped double quote\\" here"}\')',
        "not a path",
        "$.",
        "States.Nope()",
        5,
        None,
        {"a": 1},
    ],
)
def test_invalid_dynamic_values_are_definition_errors(bad: object) -> None:
    with pytest.raises(DefinitionError) as caught:
        compile_template({"ok": 1, "inner": {"parsed.$": bad}}, "/States/IntrinsicEscape/Parameters")
    assert caught.value.code == "SCHEMA_VALIDATION_FAILED"
    assert caught.value.message == (
        "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call"
    )
    assert caught.value.location == "/States/IntrinsicEscape/Parameters"
