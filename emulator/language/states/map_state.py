"""Map: runs its item processor once per item of an array.

Inline mode runs the iterations inside the execution (MapIteration* events). Distributed mode
(``ProcessorConfig.Mode: DISTRIBUTED``, or any distributed-only field) is compiled into a
``DistributedConfig``: the runtime starts a Map Run whose child executions run the processor;
the pure parts (tolerated failure thresholds, item batching) live here.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.language.errors import ErrorName, StatesError, required_fields_message
from emulator.language.evaluate import field_errors
from emulator.language.evaluate.jsonata import (
    JsonataBindings,
    JsonataExpression,
    JsonataTemplate,
    is_jsonata_expression,
)
from emulator.language.evaluate.jsonata import compile_template as compile_jsonata_template
from emulator.language.evaluate.jsonpath import JsonPath, PathNotFound, ReferencePath
from emulator.language.evaluate.templates import PayloadTemplate, compile_template
from emulator.language.states.common import (
    Catcher,
    Retrier,
    StateCommon,
    fail,
    jsonata_field,
    parse_catch,
    parse_common,
    parse_retry,
    path_field,
    reference_path_field,
)
from emulator.language.states.task_state import TaskResource, parse_resource, seconds_expression
from emulator.language.validate.limits import MAX_BATCH_INPUT_BYTES
from emulator.language.validated import integer, json_object, optional_integer, optional_text, text
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject

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
    distributed: DistributedConfig | None = None
    # JSONata: ``Items`` (None: the state input), ``ItemSelector``, ``MaxConcurrency`` as an expression.
    items: JsonataTemplate | None = None
    jsonata_item_selector: JsonataTemplate | None = None
    max_concurrency_expression: JsonataExpression | None = None


# The fields that need a Map Run whatever the Mode says.
_RUN_FIELDS = ("ItemReader", "ResultWriter", "ItemBatcher")


def parse_map(name: str, raw: JsonObject, location: str, query_language: str) -> MapState:
    from emulator.language.parse.definition import compile_machine

    common = parse_common(name, raw, location, query_language)
    processor_key = "ItemProcessor" if "ItemProcessor" in raw else "Iterator"
    processor = raw.get(processor_key)
    if not isinstance(processor, dict):
        raise fail(required_fields_message("ItemProcessor"), location)
    mode = json_object(processor.get("ProcessorConfig")).get("Mode", "INLINE")
    distributed = None
    # AWS runs a Map whose Mode is INLINE (or absent) inline even with ToleratedFailure* fields
    # (recorded: evaluate_jsonata test_base_map[TOLERATED_FAILURE_COUNT] / [..._PERCENTAGE] record
    # MapIteration events); the Mode decides in either query language, and only the reader, writer
    # and batcher need a Map Run.
    if mode == "DISTRIBUTED" or any(key in raw for key in _RUN_FIELDS):
        distributed = parse_distributed(raw, processor, location, common.is_jsonata)
    selector_key = "ItemSelector" if "ItemSelector" in raw else "Parameters"
    selector = raw.get(selector_key)
    result_selector = raw.get("ResultSelector")
    jsonata = common.is_jsonata
    max_concurrency = raw.get("MaxConcurrency", 0)
    return MapState(
        common=common,
        processor=compile_machine(processor, f"{location}/{processor_key}", common.query_language),
        items_path=path_field(raw, "ItemsPath", location),  # type: ignore[arg-type]
        item_selector=None
        if selector is None or jsonata
        else compile_template(selector, f"{location}/{selector_key}"),
        max_concurrency=0 if is_jsonata_expression(max_concurrency) else integer(max_concurrency),
        max_concurrency_path=path_field(raw, "MaxConcurrencyPath", location, default=None),
        result_selector=None
        if result_selector is None
        else compile_template(result_selector, f"{location}/ResultSelector"),
        result_path=reference_path_field(raw, "ResultPath", location),
        retry=parse_retry(raw, location),
        catch=parse_catch(raw, location, common.query_language),
        label=optional_text(raw.get("Label")),
        distributed=distributed,
        items=jsonata_field(raw, "Items", location) if jsonata else None,
        jsonata_item_selector=jsonata_field(raw, "ItemSelector", location) if jsonata else None,
        max_concurrency_expression=seconds_expression(raw, "MaxConcurrency", location) if jsonata else None,
    )


def items_of(
    state: MapState, value: Json, context: Mapping[str, Json], variables: Mapping[str, Json] | None = None
) -> list[Json]:
    """The array to iterate over; raises ``States.Runtime`` as AWS does when it is not one."""
    try:
        items = state.items_path.get(value, context, variables)
    except PathNotFound as error:
        raise field_errors.invalid_path(state.items_path.text, error.detail) from None
    if not isinstance(items, list):
        raise StatesError(
            ErrorName.RUNTIME, f"Map state input must be an array but was: {to_json_text(items)}"
        )
    return items


def max_concurrency_of(
    state: MapState, value: Json, context: Mapping[str, Json], variables: Mapping[str, Json] | None = None
) -> int:
    if state.max_concurrency_path is None:
        return state.max_concurrency
    # AWS also takes the text of an integer ("1", e.g. from a variable). A negative value is refused as
    # the other count read from a path is ("ToleratedFailureCount cannot be negative.", recorded):
    # MaxConcurrency is "a non-negative integer" (state-map.html; UpdateMapRun: minimum 0).
    found = integer_at(state.max_concurrency_path, "MaxConcurrencyPath", value, context, variables)
    if found < 0:
        raise field_errors.negative_limit("MaxConcurrency")
    return found


def jsonata_max_concurrency(state: MapState, bindings: JsonataBindings) -> int:
    """A JSONata Map's ``MaxConcurrency``: its expression's integer (a negative one refused), else the literal."""
    expression = state.max_concurrency_expression
    if expression is None:
        return state.max_concurrency
    concurrency = int(expression.evaluate(bindings, expected="integer"))
    if concurrency < 0:
        raise field_errors.expression_negative(expression.text, "MaxConcurrency", concurrency)
    return concurrency


# --- Distributed mode ---------------------------------------------------------------------------

EXCEEDED_THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"


@dataclass(frozen=True, slots=True)
class ItemBatcher:
    max_items_per_batch: int | None
    max_items_per_batch_path: JsonPath | None
    max_input_bytes_per_batch: int | None
    max_input_bytes_per_batch_path: JsonPath | None
    batch_input: PayloadTemplate | None
    # JSONata: the limits as expressions and BatchInput as a template.
    max_items_per_batch_expression: JsonataExpression | None = None
    max_input_bytes_per_batch_expression: JsonataExpression | None = None
    jsonata_batch_input: JsonataTemplate | None = None


@dataclass(frozen=True, slots=True)
class ItemReader:
    """Where the items come from instead of the state input (an S3 object or listing)."""

    resource: TaskResource
    parameters: PayloadTemplate | None
    reader_config: JsonObject  # as written in the definition; never mutated
    max_items_path: JsonPath | None
    arguments: JsonataTemplate | None = None  # JSONata ``Arguments``
    max_items_expression: JsonataExpression | None = None  # JSONata ``ReaderConfig.MaxItems``


@dataclass(frozen=True, slots=True)
class ResultWriter:
    resource: TaskResource | None
    parameters: PayloadTemplate | None
    writer_config: JsonObject
    arguments: JsonataTemplate | None = None  # JSONata ``Arguments``


@dataclass(frozen=True, slots=True)
class DistributedConfig:
    """What a Map in DISTRIBUTED mode adds to an inline one. A threshold left out of the definition
    is None (only the thresholds given are checked; with none given any failure fails the run)."""

    execution_type: str  # STANDARD | EXPRESS: the type of the child executions
    tolerated_failure_count: int | None
    tolerated_failure_count_path: JsonPath | None
    tolerated_failure_percentage: float | None
    tolerated_failure_percentage_path: JsonPath | None
    item_batcher: ItemBatcher | None
    item_reader: ItemReader | None
    result_writer: ResultWriter | None
    # JSONata: the thresholds as expressions.
    tolerated_failure_count_expression: JsonataExpression | None = None
    tolerated_failure_percentage_expression: JsonataExpression | None = None


def _literal(raw: JsonObject, key: str) -> int | None:
    value = raw.get(key)
    return None if is_jsonata_expression(value) else optional_integer(value)


def _expression(raw: JsonObject, key: str, location: str, jsonata: bool) -> JsonataExpression | None:
    """A JSONata state's ``{% … %}`` number field (None: absent, a literal, or a JSONPath state)."""
    return seconds_expression(dict(raw), key, location) if jsonata else None


