from __future__ import annotations

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.jsonpath import (
    InvalidPath,
    PathNotFound,
    compile_path,
    compile_reference_path,
    is_path,
)

DOCUMENT = {"a": {"b": [10, 20, {"c": "deep"}]}, "int-literal": 0, "key with 'quote": 1}
CONTEXT = {"Execution": {"Id": "arn:execution", "Input": {"x": 1}}, "State": {"Name": "S"}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$", DOCUMENT),
        ("$.a.b[0]", 10),
        ("$.a.b[-1].c", "deep"),
        ("$['a']['b'][1]", 20),
        ('$["a"].b[2]["c"]', "deep"),
        ("$.int-literal", 0),
    ],
)
def test_definite_path_returns_the_single_value(text: str, expected: object) -> None:
    path = compile_path(text)
    assert path.is_definite
    assert path.get(DOCUMENT) == expected


def test_root_path_returns_the_same_object() -> None:
    assert compile_path("$").get(DOCUMENT) is DOCUMENT


def test_context_path_reads_the_context_object() -> None:
    assert compile_path("$$.Execution.Input.x").get(DOCUMENT, CONTEXT) == 1
    assert compile_path("$$").get(DOCUMENT, CONTEXT) is CONTEXT
    assert compile_path("$$.State.Name").is_context_path


def test_variable_path_reads_the_variables() -> None:
    path = compile_path("$config.limits[1]")
    assert path.get(DOCUMENT, CONTEXT, {"config": {"limits": [5, 6]}}) == 6
    with pytest.raises(PathNotFound):
        path.get(DOCUMENT, CONTEXT, {})


def test_missing_leaf_reports_no_results_with_the_bracketed_path() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.NoSuchInputPath").get({"int-literal": 0})
    assert caught.value.detail == "No results for path: $['NoSuchInputPath']"
    assert caught.value.path == "$.NoSuchInputPath"


def test_missing_intermediate_reports_the_missing_property() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.no.such.result.path").get({})
    assert caught.value.detail == "Missing property in path $['no']"


def test_index_out_of_range_matches_nothing() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.a.b[7]").get(DOCUMENT)
    assert caught.value.detail == "No results for path: $['a']['b'][7]"


def test_property_of_a_non_object_matches_nothing() -> None:
    with pytest.raises(PathNotFound) as caught:
        compile_path("$.a.b.c").get(DOCUMENT)
    assert "Expected to find an object with property ['c'] in path $['a']['b']" in caught.value.detail


@pytest.mark.parametrize(
    ("text", "document", "expected"),
    [
        ("$.items[*]", {"items": [1, 2]}, [1, 2]),
        ("$.items[*].v", {"items": [{"v": 1}, {"w": 2}, {"v": 3}]}, [1, 3]),
        ("$.items[1:]", {"items": [1, 2, 3]}, [2, 3]),
        ("$.items[:1]", {"items": [1, 2, 3]}, [1]),
        ("$..v", {"v": 1, "x": {"v": 2}}, [1, 2]),
        ("$.users[?(@.status == 0)]", {"users": [{"status": 0}, {"status": 1}]}, [{"status": 0}]),
        ("$.items[0,2]", {"items": [1, 2, 3]}, [1, 3]),
        ("$[*]", {}, []),
        ("$.item.items[1:5].itemValue", {}, []),
        ("$$.Execution.Input[*]", {}, [1]),
    ],
)
def test_indefinite_path_returns_all_matches(text: str, document: object, expected: list[object]) -> None:
    path = compile_path(text)
    assert not path.is_definite
    assert path.get(document, CONTEXT) == expected


def test_filter_comparing_different_types_matches_only_comparable_values() -> None:
    assert compile_path("$.a[?(@.x > 1)]").get({"a": [{"x": "s"}, {"x": 2}]}) == [{"x": 2}]


def test_backslash_inside_a_bracketed_name_is_literal() -> None:
    key = 'Test\\""Name"'
    assert compile_path('$[\'Test\\""Name"\']').get({key: "v"}) == "v"


@pytest.mark.parametrize("text", ["", "a.b", "$.", "$.a[", "$$$", 5, None])
def test_invalid_paths_are_rejected_at_compile_time(text: object) -> None:
    with pytest.raises(InvalidPath):
        compile_path(text)  # type: ignore[arg-type]
    assert not is_path(text)


def test_reference_path_places_the_value_and_leaves_the_target_untouched() -> None:
    target = {"a": {"keep": 1}, "other": [1]}
    result = compile_reference_path("$.a.b").set(target, "v")
    assert result == {"a": {"keep": 1, "b": "v"}, "other": [1]}
    assert target == {"a": {"keep": 1}, "other": [1]}
    assert result["other"] is target["other"]


def test_reference_path_creates_missing_objects() -> None:
    assert compile_reference_path("$.x.y.z").set({}, 1) == {"x": {"y": {"z": 1}}}


def test_reference_path_root_replaces_the_target() -> None:
    assert compile_reference_path("$").set({"a": 1}, [2]) == [2]


def test_reference_path_with_an_index_replaces_the_element() -> None:
    assert compile_reference_path("$.list[1]").set({"list": [0, 0, 0]}, 9) == {"list": [0, 9, 0]}


@pytest.mark.parametrize(
    ("text", "target"),
    [("$.someTaskResult", "input1"), ("$.a.b", {"a": 3}), ("$.list[5]", {"list": []}), ("$.a", [1])],
)
def test_reference_path_that_cannot_be_applied_fails(text: str, target: object) -> None:
    with pytest.raises(StatesError) as caught:
        compile_reference_path(text).set(target, 1)
    assert caught.value.error == "States.ResultPathMatchFailure"


def test_reference_path_failure_cause_names_path_and_input() -> None:
    with pytest.raises(StatesError) as caught:
        compile_reference_path("$.someTaskResult").set("input1", {"r": 1})
    assert caught.value.cause == 'Unable to apply ReferencePath $.someTaskResult to input "input1"'


@pytest.mark.parametrize("text", ["$$.Execution", "$.a[*]", "$..a", "$.a[?(@.x)]", "x"])
def test_reference_path_rejects_non_reference_paths(text: str) -> None:
    with pytest.raises(InvalidPath):
        compile_reference_path(text)
