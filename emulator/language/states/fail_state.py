"""Fail: stops the execution (or branch / iteration) with an error name and a cause."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from emulator.language.errors import StatesError
from emulator.language.evaluate.jsonata import JsonataBindings, JsonataTemplate
from emulator.language.states.common import StateCommon, jsonata_field, parse_common
from emulator.language.states.values import DynamicValue, dynamic_field
from emulator.model.types import Json, JsonObject


@dataclass(frozen=True, slots=True)
class FailState:
    common: StateCommon
    error: str | None
    cause: str | None
    error_path: DynamicValue | None
    cause_path: DynamicValue | None
    # JSONata: ``Error`` / ``Cause`` with expressions (``None`` when absent).
    error_template: JsonataTemplate | None = None
    cause_template: JsonataTemplate | None = None


def parse_fail(name: str, raw: JsonObject, location: str, query_language: str) -> FailState:
    common = parse_common(name, raw, location, query_language)
    jsonata = common.is_jsonata
    return FailState(
        common=common,
        error=raw.get("Error"),
        cause=raw.get("Cause"),
        error_path=dynamic_field(raw, "ErrorPath", location),
        cause_path=dynamic_field(raw, "CausePath", location),
        error_template=jsonata_field(raw, "Error", location) if jsonata else None,
        cause_template=jsonata_field(raw, "Cause", location) if jsonata else None,
    )


def jsonata_failure_of(state: FailState, bindings: JsonataBindings) -> StatesError:
    """The error a JSONata Fail state raises (its ``Error`` / ``Cause`` may be expressions)."""
    error = _jsonata_text(state.error_template, bindings)
    cause = _jsonata_text(state.cause_template, bindings)
    return StatesError(error, cause)  # type: ignore[arg-type]


def _jsonata_text(template: JsonataTemplate | None, bindings: JsonataBindings) -> str | None:
    """``Error`` / ``Cause``: a string, or one expression that must evaluate to a string."""
    if template is None:
        return None
    if template.expressions:
        text: str = template.expressions[0].evaluate(bindings, expected="string")
        return text
    return _text(template.evaluate(bindings))


def failure_of(
    state: FailState,
    value: Json,
    context: Mapping[str, Json],
    rng: random.Random | None,
    variables: Mapping[str, Json] | None = None,
) -> StatesError:
    """The error the Fail state raises for ``value`` (paths are resolved against the raw input)."""
    error = state.error
    cause = state.cause
    if state.error_path is not None:
        error = _text(state.error_path.get(value, context, rng, variables))
    if state.cause_path is not None:
        cause = _text(state.cause_path.get(value, context, rng, variables))
    return StatesError(error, cause)  # type: ignore[arg-type]


def _text(value: Json) -> str:
    if isinstance(value, str):
        return value
    from emulator.model.jsontext import to_json_text

    return to_json_text(value)
