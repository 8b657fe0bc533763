"""Succeed: ends the execution (or branch / iteration) successfully."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.language.states.common import StateCommon, parse_common
from emulator.model.types import JsonObject


@dataclass(frozen=True, slots=True)
class SucceedState:
    common: StateCommon


def parse_succeed(name: str, raw: JsonObject, location: str, query_language: str) -> SucceedState:
    return SucceedState(common=parse_common(name, raw, location, query_language))
