"""Fail: stops the execution (or branch / iteration) with an error name and a cause."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.language.errors import StatesError
from emulator.language.states.common import StateCommon, parse_common
from emulator.language.states.values import DynamicValue, dynamic_field
from emulator.model.types import Json


@dataclass(frozen=True, slots=True)
class FailState:
    common: StateCommon
    error: str | None
    cause: str | None
    error_path: DynamicValue | None
    cause_path: DynamicValue | None


def parse_fail(name: str, raw: dict[str, Any], location: str, query_language: str) -> FailState:
    return FailState(
        common=parse_common(name, raw, location, query_language),
        error=raw.get("Error"),
        cause=raw.get("Cause"),
        error_path=dynamic_field(raw, "ErrorPath", location),
        cause_path=dynamic_field(raw, "CausePath", location),
    )


def failure_of(state: FailState, value: Json, context: Mapping[str, Json], rng: random.Random | None) -> StatesError:
    """The error the Fail state raises for ``value`` (paths are resolved against the raw input)."""
    error = state.error
    cause = state.cause
    if state.error_path is not None:
        error = _text(state.error_path.get(value, context, rng))
    if state.cause_path is not None:
        cause = _text(state.cause_path.get(value, context, rng))
    return StatesError(error, cause)  # type: ignore[arg-type]


def _text(value: Json) -> str:
    if isinstance(value, str):
        return value
    from emulator.model.jsontext import to_json_text

    return to_json_text(value)
