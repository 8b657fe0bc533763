"""Wait: delays for ``Seconds`` / ``SecondsPath`` or until ``Timestamp`` / ``TimestampPath``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate import field_errors
from emulator.language.evaluate.choice import parse_timestamp
from emulator.language.evaluate.jsonata import JsonataBindings, JsonataExpression, is_jsonata_expression
from emulator.language.evaluate.jsonpath import JsonPath, PathNotFound
from emulator.language.states.common import StateCommon, fail, parse_common, path_field
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject


@dataclass(frozen=True, slots=True)
class WaitState:
    common: StateCommon
    seconds: int | None
    timestamp: float | None  # epoch seconds of ``Timestamp``
    seconds_path: JsonPath | None
    timestamp_path: JsonPath | None
    # JSONata: ``Seconds`` / ``Timestamp`` given as expressions.
    seconds_expression: JsonataExpression | None = None
    timestamp_expression: JsonataExpression | None = None


def parse_wait(name: str, raw: JsonObject, location: str, query_language: str) -> WaitState:
    from emulator.language.states.task_state import seconds_expression

    timestamp = None
    seconds = raw.get("Seconds")
    if is_jsonata_expression(seconds):
        seconds = None
    if "Timestamp" in raw and not is_jsonata_expression(raw["Timestamp"]):
        parsed = parse_timestamp(raw["Timestamp"])
        if parsed is None:
            raise fail(
                "The value for the field 'Timestamp' must be a valid ISO-8601 timestamp",
                f"{location}/Timestamp",
            )
        timestamp = parsed[0] + parsed[1] / 1e9
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int)):
        raise fail("The value for the field 'Seconds' must be an INTEGER", f"{location}/Seconds")
    state = WaitState(
        common=parse_common(name, raw, location, query_language),
        seconds=seconds,
        timestamp=timestamp,
        seconds_path=path_field(raw, "SecondsPath", location, default=None),
        timestamp_path=path_field(raw, "TimestampPath", location, default=None),
        seconds_expression=seconds_expression(raw, "Seconds", location),
        timestamp_expression=seconds_expression(raw, "Timestamp", location),
    )
    # A state parsed on its own (TestState) has not been through whole-definition validation: it
    # must still name exactly one way to wait that its query language can evaluate.
    sources: tuple[object, ...]
    if state.common.is_jsonata:
        sources = (state.seconds, state.timestamp, state.seconds_expression, state.timestamp_expression)
    else:
        sources = (state.seconds, state.timestamp, state.seconds_path, state.timestamp_path)
        if state.seconds_expression is not None:
            raise fail("The value for the field 'Seconds' must be an INTEGER", f"{location}/Seconds")
    if all(source is None for source in sources):
        raise fail(
            "Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]",
            location,
        )
    return state


def jsonata_wait_seconds(state: WaitState, bindings: JsonataBindings, now: float) -> float:
    """How long a JSONata Wait waits (its ``Seconds`` / ``Timestamp`` expression)."""
    if state.seconds_expression is not None:
        seconds = state.seconds_expression.evaluate(bindings, expected="integer")
        if seconds < 0:
            raise field_errors.expression_negative(state.seconds_expression.text, "Seconds", seconds)
        return float(seconds)
    assert state.timestamp_expression is not None
    expression = state.timestamp_expression
    text = expression.evaluate(bindings, expected="string")
    parsed = parse_timestamp(text)
    if parsed is None:
        raise field_errors.expression_invalid_timestamp(expression.text, text)
    return max(0.0, parsed[0] + parsed[1] / 1e9 - now)


def wait_seconds(
    state: WaitState,
    value: Json,
    context: Mapping[str, Json],
    now: float,
    variables: Mapping[str, Json] | None = None,
) -> float:
    """How long to wait from ``now`` (epoch seconds); raises ``States.Runtime`` as AWS does."""
    if state.seconds is not None:
        return float(state.seconds)
    if state.timestamp is not None:
        return max(0.0, state.timestamp - now)
    if state.seconds_path is not None:
        path = state.seconds_path
        try:
            seconds = path.get(value, context, variables)
        except PathNotFound:
            raise StatesError(
                ErrorName.RUNTIME, f"The SecondsPath parameter does not reference an input value: {path.text}"
            ) from None
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or seconds != int(seconds)
            or (isinstance(seconds, float) and not seconds.is_integer())
        ):
            raise StatesError(
                ErrorName.RUNTIME,
                f"The SecondsPath parameter cannot be parsed as a long value: {path.text} == {_show(seconds)}",
            )
        if seconds < 0:
            raise StatesError(
                ErrorName.RUNTIME,
                f"The SecondsPath parameter references a negative value: {path.text} == {_show(seconds)}",
            )
        return float(seconds)
    assert state.timestamp_path is not None
    path = state.timestamp_path
    try:
        text = path.get(value, context, variables)
    except PathNotFound:
        raise StatesError(
            ErrorName.RUNTIME, f"The TimestampPath parameter does not reference an input value: {path.text}"
        ) from None
    parsed = parse_timestamp(text)
    if parsed is None:
        raise StatesError(
            ErrorName.RUNTIME,
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time "
            f"format string: {path.text} == {_show(text)}",
        )
    return max(0.0, parsed[0] + parsed[1] / 1e9 - now)


def _show(value: Json) -> str:
    return value if isinstance(value, str) else to_json_text(value)
