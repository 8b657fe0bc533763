"""ItemBatcher as "ItemBatcher (Map)" documents it, in both query languages, through the engine.

https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html: each child execution
gets {"BatchInput"?, "Items": [...]}; MaxItemsPerBatch(Path) caps the items of a batch;
MaxInputBytesPerBatch(Path) caps a batch's size in bytes, up to 256 KiB, and a batch stays under 256 KiB
when no byte limit is given; with both limits the interpreter reduces the items of a batch to stay within
the size limit.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients
from tests.unit.runtime.test_map_io_documented import bucket_with, clients, machine, run

__all__ = ["clients"]  # the fixture, imported for this module's tests


def size_of(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


TWO_OF_THREE = size_of({"Items": ["ab", "cd"]})  # 20 bytes: {"Items":["ab","cd"]}
WITH_INPUT = size_of({"BatchInput": {"k": "v"}, "Items": ["ab", "cd"]})
BIG = "x" * 100_000  # three of them are over 256 KiB, two are not

# Rows: (name, ItemBatcher fields, items, batches the children receive).
BATCH_ROWS = [
    ("max-items", {"MaxItemsPerBatch": 2}, ["ab", "cd", "ef"], [["ab", "cd"], ["ef"]]),
    ("max-items-1", {"MaxItemsPerBatch": 1}, ["ab", "cd"], [["ab"], ["cd"]]),
    (
        "bytes-exactly-two",
        {"MaxInputBytesPerBatch": TWO_OF_THREE},
        ["ab", "cd", "ef"],
        [["ab", "cd"], ["ef"]],
    ),
    (
        "bytes-one-short",
        {"MaxInputBytesPerBatch": TWO_OF_THREE - 1},
        ["ab", "cd", "ef"],
        [["ab"], ["cd"], ["ef"]],
    ),
    (
        "bytes-count-batch-input",
        {"MaxInputBytesPerBatch": WITH_INPUT - 1, "BatchInput": {"k": "v"}},
        ["ab", "cd"],
        [["ab"], ["cd"]],
    ),
    (
        "bytes-with-batch-input-fit",
        {"MaxInputBytesPerBatch": WITH_INPUT, "BatchInput": {"k": "v"}},
        ["ab", "cd"],
        [["ab", "cd"]],
    ),
    (
        "both-limits-bytes-win",
        {"MaxItemsPerBatch": 3, "MaxInputBytesPerBatch": TWO_OF_THREE},
        ["ab", "cd", "ef"],
        [["ab", "cd"], ["ef"]],
    ),
    (
        "both-limits-items-win",
        {"MaxItemsPerBatch": 1, "MaxInputBytesPerBatch": 1000},
        ["ab", "cd"],
        [["ab"], ["cd"]],
    ),
    ("batch-input-only", {"BatchInput": {"k": "v"}}, ["ab", "cd"], [["ab", "cd"]]),
]


def batch_machine(fields: dict[str, Any], jsonata: bool) -> dict[str, Any]:
    processor = {"P": {"Type": "Pass", "End": True}}
    if jsonata:
        definition = machine(processor, Items="{% $states.input.items %}", ItemBatcher=fields)
        definition["QueryLanguage"] = "JSONata"
    else:
        definition = machine(processor, ItemsPath="$.items", ItemBatcher=fields)
    return definition


@pytest.mark.parametrize("jsonata", [False, True], ids=["jsonpath", "jsonata"])
@pytest.mark.parametrize(
    ("name", "fields", "items", "batches"), BATCH_ROWS, ids=[row[0] for row in BATCH_ROWS]
)
async def test_batches_as_documented(
    clients: AwsClients,
    name: str,
    fields: dict[str, Any],
    items: list[Any],
    batches: list[Any],
    jsonata: bool,
) -> None:
    execution = await run(clients, batch_machine(fields, jsonata), {"items": items})
    assert execution.error is None, execution.cause
    output = json.loads(execution.output or "")
    assert [child["Items"] for child in output] == batches
    if "BatchInput" in fields:
        assert all(child["BatchInput"] == fields["BatchInput"] for child in output)
    assert all(size_of(child) <= 262_144 for child in output)


# Rows: the limits given by a path (JSONPath) or an expression (JSONata) of the state input.
DYNAMIC_ROWS = [
    ("items-path", False, {"MaxItemsPerBatchPath": "$.limit"}, 2, [["ab", "cd"], ["ef"]]),
    ("bytes-path", False, {"MaxInputBytesPerBatchPath": "$.limit"}, TWO_OF_THREE, [["ab", "cd"], ["ef"]]),
    ("items-path-text", False, {"MaxItemsPerBatchPath": "$.limit"}, "1", [["ab"], ["cd"], ["ef"]]),
    ("items-expression", True, {"MaxItemsPerBatch": "{% $states.input.limit %}"}, 2, [["ab", "cd"], ["ef"]]),
    (
        "bytes-expression",
        True,
        {"MaxInputBytesPerBatch": "{% $states.input.limit %}"},
        TWO_OF_THREE,
        [["ab", "cd"], ["ef"]],
    ),
    (
        "batch-input-expression",
        True,
        {"MaxItemsPerBatch": 5, "BatchInput": {"tag": "{% $states.input.limit %}"}},
        "t",
        [["ab", "cd", "ef"]],
    ),
]


@pytest.mark.parametrize(
    ("name", "jsonata", "fields", "limit", "batches"), DYNAMIC_ROWS, ids=[row[0] for row in DYNAMIC_ROWS]
)
async def test_limits_from_the_state_input(
    clients: AwsClients, name: str, jsonata: bool, fields: dict[str, Any], limit: Any, batches: list[Any]
) -> None:
    execution = await run(
        clients, batch_machine(fields, jsonata), {"items": ["ab", "cd", "ef"], "limit": limit}
    )
    assert execution.error is None, execution.cause
    output = json.loads(execution.output or "")
    assert [child["Items"] for child in output] == batches
    if "BatchInput" in fields:
        assert output[0]["BatchInput"] == {"tag": "t"}


# Rows: a limit that cannot be used fails the state (States.Runtime in JSONPath; JSONata's type check
# fails the expression with States.QueryEvaluationError).
FAILURE_ROWS = [
    (
        "items-negative",
        False,
        {"MaxItemsPerBatchPath": "$.limit"},
        -1,
        "States.Runtime",
        "MaxItemsPerBatch cannot be negative.",
    ),
    (
        "bytes-negative",
        False,
        {"MaxInputBytesPerBatchPath": "$.limit"},
        -1,
        "States.Runtime",
        "MaxInputBytesPerBatch cannot be negative.",
    ),
    ("items-not-a-number", False, {"MaxItemsPerBatchPath": "$.limit"}, "x", "States.Runtime", None),
    ("items-path-missing", False, {"MaxItemsPerBatchPath": "$.absent"}, 1, "States.Runtime", None),
    (
        "expression-negative",
        True,
        {"MaxItemsPerBatch": "{% $states.input.limit %}"},
        -1,
        "States.Runtime",
        "MaxItemsPerBatch cannot be negative.",
    ),
    (
        "expression-not-a-number",
        True,
        {"MaxItemsPerBatch": "{% $states.input.limit %}"},
        "x",
        "States.QueryEvaluationError",
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "jsonata", "fields", "limit", "error", "cause"),
    FAILURE_ROWS,
    ids=[row[0] for row in FAILURE_ROWS],
)
async def test_unusable_limits_fail_the_state(
    clients: AwsClients,
    name: str,
    jsonata: bool,
    fields: dict[str, Any],
    limit: Any,
    error: str,
    cause: str | None,
) -> None:
    execution = await run(clients, batch_machine(fields, jsonata), {"items": ["ab"], "limit": limit})
    assert execution.error == error, execution.cause
    if cause is not None:
        assert (execution.cause or "").endswith(f"(entered at the event id #2). {cause}")


async def test_without_a_byte_limit_a_batch_stays_under_256_kib(clients: AwsClients) -> None:
    # Items read from S3 (they never pass through the state input): three items of ~100 KB make two
    # batches, as a batch must fit in 256 KiB; each child reports how many items it got.
    bucket = await bucket_with(clients, {"big.json": json.dumps([BIG, BIG, BIG])})
    processor = {"P": {"Type": "Pass", "Parameters": {"n.$": "States.ArrayLength($.Items)"}, "End": True}}
    item_reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket.$": "$.bucket", "Key": "big.json"},
    }
    definition = machine(processor, ItemReader=item_reader, ItemBatcher={"MaxItemsPerBatch": 10})
    execution = await run(clients, definition, {"bucket": bucket})
    assert execution.error is None, execution.cause
    assert json.loads(execution.output or "") == [{"n": 2}, {"n": 1}]
