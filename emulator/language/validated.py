"""Typed reads of a definition's fields once a schema check has accepted them.

The parsers (``states/``, ``parse/``) and the transition checks (``validate/graph.py``) run on a
document the schema checks accepted, and a schema check reads a field again right after the check
that accepted it (``check_object(…) and …``): the field has the JSON type that was checked. These
accessors state that type to mypy, with no runtime check (``cast`` only). A lone TestState state
is checked structurally only; its fields are taken as written, as they always were.
"""

from __future__ import annotations

from typing import cast

from emulator.model.types import Json, JsonObject


def text(value: Json) -> str:
    return cast(str, value)


def optional_text(value: Json) -> str | None:
    return cast("str | None", value)


def integer(value: Json) -> int:
    return cast(int, value)


def optional_integer(value: Json) -> int | None:
    return cast("int | None", value)


def number(value: Json) -> float:
    return cast(float, value)


def optional_number(value: Json) -> float | None:
    return cast("float | None", value)


def json_object(value: Json) -> JsonObject:
    """An object; an absent one (``None``) reads as empty."""
    return cast(JsonObject, value or {})


def json_array(value: Json) -> list[Json]:
    """A list; an absent one (``None``) reads as empty."""
    return cast("list[Json]", value or [])


def objects(value: Json) -> list[JsonObject]:
    """A list of objects; an absent list (``None``) reads as empty."""
    return cast("list[JsonObject]", value or [])


def texts(value: Json) -> tuple[str, ...]:
    """A list of strings as a tuple; an absent list reads as empty."""
    return tuple(cast("list[str]", value or ()))
