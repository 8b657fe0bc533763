"""Parallel: runs its branches concurrently on the same input; outputs the array of results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.language.evaluate.jsonpath import ReferencePath
from emulator.language.evaluate.templates import PayloadTemplate, compile_template
from emulator.language.states.common import (
    Catcher,
    Retrier,
    StateCommon,
    fail,
    parse_catch,
    parse_common,
    parse_retry,
    reference_path_field,
)
from emulator.model.types import JsonObject

if TYPE_CHECKING:
    from emulator.language.parse.definition import Definition


@dataclass(frozen=True, slots=True)
class ParallelState:
    common: StateCommon
    branches: tuple[Definition, ...]
    parameters: PayloadTemplate | None
    result_selector: PayloadTemplate | None
    result_path: ReferencePath | None
    retry: tuple[Retrier, ...]
    catch: tuple[Catcher, ...]


def parse_parallel(name: str, raw: JsonObject, location: str, query_language: str) -> ParallelState:
    from emulator.language.parse.definition import compile_machine

    common = parse_common(name, raw, location, query_language)
    branches = raw.get("Branches")
    if not isinstance(branches, list) or not branches:
        raise fail("The field 'Branches' must be a non-empty array", f"{location}/Branches")
    parameters = raw.get("Parameters")
    selector = raw.get("ResultSelector")
    return ParallelState(
        common=common,
        branches=tuple(
            compile_machine(branch, f"{location}/Branches/{index}", common.query_language)
            for index, branch in enumerate(branches)
        ),
        parameters=None if parameters is None else compile_template(parameters, f"{location}/Parameters"),
        result_selector=None
        if selector is None
        else compile_template(selector, f"{location}/ResultSelector"),
        result_path=reference_path_field(raw, "ResultPath", location),
        retry=parse_retry(raw, location),
        catch=parse_catch(raw, location, common.query_language),
    )