def _jsonata_template(raw: JsonObject, key: str, location: str) -> JsonataTemplate | None:
    return None if key not in raw else compile_jsonata_template(raw[key], key, f"{location}/{key}")


def parse_distributed(
    raw: JsonObject, processor: JsonObject, location: str, jsonata: bool = False
) -> DistributedConfig:
    config = json_object(processor.get("ProcessorConfig"))
    batcher_raw = raw.get("ItemBatcher")
    batcher = None
    if isinstance(batcher_raw, dict):
        where = f"{location}/ItemBatcher"
        batch_input = None if jsonata else batcher_raw.get("BatchInput")
        batcher = ItemBatcher(
            max_items_per_batch=_literal(batcher_raw, "MaxItemsPerBatch"),
            max_items_per_batch_path=path_field(batcher_raw, "MaxItemsPerBatchPath", where, default=None),
            max_input_bytes_per_batch=_literal(batcher_raw, "MaxInputBytesPerBatch"),
            max_input_bytes_per_batch_path=path_field(
                batcher_raw, "MaxInputBytesPerBatchPath", where, default=None
            ),
            batch_input=None if batch_input is None else compile_template(batch_input, f"{where}/BatchInput"),
            max_items_per_batch_expression=_expression(batcher_raw, "MaxItemsPerBatch", where, jsonata),
            max_input_bytes_per_batch_expression=_expression(
                batcher_raw, "MaxInputBytesPerBatch", where, jsonata
            ),
            jsonata_batch_input=_jsonata_template(batcher_raw, "BatchInput", where) if jsonata else None,
        )
    reader_raw = raw.get("ItemReader")
    reader = None
    if isinstance(reader_raw, dict):
        where = f"{location}/ItemReader"
        reader_config = json_object(reader_raw.get("ReaderConfig"))
        parameters = None if jsonata else reader_raw.get("Parameters")
        reader = ItemReader(
            resource=parse_resource(str(reader_raw.get("Resource", ""))),
            parameters=None if parameters is None else compile_template(parameters, f"{where}/Parameters"),
            reader_config=reader_config,
            max_items_path=path_field(reader_config, "MaxItemsPath", f"{where}/ReaderConfig", default=None),
            arguments=_jsonata_template(reader_raw, "Arguments", where) if jsonata else None,
            max_items_expression=_expression(reader_config, "MaxItems", f"{where}/ReaderConfig", jsonata),
        )
    writer_raw = raw.get("ResultWriter")
    writer = None
    if isinstance(writer_raw, dict):
        where = f"{location}/ResultWriter"
        parameters = None if jsonata else writer_raw.get("Parameters")
        writer = ResultWriter(
            resource=parse_resource(text(writer_raw["Resource"])) if "Resource" in writer_raw else None,
            parameters=None if parameters is None else compile_template(parameters, f"{where}/Parameters"),
            writer_config=json_object(writer_raw.get("WriterConfig")),
            arguments=_jsonata_template(writer_raw, "Arguments", where) if jsonata else None,
        )
    count = raw.get("ToleratedFailureCount")
    percentage = raw.get("ToleratedFailurePercentage")
    return DistributedConfig(
        execution_type=text(config.get("ExecutionType", "STANDARD")),
        tolerated_failure_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        tolerated_failure_count_path=path_field(raw, "ToleratedFailureCountPath", location, default=None),
        tolerated_failure_percentage=(
            float(percentage)
            if isinstance(percentage, int | float) and not isinstance(percentage, bool)
            else None
        ),
        tolerated_failure_percentage_path=path_field(
            raw, "ToleratedFailurePercentagePath", location, default=None
        ),
        item_batcher=batcher,
        item_reader=reader,
        result_writer=writer,
        tolerated_failure_count_expression=_expression(raw, "ToleratedFailureCount", location, jsonata),
        tolerated_failure_percentage_expression=_expression(
            raw, "ToleratedFailurePercentage", location, jsonata
        ),
    )


