"""Validation never fails with an exception of its own: a definition is accepted (and then compiles)
or rejected with diagnostics, whatever the text holds."""

from __future__ import annotations

import contextlib
import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.language.errors import DefinitionError
from emulator.language.parse import compile_definition
from emulator.language.validate import validate_definition
from tests.fuzzing import FUZZ_EXAMPLES, corpus_definitions, mutate, mutate_text, random_definition


def _errors(document: Any) -> list[tuple[str, str, str | None]]:
    text = document if isinstance(document, str) else json.dumps(document)
    return [(d.code, d.message, d.location) for d in validate_definition(text) if d.severity == "ERROR"]


def _pass_machine(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True, **fields}}}


def test_a_choice_rule_whose_next_is_no_string_is_a_schema_error() -> None:
    document = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": [{}]}],
                "Default": "P",
            },
            "P": {"Type": "Pass", "End": True},
        },
    }
    assert _errors(document) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "The value for the field 'Next' must be a STRING",
            "/States/C/Choices[0]/Next",
        )
    ]


def test_a_jsonata_choice_condition_that_is_no_boolean_nor_expression_is_a_schema_error() -> None:
    # https://states-language.net/spec.html: "Condition" accepts a boolean or a JSONata string
    # (tests/unit/language/validate/test_choice_conditions.py has the table).
    document = {
        "QueryLanguage": "JSONata",
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": {"a": 1}, "Next": "P"}], "Default": "P"},
            "P": {"Type": "Pass", "End": True},
        },
    }
    assert _errors(document) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "The value for the field 'Condition' must be a BOOLEAN",
            "/States/C/Choices[0]/Condition",
        )
    ]


def test_states_null_is_a_schema_error() -> None:
    assert _errors({"StartAt": "P", "States": None}) == [
        ("SCHEMA_VALIDATION_FAILED", "The value for the field 'States' must be an OBJECT", "/States")
    ]


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("NaN", "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"),
        (
            "-Infinity",
            "Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
        ),
        ("1e999", "Numeric value (1e999) out of range of double"),
        (
            "1" * 5000,
            "Number value length (5000) exceeds the maximum allowed (1000, from "
            "`StreamReadConstraints.getMaxNumberLength()`)",
        ),
    ],
)
def test_numbers_no_json_value_may_hold_are_invalid_json(literal: str, message: str) -> None:
    text = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": ' + literal + ', "End": true}}}'
    [(code, text_message, location)] = _errors(text)
    assert code == "INVALID_JSON_DESCRIPTION"
    assert text_message.split("\n")[0] == message
    assert location is not None and location.startswith("[Source: (String)")


def _accepts_or_rejects(text: str) -> None:
    """validate_definition returns diagnostics (never raises); an accepted text compiles or raises
    DefinitionError only."""
    diagnostics = validate_definition(text, "STANDARD")
    if any(d.severity == "ERROR" for d in diagnostics):
        return
    with contextlib.suppress(DefinitionError):
        compile_definition(json.loads(text))


_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES or 150,
    derandomize=FUZZ_EXAMPLES is None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_damaged_definitions_are_accepted_or_rejected_never_raise(seed: int) -> None:
    rng = random.Random(seed)
    text = json.dumps(mutate(random_definition(rng), rng))
    if rng.random() < 0.2:
        text = mutate_text(text, rng)
    _accepts_or_rejects(text)


_CORPUS = corpus_definitions()


@pytest.mark.skipif(not _CORPUS, reason="the conformance corpus (../shared/corpus) is absent")
@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_damaged_corpus_definitions_are_accepted_or_rejected_never_raise(seed: int) -> None:
    rng = random.Random(seed)
    text = json.dumps(mutate(rng.choice(_CORPUS), rng))
    if rng.random() < 0.2:
        text = mutate_text(text, rng)
    _accepts_or_rejects(text)


@pytest.mark.parametrize("opening", ["[", '{"a": '])
def test_nesting_deeper_than_the_parser_can_read_is_invalid_json(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": ' + opening * 100_000 + "1"
    text += closing * 100_000 + ', "End": true}}}'
    [(code, message, _location)] = _errors(text)
    assert code == "INVALID_JSON_DESCRIPTION"
    assert message.startswith("Document nesting depth (1001) exceeds the maximum allowed (1000, ")
