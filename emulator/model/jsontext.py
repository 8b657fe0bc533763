"""JSON text as AWS writes it: compact separators, non-ASCII kept as is."""

from __future__ import annotations

import json
import math

from emulator.model.types import Json

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _non_standard(token: str) -> float:
    raise ValueError(f"Non-standard token '{token}'")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"Numeric value ({text}) out of range of double")
    return number


# Strict JSON, as AWS reads it: NaN / Infinity are no JSON, and a number past a double's range would
# make a value no JSON text can show (``to_json_text`` refuses it).
_decoder = json.JSONDecoder(parse_constant=_non_standard, parse_float=_finite)


def to_json_text(value: object) -> str:
    """The JSON text of ``value``: a JSON value, or any mapping/sequence of them the encoder takes
    (a ``dict[str, str]``, a context mapping); anything else raises ``TypeError``."""
    return _encoder.encode(value)


def from_json_text(text: str) -> Json:
    """Parse JSON text; raises ``ValueError`` on anything that is not exactly one JSON value."""
    try:
        value: Json = _decoder.decode(text)
    except RecursionError:
        raise ValueError("Document nesting depth exceeds the maximum allowed") from None
    return value
