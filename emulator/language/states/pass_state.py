"""Pass: passes its input to its output, optionally injecting ``Result`` or ``Parameters``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.language.evaluate.jsonpath import ReferencePath
from emulator.language.evaluate.templates import PayloadTemplate, compile_template
from emulator.language.states.common import StateCommon, parse_common, reference_path_field
from emulator.model.types import Json, JsonObject

_NO_RESULT: Any = object()


@dataclass(frozen=True, slots=True)
class PassState:
    common: StateCommon
    parameters: PayloadTemplate | None
    result: Json  # _NO_RESULT when absent
    result_path: ReferencePath | None

    @property
    def has_result(self) -> bool:
        return self.result is not _NO_RESULT


def parse_pass(name: str, raw: JsonObject, location: str, query_language: str) -> PassState:
    parameters = raw.get("Parameters")
    return PassState(
        common=parse_common(name, raw, location, query_language),
        parameters=None if parameters is None else compile_template(parameters, f"{location}/Parameters"),
        result=raw.get("Result", _NO_RESULT),
        result_path=reference_path_field(raw, "ResultPath", location),
    )
