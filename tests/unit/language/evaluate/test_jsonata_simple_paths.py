"""Simple paths (``$states.input.a.b``, ``$x``, ``$x.a``) are read directly: every answer, error and
error text must be the library's own. Each case runs both ways on many inputs."""

from __future__ import annotations

import dataclasses
import math
import random
from collections import ChainMap

import pytest

from emulator.language.evaluate.jsonata import (
    JsonataBindings,
    JsonataExpression,
    QueryEvaluationError,
    compile_expression,
)
from emulator.model.types import Json

SIMPLE = [
    "$states.input",
    "$states.input.a",
    "$states.input.a.b",
    "$states.input.a.b.c",
    "$states.context.Map.Item.Value",
    "$states.context.Execution.Input.a",
    "$states.result.a",
    "$states.errorOutput.Error",
    "$x",
    "$x.a",
    "$x.a.b",
    "$y",
    "$missing",
    "$states.input.`a`",
    " $states.input.a ",
]
NOT_SIMPLE = [
    "$states.input.a[0]",
    "$states.input.a[]",
    "$states.input.*",
    "$states.input.a.(b)",
    "$states.input.a{'k': 1}",
    "$states.input.a^(b)",
    "$states.input.a@$v",
    "$states.input.a#$i",
    "$",
    "$$",
    "$$.a",
    "a",
    "$states.input.a + 1",
    "$string($states.input.a)",
    "$states.input.a.$x",
    "$states.input.**",
    "$states.input.%",
    "'a'",
    "1",
]
KEYS = ["a", "b", "c", "Error"]


def _value(rng: random.Random, depth: int) -> Json:
    kind = rng.randrange(12 if depth < 4 else 7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, 1, -7, 2**70, 10**21])
    if kind == 3:
        return rng.choice([1.0, 2.5, -0.0, 1e21, 1e22, 3.0000000001, math.nan, math.inf])
    if kind in (4, 5):
        return rng.choice(["", "s", "é", "[1]"])
    if kind == 6:
        return {}
    if kind in (7, 8, 9):
        return {key: _value(rng, depth + 1) for key in rng.sample(KEYS, rng.randrange(1, 4))}
    return [_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]


def _outcome(expression: JsonataExpression, bindings: JsonataBindings, expected: str | None) -> object:
    try:
        return ("value", expression.evaluate(bindings, expected))
    except QueryEvaluationError as error:
        return ("error", error.cause, error.location)


def _same(a: object, b: object) -> bool:
    # NaN never equals itself: compare the texts of both outcomes instead
    return repr(a) == repr(b)


@pytest.mark.parametrize("text", SIMPLE)
def test_a_simple_path_answers_exactly_as_the_library(text: str) -> None:
    fast = compile_expression("{%" + text + "%}", "Output/value")
    assert fast._simple is not None
    library = dataclasses.replace(fast, _simple=None)
    rng = random.Random(text)
    for _ in range(600):
        states_input = _value(rng, 0)
        if rng.random() < 0.5:
            states_input = {"a": _value(rng, 1), "b": _value(rng, 1)}
        variables = ChainMap({"x": _value(rng, 0)}, {"y": _value(rng, 0)})
        context = {
            "Map": {"Item": {"Value": _value(rng, 1), "Index": 0}},
            "Execution": {"Input": states_input},
        }
        bindings = JsonataBindings(
            states_input=states_input,
            context=context,
            variables=variables,
            states_result=_value(rng, 0),
            states_error_output={"Error": _value(rng, 2), "Cause": "c"},
            rng=random.Random(1),
            now_milliseconds=0,
        )
        expected = rng.choice([None, None, "array", "object", "string", "number", "integer", "boolean"])
        got, want = _outcome(fast, bindings, expected), _outcome(library, bindings, expected)
        assert _same(got, want), (text, states_input, expected)


@pytest.mark.parametrize("text", NOT_SIMPLE)
def test_other_expressions_are_left_to_the_library(text: str) -> None:
    assert compile_expression("{%" + text + "%}", "Output")._simple is None


def test_a_simple_path_hands_back_the_very_value_it_reads() -> None:
    inner = {"b": [1, {"c": 2}]}
    bindings = JsonataBindings(states_input={"a": inner}, context={})
    assert compile_expression("{% $states.input.a %}", "Output").evaluate(bindings) is inner