@dataclass(frozen=True, slots=True)
class FailureThreshold:
    """The tolerated failures of one Map Run (None: that threshold was not given)."""

    count: int | None
    percentage: float | None

    def exceeded(self, failed: int, total: int) -> bool:
        if failed == 0:
            return False
        if self.count is None and self.percentage is None:
            return True
        if self.count is not None and failed > self.count:
            return True
        return self.percentage is not None and total > 0 and failed * 100 > self.percentage * total


def failure_threshold_of(
    config: DistributedConfig,
    value: Json,
    context: Mapping[str, Json],
    variables: Mapping[str, Json] | None = None,
    bindings: JsonataBindings | None = None,
) -> FailureThreshold:
    """Resolve the tolerated failure fields; raises ``States.Runtime`` with AWS's causes.
    ``bindings``: a JSONata state's (its thresholds may be expressions)."""
    count = config.tolerated_failure_count
    if config.tolerated_failure_count_path is not None:
        path = config.tolerated_failure_count_path
        count = integer_at(path, "ToleratedFailureCountPath", value, context, variables)
    if bindings is not None and config.tolerated_failure_count_expression is not None:
        count = int(config.tolerated_failure_count_expression.evaluate(bindings, expected="integer"))
    if count is not None and count < 0:
        raise field_errors.negative_limit("ToleratedFailureCount")
    percentage = config.tolerated_failure_percentage
    if config.tolerated_failure_percentage_path is not None:
        path = config.tolerated_failure_percentage_path
        percentage = _float_at(path, "ToleratedFailurePercentagePath", value, context, variables)
    if bindings is not None and config.tolerated_failure_percentage_expression is not None:
        found = config.tolerated_failure_percentage_expression.evaluate(bindings, expected="number")
        percentage = float(found)
    if percentage is not None and not 0 <= percentage <= 100:
        raise field_errors.percentage_out_of_range()
    return FailureThreshold(count, percentage)


