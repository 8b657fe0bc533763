"""Map (inline): runs its item processor once per item of an array.

Distributed mode (ItemReader, ResultWriter, MapRun events) is a later issue; such definitions
are refused at compile time rather than run with the wrong semantics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonpath import JsonPath, PathNotFound, ReferencePath
from emulator.language.evaluate.templates import PayloadTemplate, compile_template
from emulator.language.states.common import (
    Catcher,
    Retrier,
    StateCommon,
    fail,
    parse_catch,
    parse_common,
    parse_retry,
    path_field,
    reference_path_field,
)
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json

if TYPE_CHECKING:
    from emulator.language.parse.definition import Definition


@dataclass(frozen=True, slots=True)
class MapState:
    common: StateCommon
    processor: Definition
    items_path: JsonPath
    item_selector: PayloadTemplate | None
    max_concurrency: int
    max_concurrency_path: JsonPath | None
    result_selector: PayloadTemplate | None
    result_path: ReferencePath | None
    retry: tuple[Retrier, ...]
    catch: tuple[Catcher, ...]
    label: str | None


_DISTRIBUTED_FIELDS = ("ItemReader", "ResultWriter", "ItemBatcher", "ToleratedFailureCount",
                       "ToleratedFailurePercentage", "ToleratedFailureCountPath",
                       "ToleratedFailurePercentagePath")


def parse_map(name: str, raw: dict[str, Any], location: str, query_language: str) -> MapState:
    from emulator.language.parse.definition import compile_machine

    common = parse_common(name, raw, location, query_language)
    processor_key = "ItemProcessor" if "ItemProcessor" in raw else "Iterator"
    processor = raw.get(processor_key)
    if not isinstance(processor, dict):
        raise fail("These fields are required: [ItemProcessor]", location)
    mode = (processor.get("ProcessorConfig") or {}).get("Mode", "INLINE")
    distributed = [key for key in _DISTRIBUTED_FIELDS if key in raw]
    if mode == "DISTRIBUTED" or distributed:
        raise fail("Distributed Map is not supported yet", f"{location}/{processor_key}", "UNSUPPORTED_FEATURE")
    selector_key = "ItemSelector" if "ItemSelector" in raw else "Parameters"
    selector = raw.get(selector_key)
    result_selector = raw.get("ResultSelector")
    return MapState(
        common=common,
        processor=compile_machine(processor, f"{location}/{processor_key}", common.query_language),
        items_path=path_field(raw, "ItemsPath", location),  # type: ignore[arg-type]
        item_selector=None if selector is None else compile_template(selector, f"{location}/{selector_key}"),
        max_concurrency=raw.get("MaxConcurrency", 0),
        max_concurrency_path=path_field(raw, "MaxConcurrencyPath", location, default=None),
        result_selector=None if result_selector is None else compile_template(result_selector, f"{location}/ResultSelector"),
        result_path=reference_path_field(raw, "ResultPath", location),
        retry=parse_retry(raw, location),
        catch=parse_catch(raw, location),
        label=raw.get("Label"),
    )


def items_of(state: MapState, value: Json, context: Mapping[str, Json]) -> list[Json]:
    """The array to iterate over; raises ``States.Runtime`` as AWS does when it is not one."""
    try:
        items = state.items_path.get(value, context)
    except PathNotFound as error:
        raise StatesError(ErrorName.RUNTIME, f"Invalid path '{state.items_path.text}' : {error.detail}") from None
    if not isinstance(items, list):
        raise StatesError(ErrorName.RUNTIME, f"Map state input must be an array but was: {to_json_text(items)}")
    return items


def max_concurrency_of(state: MapState, value: Json, context: Mapping[str, Json]) -> int:
    if state.max_concurrency_path is None:
        return state.max_concurrency
    path = state.max_concurrency_path
    try:
        found = path.get(value, context)
    except PathNotFound as error:
        raise StatesError(ErrorName.RUNTIME, f"Invalid path '{path.text}' : {error.detail}") from None
    if isinstance(found, bool) or not isinstance(found, int):
        shown = found if isinstance(found, str) else to_json_text(found)
        raise StatesError(
            ErrorName.RUNTIME,
            f'The MaxConcurrencyPath field refers to value "{shown}" which is not a valid integer: {path.text}',
        )
    return found
