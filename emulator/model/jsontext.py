"""JSON text as AWS writes it: compact separators, non-ASCII kept as is."""

from __future__ import annotations

import json

from emulator.model.types import Json

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_decoder = json.JSONDecoder()


def to_json_text(value: Json) -> str:
    return _encoder.encode(value)


def from_json_text(text: str) -> Json:
    """Parse JSON text; raises ``ValueError`` on anything that is not exactly one JSON value."""
    return _decoder.decode(text)
