"""The six JSONata functions Step Functions adds, one row per documented behaviour.

Rows: https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html, "JSONata functions
provided by Step Functions": $partition (chunks of the given size, the last one possibly shorter),
$range (from the first argument to the second, "until the end value is reached or exceeded", by a
positive or negative delta), $hash (MD5, SHA-1, SHA-256, SHA-384, SHA-512 of a string), $random (0 ≤ n
< 1; an optional integer seed; the same seed gives an identical number), $uuid (no arguments, a v4
UUID), $parse (deserializes a JSON string; $eval is not available), and the note heading the section:
"Built-in JSONata functions that require integer values as parameters will automatically round down
any non-integer numbers provided".
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from tests.unit.language.evaluate.test_jsonata import cause_of, evaluate

HASHES_OF_ABC = {
    "MD5": "900150983cd24fb0d6963f7d28e17f72",
    "SHA-1": "a9993e364706816aba3e25717850c26c9cd0d89d",
    "SHA-256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "SHA-384": "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    "SHA-512": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454"
    "d4423643ce80e2a9ac94fa54ca49f",
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # $partition
        ("$partition([1, 2, 3, 4], 2)", [[1, 2], [3, 4]]),
        ("$partition([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
        ("$partition([1, 2, 3], 5)", [[1, 2, 3]]),
        ("$partition([1, 2, 3, 4, 5], 2.9)", [[1, 2], [3, 4], [5]]),  # rounded down
        ("$partition($states.input.items, $states.input.chunkSize)", [["a", "b"], ["c"]]),
        # $range
        ("$range(0, 10, 2)", [0, 2, 4, 6, 8, 10]),
        ("$range(0, 9, 4)", [0, 4, 8]),
        ("$range(10, 0, -5)", [10, 5, 0]),
        ("$range(0.9, 4.5, 2.2)", [0, 2, 4]),  # every argument rounded down
        ("$range(-0.5, 1, 1)", [-1, 0, 1]),  # down, not toward zero
        # $hash
        *((f"$hash('abc', '{name}')", digest) for name, digest in HASHES_OF_ABC.items()),
        # $parse
        ('$parse(\'{"a": [1, 2], "b": null}\')', {"a": [1, 2], "b": None}),
        ("$parse('\"text\"')", "text"),
        ("$parse($states.input.json_string).n", 5),
    ],
)
def test_documented_results(expression: str, expected: Any) -> None:
    states_input = {"items": ["a", "b", "c"], "chunkSize": 2, "json_string": '{"n": 5}'}
    assert evaluate("{% " + expression + " %}", states_input) == expected


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("$partition([1, 2], 0)", "threw an error during evaluation."),
        ("$partition([1, 2], 0.5)", "threw an error during evaluation."),  # rounds down to 0
        ("$range(0, 10, 0)", "threw an error during evaluation."),
        ("$range(0, 10, 0.5)", "threw an error during evaluation."),  # rounds down to 0
        ("$hash('abc', 'SHA-3')", "threw an error during evaluation."),
        ("$hash('abc', 'sha-256')", "threw an error during evaluation."),  # the names are exact
        ("$uuid('x')", "threw an error during evaluation. T0410:"),  # takes no arguments
        ("$parse('{')", "threw an error during evaluation."),
        ("$eval('1 + 1')", "threw an error during evaluation. T1006: Attempted to invoke a non-function"),
    ],
)
def test_documented_misuse_is_a_query_evaluation_error(expression: str, error: str) -> None:
    cause = cause_of("{% " + expression + " %}")
    assert cause is not None
    assert cause.startswith(f"The JSONata expression '{expression}' specified for the field 'Output' {error}")


def test_random_is_in_the_unit_interval_and_a_seed_repeats_its_number() -> None:
    draws = [evaluate("{% $random() %}", rng=random.Random(seed)) for seed in range(20)]
    assert all(0 <= draw < 1 for draw in draws)
    seeded = evaluate("{% [$random(42), $random(42), $random(42.9)] %}")
    assert seeded[0] == seeded[1] == seeded[2]  # 42.9 rounds down to the seed 42
    assert evaluate("{% $random(7) %}") != seeded[0]


def test_uuid_is_a_version_4_uuid() -> None:
    value = evaluate("{% $uuid() %}", rng=random.Random(3))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)