def batches_of(
    batcher: ItemBatcher,
    items: list[Json],
    value: Json,
    context: Mapping[str, Json],
    rng: random.Random | None = None,
    variables: Mapping[str, Json] | None = None,
    bindings: JsonataBindings | None = None,
) -> list[Json]:
    """Group the (selected) items into the child inputs ``{"BatchInput": …, "Items": [...]}``.
    ``bindings``: a JSONata state's (its limits and BatchInput may be expressions)."""
    max_items = batcher.max_items_per_batch
    if batcher.max_items_per_batch_path is not None:
        max_items = integer_at(
            batcher.max_items_per_batch_path, "MaxItemsPerBatchPath", value, context, variables
        )
    max_bytes = batcher.max_input_bytes_per_batch
    if batcher.max_input_bytes_per_batch_path is not None:
        max_bytes = integer_at(
            batcher.max_input_bytes_per_batch_path, "MaxInputBytesPerBatchPath", value, context, variables
        )
    if bindings is not None:
        if batcher.max_items_per_batch_expression is not None:
            max_items = int(batcher.max_items_per_batch_expression.evaluate(bindings, expected="integer"))
        if batcher.max_input_bytes_per_batch_expression is not None:
            found = batcher.max_input_bytes_per_batch_expression.evaluate(bindings, expected="integer")
            max_bytes = int(found)
    for field_name, limit in (("MaxItemsPerBatch", max_items), ("MaxInputBytesPerBatch", max_bytes)):
        if limit is not None and limit < 0:
            raise field_errors.negative_limit(field_name)
    batch_input = (
        None if batcher.batch_input is None else batcher.batch_input.evaluate(value, context, rng, variables)
    )
    if bindings is not None and batcher.jsonata_batch_input is not None:
        batch_input = batcher.jsonata_batch_input.evaluate(bindings)
    # A batch is the child's input {"BatchInput"?, "Items": [...]}: its JSON text stays within
    # MaxInputBytesPerBatch, and "under the 256KB limit" when no byte limit is given (ItemBatcher (Map)).
    byte_limit = MAX_BATCH_INPUT_BYTES if not max_bytes else min(max_bytes, MAX_BATCH_INPUT_BYTES)
    wrapper: dict[str, Json] = {} if batch_input is None else {"BatchInput": batch_input}
    empty_size = _json_size({**wrapper, "Items": []})
    batches: list[list[Json]] = []
    current: list[Json] = []
    size = empty_size
    for item in items:
        item_size = _json_size(item)
        full = max_items and len(current) >= max_items
        too_big = current and size + 1 + item_size > byte_limit  # 1: the comma before it
        if full or too_big:
            batches.append(current)
            current, size = [], empty_size
        size += item_size + (1 if current else 0)
        current.append(item)
    if current:
        batches.append(current)
    return [{**wrapper, "Items": batch} for batch in batches]


def _json_size(value: Json) -> int:
    return len(to_json_text(value).encode("utf-8", "replace"))


def _value_at(
    path: JsonPath, value: Json, context: Mapping[str, Json], variables: Mapping[str, Json] | None
) -> Json:
    try:
        return path.get(value, context, variables)
    except PathNotFound as error:
        raise field_errors.invalid_path(path.text, error.detail) from None


def _not_valid(field_name: str, found: Json, kind: str, path: JsonPath) -> StatesError:
    return field_errors.path_value_not_a_number(field_name, found, kind, path.text)


def integer_at(
    path: JsonPath,
    field_name: str,
    value: Json,
    context: Mapping[str, Json],
    variables: Mapping[str, Json] | None,
) -> int:
    """An integer field's path value; AWS also takes the text of an integer (``"2"``)."""
    return int(_number_at(path, field_name, value, context, variables, int, "integer"))


def _float_at(
    path: JsonPath,
    field_name: str,
    value: Json,
    context: Mapping[str, Json],
    variables: Mapping[str, Json] | None,
) -> float:
    return float(_number_at(path, field_name, value, context, variables, float, "float"))


def _number_at(
    path: JsonPath,
    field_name: str,
    value: Json,
    context: Mapping[str, Json],
    variables: Mapping[str, Json] | None,
    kind: type[int] | type[float],
    kind_name: str,
) -> int | float:
    """A number (or its text) at ``path``: ``int`` takes integers only, ``float`` any number."""
    found = _value_at(path, value, context, variables)
    accepted = int if kind is int else (int, float)
    if isinstance(found, accepted) and not isinstance(found, bool):
        return kind(found)
    if isinstance(found, str):
        try:
            return kind(found.strip())
        except ValueError:
            pass
    raise _not_valid(field_name, found, kind_name, path)
