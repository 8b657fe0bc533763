from __future__ import annotations

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.io import (
    DISCARD,
    ROOT_PATH,
    ROOT_REFERENCE_PATH,
    apply_input_path,
    apply_output_path,
    apply_result_path,
    runtime_error_prefix,
)
from emulator.language.evaluate.jsonpath import compile_path, compile_reference_path

VALUE = {"a": {"b": 1}, "int-literal": 0}
CONTEXT = {"Execution": {"Name": "e"}}


def test_absent_paths_pass_the_value_through_unchanged() -> None:
    assert apply_input_path(ROOT_PATH, VALUE, CONTEXT) is VALUE
    assert apply_output_path(ROOT_PATH, VALUE, CONTEXT) is VALUE
    assert apply_result_path(ROOT_REFERENCE_PATH, VALUE, [1]) == [1]


def test_null_input_and_output_paths_give_an_empty_object() -> None:
    assert apply_input_path(DISCARD, VALUE, CONTEXT) == {}
    assert apply_output_path(None, VALUE, CONTEXT) == {}


def test_null_result_path_keeps_the_input() -> None:
    assert apply_result_path(DISCARD, VALUE, "result") is VALUE


def test_paths_select_from_the_value_or_the_context() -> None:
    assert apply_input_path(compile_path("$.a"), VALUE, CONTEXT) == {"b": 1}
    assert apply_output_path(compile_path("$$.Execution.Name"), VALUE, CONTEXT) == "e"


def test_result_path_places_the_result_in_a_copy_of_the_input() -> None:
    output = apply_result_path(compile_reference_path("$.a.result"), VALUE, "r")
    assert output == {"a": {"b": 1, "result": "r"}, "int-literal": 0}
    assert VALUE == {"a": {"b": 1}, "int-literal": 0}


@pytest.mark.parametrize(
    ("apply", "text", "cause"),
    [
        (
            apply_input_path,
            "$.NoSuchInputPath",
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']",
        ),
        (
            apply_output_path,
            "$.NoSuchOutputPath",
            "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']",
        ),
        (
            apply_output_path,
            "$.no.such.result.path",
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']",
        ),
    ],
)
def test_paths_matching_nothing_fail_with_aws_cause(apply, text: str, cause: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StatesError) as caught:
        apply(compile_path(text), {"int-literal": 0}, CONTEXT)
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == cause


def test_result_path_on_a_non_object_input_fails() -> None:
    with pytest.raises(StatesError) as caught:
        apply_result_path(compile_reference_path("$.x"), "text", 1)
    assert caught.value.error == "States.ResultPathMatchFailure"


def test_runtime_error_prefix_matches_aws() -> None:
    assert (
        runtime_error_prefix("pass", 2)
        == "An error occurred while executing the state 'pass' (entered at the event id #2). "
    )
