"""A field whose value comes from a path or an intrinsic call (``ErrorPath``, ``SecondsPath`` …)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.intrinsics import (
    Intrinsic,
    InvalidIntrinsic,
    compile_intrinsic,
    is_intrinsic,
)
from emulator.language.evaluate.jsonpath import InvalidPath, JsonPath, PathNotFound, compile_path
from emulator.language.states.common import fail
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject


@dataclass(frozen=True, slots=True)
class DynamicValue:
    field: str
    path: JsonPath | None
    intrinsic: Intrinsic | None

    @property
    def text(self) -> str:
        if self.path is not None:
            return self.path.text
        assert self.intrinsic is not None  # one of the two, by construction
        return self.intrinsic.text

    def get(
        self,
        value: Json,
        context: Mapping[str, Json],
        rng: random.Random | None = None,
        variables: Mapping[str, Json] | None = None,
    ) -> Json:
        try:
            if self.intrinsic is not None:
                return self.intrinsic.evaluate(value, context, rng, variables)
            assert self.path is not None
            return self.path.get(value, context, variables)
        except PathNotFound as error:
            # A path inside an intrinsic call is worded like the field's own path.
            path = self.path.text if self.path is not None else error.path
            raise StatesError(
                ErrorName.RUNTIME,
                f"The JSONPath '{path}' specified for the field '{self.field}' could not be found "
                f"in the input '{to_json_text(value)}'",
            ) from None


def dynamic_field(
    raw: JsonObject, key: str, location: str, allow_intrinsic: bool = True
) -> DynamicValue | None:
    value = raw.get(key)
    if value is None:
        return None
    where = f"{location}/{key}"
    if allow_intrinsic and is_intrinsic(value):
        try:
            return DynamicValue(key, None, compile_intrinsic(value))
        except InvalidIntrinsic:
            raise fail(
                f"The value for the field '{key}' must be a valid JSONPath or intrinsic function", where
            )
    try:
        return DynamicValue(key, compile_path(value), None)
    except InvalidPath:
        raise fail(f"The value for the field '{key}' must be a valid JSONPath", where) from None
