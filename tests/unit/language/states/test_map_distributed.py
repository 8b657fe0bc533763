"""Distributed Map compilation and its pure parts: failure thresholds and item batching."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.language.errors import StatesError
from emulator.language.parse import compile_definition
from emulator.language.states.map_state import (
    FailureThreshold,
    MapState,
    batches_of,
    failure_threshold_of,
)


def compile_map(**fields: Any) -> MapState:
    processor: dict[str, Any] = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    mode = fields.pop("Mode", "DISTRIBUTED")
    if mode:
        processor["ProcessorConfig"] = {"Mode": mode, "ExecutionType": "EXPRESS"}
    state = compile_definition(
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}}}
    ).states["M"]
    assert isinstance(state, MapState)
    return state


def test_distributed_mode_compiles_its_configuration() -> None:
    state = compile_map(
        ToleratedFailureCount=2,
        ItemBatcher={"MaxItemsPerBatch": 5},
        ItemReader={"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV"}},
    )
    config = state.distributed
    assert config is not None
    assert (config.execution_type, config.tolerated_failure_count, config.tolerated_failure_percentage) == (
        "EXPRESS",
        2,
        None,
    )
    assert config.item_batcher is not None and config.item_batcher.max_items_per_batch == 5
    assert config.item_reader is not None and config.item_reader.resource.action == "getObject"


def test_inline_maps_have_no_distributed_configuration() -> None:
    assert compile_map(Mode=None).distributed is None
    assert compile_map(Mode="INLINE").distributed is None


def test_the_reader_writer_and_batcher_make_a_map_distributed() -> None:
    assert compile_map(Mode=None, ItemBatcher={"MaxItemsPerBatch": 5}).distributed is not None


@pytest.mark.parametrize(
    "fields",
    [
        {"ToleratedFailurePercentage": 5},
        {"ToleratedFailureCount": 1},
        {"ToleratedFailurePercentagePath": "$.p"},
        {"ToleratedFailureCountPath": "$.c"},
    ],
)
def test_tolerated_failure_fields_leave_an_inline_map_inline(fields: dict[str, object]) -> None:
    # AWS runs an INLINE (or Mode-less) Map with ToleratedFailure* fields inline (recorded for
    # JSONata; the Mode decides in JSONPath too). https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
    assert compile_map(Mode=None, **fields).distributed is None


@pytest.mark.parametrize(
    ("count", "percentage", "failed", "total", "exceeded"),
    [
        (None, None, 0, 3, False),
        (None, None, 1, 3, True),
        (1, None, 1, 3, False),
        (1, None, 2, 3, True),
        (None, 50.0, 1, 2, False),
        (None, 50.0, 2, 3, True),
        (5, 10.0, 2, 10, True),  # either threshold fails the run
    ],
)
def test_failure_threshold(
    count: int | None, percentage: float | None, failed: int, total: int, exceeded: bool
) -> None:
    assert FailureThreshold(count, percentage).exceeded(failed, total) is exceeded


@pytest.mark.parametrize(
    ("fields", "value", "cause"),
    [
        ({"ToleratedFailureCountPath": "$.x"}, -1, "ToleratedFailureCount cannot be negative."),
        (
            {"ToleratedFailureCountPath": "$.x"},
            {},
            'The ToleratedFailureCountPath field refers to value "{}" which is not a valid integer: $.x',
        ),
        (
            {"ToleratedFailurePercentagePath": "$.x"},
            100.1,
            "ToleratedFailurePercentage must be between 0 and 100.",
        ),
        (
            {"ToleratedFailurePercentagePath": "$.x"},
            "NoNumber",
            'The ToleratedFailurePercentagePath field refers to value "NoNumber" which is not a valid float: $.x',
        ),
    ],
)
def test_invalid_tolerated_failure_values_give_aws_causes(
    fields: dict[str, Any], value: Any, cause: str
) -> None:
    config = compile_map(**fields).distributed
    assert config is not None
    with pytest.raises(StatesError) as raised:
        failure_threshold_of(config, {"x": value}, {})
    assert (raised.value.error, raised.value.cause) == ("States.Runtime", cause)


def test_tolerated_failure_paths_accept_numbers_written_as_text() -> None:
    config = compile_map(ToleratedFailureCountPath="$.c", ToleratedFailurePercentagePath="$.p").distributed
    assert config is not None
    assert failure_threshold_of(config, {"c": "1", "p": "2.5"}, {}) == FailureThreshold(1, 2.5)


def test_batches_respect_item_count_and_byte_limits() -> None:
    by_count = compile_map(ItemBatcher={"MaxItemsPerBatch": 2}).distributed
    by_bytes = compile_map(ItemBatcher={"MaxInputBytesPerBatch": 8}).distributed
    assert by_count is not None and by_count.item_batcher is not None
    assert by_bytes is not None and by_bytes.item_batcher is not None
    assert batches_of(by_count.item_batcher, [1, 2, 3], {}, {}) == [{"Items": [1, 2]}, {"Items": [3]}]
    # "aaa" takes 5 bytes plus a separator: two do not fit in 8.
    assert batches_of(by_bytes.item_batcher, ["aaa", "bbb"], {}, {}) == [
        {"Items": ["aaa"]},
        {"Items": ["bbb"]},
    ]
