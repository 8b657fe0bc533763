"""Distributed Map ItemReader / ItemBatcher / ResultWriter variants as AWS documents them, run through
the engine against the in-process S3 (moto behind the integration seam, as the server wires it)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients
from emulator.integrations.registry import IntegrationRegistry
from emulator.integrations.s3 import S3Integration
from emulator.language.validate import validate_definition
from emulator.model.records import Execution
from emulator.runtime.engine import Engine
from emulator.settings import Settings
from tests.fakes import ManualClock
from tests.unit.runtime.harness import ACCOUNT, REGION, make_execution


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def bucket_with(clients: AwsClients, objects: dict[str, str]) -> str:
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    await clients.call("s3", "CreateBucket", {"Bucket": bucket}, account=ACCOUNT, region=REGION)
    for key, body in objects.items():
        request = {"Bucket": bucket, "Key": key, "Body": body}
        await clients.call("s3", "PutObject", request, account=ACCOUNT, region=REGION)
    return bucket


async def read_object(clients: AwsClients, bucket: str, key: str) -> str:
    got = await clients.call(
        "s3", "GetObject", {"Bucket": bucket, "Key": key}, account=ACCOUNT, region=REGION
    )
    body = got.output["Body"]
    return body.decode() if isinstance(body, bytes) else str(body)


def machine(processor: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": processor or {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
                **fields,
            }
        },
    }


async def run(clients: AwsClients, definition: dict[str, Any], input_value: Any = None) -> Execution:
    integrations = IntegrationRegistry()
    integrations.register("s3", S3Integration(clients))
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(7))
    execution = make_execution(definition, json.dumps(input_value or {}), clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    return execution


def reader(key: str, **config: Any) -> dict[str, Any]:
    return {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": config,
        "Parameters": {"Bucket.$": "$.bucket", "Key": key},
    }


# Rows from "ItemReader (Map)": https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
# (InputType JSON / JSONL / CSV, CSVHeaderLocation FIRST_ROW / GIVEN with CSVHeaders, CSVDelimiter
# COMMA / PIPE / SEMICOLON / SPACE / TAB, MaxItems, ItemsPointer into a JSON file's nested array).
FILE_READER_ROWS = [
    ("json-array", '[{"a": 1}, {"a": 2}]', {"InputType": "JSON"}, [{"a": 1}, {"a": 2}]),
    (
        "json-items-pointer",
        '{"data": {"orders": [{"id": "o1"}, {"id": "o2"}]}, "meta": 1}',
        {"InputType": "JSON", "ItemsPointer": "/data/orders"},
        [{"id": "o1"}, {"id": "o2"}],
    ),
    (
        "json-items-pointer-index",
        '{"pages": [[1, 2], [3]]}',
        {"InputType": "JSON", "ItemsPointer": "/pages/1"},
        [3],
    ),
    ("json-max-items", "[1, 2, 3, 4]", {"InputType": "JSON", "MaxItems": 2}, [1, 2]),
    ("jsonl", '{"a": 1}\n{"a": 2}\n', {"InputType": "JSONL"}, [{"a": 1}, {"a": 2}]),
    (
        "csv-first-row",
        "a,b\n1,2\n3,4\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}],
    ),
    (
        "csv-given",
        "1,2\n",
        {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"]},
        [{"a": "1", "b": "2"}],
    ),
    (
        "csv-pipe",
        "a|b\n1|2\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "PIPE"},
        [{"a": "1", "b": "2"}],
    ),
    (
        "csv-semicolon",
        "a;b\n1;2\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "SEMICOLON"},
        [{"a": "1", "b": "2"}],
    ),
    (
        "csv-space",
        "a b\n1 2\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "SPACE"},
        [{"a": "1", "b": "2"}],
    ),
    (
        "csv-tab",
        "a\tb\n1\t2\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "TAB"},
        [{"a": "1", "b": "2"}],
    ),
    (
        "csv-quoted",
        'a,b\n"x,y","say ""hi"""\n',
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        [{"a": "x,y", "b": 'say "hi"'}],
    ),
    (
        "csv-max-items",
        "a\n1\n2\n3\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 1},
        [{"a": "1"}],
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "config", "items"), FILE_READER_ROWS, ids=[row[0] for row in FILE_READER_ROWS]
)
async def test_get_object_reader_variants(
    clients: AwsClients, name: str, body: str, config: dict[str, Any], items: list[Any]
) -> None:
    bucket = await bucket_with(clients, {"data/file": body})
    execution = await run(clients, machine(ItemReader=reader("data/file", **config)), {"bucket": bucket})
    assert (execution.status.value, execution.error) == ("SUCCEEDED", None), execution.cause
    assert json.loads(execution.output or "") == items


async def test_list_objects_v2_items_are_the_documented_listing_entries(clients: AwsClients) -> None:
    # "ItemReader (Map)", S3 objects: each item is {Etag, Key, LastModified (epoch seconds), Size, StorageClass}.
    bucket = await bucket_with(clients, {"in/a.txt": "12345", "in/b.txt": "1", "other.txt": "x"})
    item_reader = {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket.$": "$.bucket", "Prefix": "in/"},
    }
    execution = await run(clients, machine(ItemReader=item_reader), {"bucket": bucket})
    items = json.loads(execution.output or "")
    assert [item["Key"] for item in items] == ["in/a.txt", "in/b.txt"]
    assert list(items[0]) == ["Etag", "Key", "LastModified", "Size", "StorageClass"]
    assert (items[0]["Size"], items[0]["StorageClass"]) == (5, "STANDARD")
    assert isinstance(items[0]["LastModified"], int) and items[0]["Etag"].startswith('"')


async def test_jsonata_arguments_and_max_items_reach_the_reader(clients: AwsClients) -> None:
    # "ItemReader (Map)": in JSONata workflows Parameters is replaced by Arguments.
    bucket = await bucket_with(clients, {"k.json": "[1, 2, 3]"})
    item_reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.limit %}"},
        "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "k.json"},
    }
    definition = machine(ItemReader=item_reader)
    definition["QueryLanguage"] = "JSONata"
    execution = await run(clients, definition, {"bucket": bucket, "limit": 2})
    assert (execution.error, json.loads(execution.output or "")) == (None, [1, 2])


# Rows: States.ItemReaderFailed from "ItemReader (Map)" (a JSON file must hold a JSON array; CSV headers
# must be distinct; a manifest must be an S3 inventory manifest; LOAD_AND_FLATTEN reads a listing's objects).
READER_FAILURE_ROWS = [
    ("not-an-array", "k", '{"a": 1}', {"InputType": "JSON"}, "Attempting to map over non-iterable node."),
    (
        "pointer-to-object",
        "k",
        '{"a": {"b": 1}}',
        {"InputType": "JSON", "ItemsPointer": "/a"},
        "Attempting to map over non-iterable node.",
    ),
    (
        "pointer-missing",
        "k",
        '{"a": []}',
        {"InputType": "JSON", "ItemsPointer": "/b"},
        "ItemsPointer '/b' does not point",
    ),
    (
        "duplicate-headers",
        "k",
        "a,a\n1,2\n",
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        "CSV headers cannot contain duplicates.",
    ),
    ("manifest", "k", "{}", {"InputType": "MANIFEST"}, "S3 inventory fileFormat 'None' is not supported"),
    (
        "load-and-flatten-on-one-object",
        "k",
        "[]",
        {"InputType": "JSON", "Transformation": "LOAD_AND_FLATTEN"},
        "ReaderConfig Transformation 'LOAD_AND_FLATTEN' applies to the objects an "
        "arn:aws:states:::s3:listObjectsV2 listing names",
    ),
    ("missing-key", "absent", "[]", {"InputType": "JSON"}, "The specified key does not exist."),
]


@pytest.mark.parametrize(
    ("name", "key", "body", "config", "cause"),
    READER_FAILURE_ROWS,
    ids=[row[0] for row in READER_FAILURE_ROWS],
)
async def test_reader_failures_are_item_reader_failed(
    clients: AwsClients, name: str, key: str, body: str, config: dict[str, Any], cause: str
) -> None:
    bucket = await bucket_with(clients, {"k": body})
    execution = await run(clients, machine(ItemReader=reader(key, **config)), {"bucket": bucket})
    assert execution.error == "States.ItemReaderFailed"
    assert (execution.cause or "").startswith(cause)


async def test_a_missing_bucket_is_item_reader_failed(clients: AwsClients) -> None:
    execution = await run(
        clients,
        machine(ItemReader=reader("k", InputType="JSON")),
        {"bucket": f"absent-{uuid.uuid4().hex[:8]}"},
    )
    assert execution.error == "States.ItemReaderFailed"
    assert (execution.cause or "").startswith("The specified bucket does not exist")


ARRAY_OUTPUT = {
    "P": {
        "Type": "Pass",
        "Parameters": {"v.$": "$"},
        "ResultPath": "$.copy",
        "OutputPath": "$.pair",
        "End": True,
    }
}
PAIRS = {"P": {"Type": "Pass", "Parameters": ["x", {"v.$": "$"}], "End": True}}

# Rows from "ResultWriter (Map)": https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
# (WriterConfig alone previews the formatted results as the state output; COMPACT gives the child
# outputs, FLATTEN spreads an array output into the result, NONE adds each execution's metadata).
PREVIEW_ROWS = [
    ("compact", {"Transformation": "COMPACT", "OutputType": "JSON"}, [["x", {"v": 1}], ["x", {"v": 2}]]),
    ("flatten", {"Transformation": "FLATTEN", "OutputType": "JSON"}, ["x", {"v": 1}, "x", {"v": 2}]),
    ("flatten-jsonl", {"Transformation": "FLATTEN", "OutputType": "JSONL"}, ["x", {"v": 1}, "x", {"v": 2}]),
]


@pytest.mark.parametrize(
    ("name", "writer_config", "output"), PREVIEW_ROWS, ids=[row[0] for row in PREVIEW_ROWS]
)
async def test_writer_config_alone_previews_the_transformed_results(
    clients: AwsClients, name: str, writer_config: dict[str, Any], output: list[Any]
) -> None:
    definition = machine(PAIRS, ResultWriter={"WriterConfig": writer_config})
    execution = await run(clients, definition, [1, 2])
    assert execution.error is None, execution.cause
    assert json.loads(execution.output or "") == output


async def test_writer_config_none_preview_carries_each_execution_s_metadata(clients: AwsClients) -> None:
    definition = machine(
        PAIRS, ResultWriter={"WriterConfig": {"Transformation": "NONE", "OutputType": "JSON"}}
    )
    execution = await run(clients, definition, [1])
    [entry] = json.loads(execution.output or "")
    assert entry["Status"] == "SUCCEEDED" and json.loads(entry["Output"]) == ["x", {"v": 1}]
    assert entry["Input"] == "1" and entry["ExecutionArn"].split(":")[5] == "execution"


FAIL_NEGATIVE = {
    "C": {
        "Type": "Choice",
        "Choices": [{"Variable": "$", "NumericLessThan": 0, "Next": "F"}],
        "Default": "P",
    },
    "F": {"Type": "Fail", "Error": "Negative", "Cause": "below zero"},
    "P": {"Type": "Pass", "Parameters": ["x", {"v.$": "$"}], "End": True},
}
S3_EXPORT_ROWS = [
    # (row, WriterConfig or None, SUCCEEDED file decoded, failed entry kept whole)
    ("no-writer-config-is-none", None, "NONE"),
    ("compact-json", {"Transformation": "COMPACT", "OutputType": "JSON"}, [["x", {"v": 1}]]),
    ("flatten-json", {"Transformation": "FLATTEN", "OutputType": "JSON"}, ["x", {"v": 1}]),
    ("flatten-jsonl", {"Transformation": "FLATTEN", "OutputType": "JSONL"}, ["x", {"v": 1}]),
]


@pytest.mark.parametrize(
    ("name", "writer_config", "succeeded"), S3_EXPORT_ROWS, ids=[row[0] for row in S3_EXPORT_ROWS]
)
async def test_exporting_to_s3_writes_the_manifest_and_one_file_per_status(
    clients: AwsClients, name: str, writer_config: dict[str, Any] | None, succeeded: Any
) -> None:
    # "ResultWriter (Map)", Exporting to Amazon S3: <Prefix>/<map run id>/manifest.json lists the
    # SUCCEEDED_n / FAILED_n / PENDING_n files; the state output names the manifest.
    bucket = await bucket_with(clients, {})
    writer: dict[str, Any] = {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket.$": "$.bucket", "Prefix": "out"},
    }
    if writer_config is not None:
        writer["WriterConfig"] = writer_config
    definition = machine(FAIL_NEGATIVE, ResultWriter=writer, ToleratedFailureCount=1, ItemsPath="$.items")
    definition["States"]["M"]["ItemProcessor"]["StartAt"] = "C"
    execution = await run(clients, definition, {"items": [1, -1], "bucket": bucket})
    assert execution.error is None, execution.cause
    output = json.loads(execution.output or "")
    run_id = output["MapRunArn"].rsplit(":", 1)[1]
    assert output["ResultWriterDetails"] == {"Bucket": bucket, "Key": f"out/{run_id}/manifest.json"}
    manifest = json.loads(await read_object(clients, bucket, f"out/{run_id}/manifest.json"))
    assert list(manifest) == ["DestinationBucket", "MapRunArn", "ResultFiles"]
    assert list(manifest["ResultFiles"]) == ["FAILED", "PENDING", "SUCCEEDED"]
    assert manifest["ResultFiles"]["PENDING"] == []
    files = {}
    for status in ("FAILED", "SUCCEEDED"):
        [entry] = manifest["ResultFiles"][status]
        assert entry["Key"] == f"out/{run_id}/{status}_0.json"
        text = await read_object(clients, bucket, entry["Key"])
        assert entry["Size"] == len(text.encode())
        is_jsonl = (writer_config or {}).get("OutputType") == "JSONL"
        files[status] = [json.loads(line) for line in text.splitlines()] if is_jsonl else json.loads(text)
    [failed] = files["FAILED"]  # a failed child's result is kept whole, as with NONE
    assert (failed["Status"], failed["Error"], failed["Cause"]) == ("FAILED", "Negative", "below zero")
    if succeeded == "NONE":
        [entry] = files["SUCCEEDED"]
        assert (entry["Status"], json.loads(entry["Output"])) == ("SUCCEEDED", ["x", {"v": 1}])
    else:
        assert files["SUCCEEDED"] == succeeded


# Rows: the documented value sets of ReaderConfig ("ItemReader (Map)") and WriterConfig ("ResultWriter
# (Map)"), and "The ResultWriter field cannot be empty".
INVALID_CONFIG_ROWS = [
    (
        "ItemReader",
        {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML"}, "Parameters": {}},
        "InputType",
    ),
    (
        "ItemReader",
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "LAST_ROW"},
            "Parameters": {},
        },
        "CSVHeaderLocation",
    ),
    (
        "ItemReader",
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVDelimiter": "COLON"},
            "Parameters": {},
        },
        "CSVDelimiter",
    ),
    (
        "ItemReader",
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN"},
            "Parameters": {},
        },
        "CSVHeaders is required",
    ),
    (
        "ItemReader",
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": "a,b"},
            "Parameters": {},
        },
        "CSVHeaders",
    ),
    ("ResultWriter", {"WriterConfig": {"Transformation": "SQUASH", "OutputType": "JSON"}}, "Transformation"),
    ("ResultWriter", {"WriterConfig": {"Transformation": "NONE", "OutputType": "CSV"}}, "OutputType"),
    ("ResultWriter", {}, "ResultWriter needs a WriterConfig"),
]


@pytest.mark.parametrize(("field", "value", "named"), INVALID_CONFIG_ROWS)
def test_invalid_reader_and_writer_configs_fail_validation(
    field: str, value: dict[str, Any], named: str
) -> None:
    diagnostics = validate_definition(json.dumps(machine(**{field: value})))
    assert any(named in diagnostic.message for diagnostic in diagnostics), diagnostics


# Rows from "ItemBatcher (Map)": https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html
# (each child gets {"BatchInput"?, "Items": [...]}; MaxItemsPerBatch or MaxItemsPerBatchPath caps a batch).
BATCHER_ROWS = [
    ("max-items", {"MaxItemsPerBatch": 2}, {"items": [1, 2, 3]}, [{"Items": [1, 2]}, {"Items": [3]}]),
    (
        "max-items-path",
        {"MaxItemsPerBatchPath": "$.size"},
        {"items": [1, 2, 3], "size": 3},
        [{"Items": [1, 2, 3]}],
    ),
    (
        "batch-input",
        {"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.tag"}},
        {"items": [1, 2], "tag": "t"},
        [{"BatchInput": {"run": "t"}, "Items": [1, 2]}],
    ),
    (
        "batch-input-variable",
        {"MaxItemsPerBatch": 5, "BatchInput": {"run.$": "$assigned"}},
        {"items": [1], "tag": "t"},
        [{"BatchInput": {"run": "from-variable"}, "Items": [1]}],
    ),
]


@pytest.mark.parametrize(
    ("name", "batcher", "input_value", "output"), BATCHER_ROWS, ids=[row[0] for row in BATCHER_ROWS]
)
async def test_item_batcher_variants(
    clients: AwsClients, name: str, batcher: dict[str, Any], input_value: Any, output: list[Any]
) -> None:
    definition = machine(ItemBatcher=batcher, ItemsPath="$.items")
    definition["StartAt"] = "A"
    definition["States"]["A"] = {"Type": "Pass", "Assign": {"assigned": "from-variable"}, "Next": "M"}
    execution = await run(clients, definition, input_value)
    assert execution.error is None, execution.cause
    assert json.loads(execution.output or "") == output


async def test_result_writer_parameters_see_workflow_variables(clients: AwsClients) -> None:
    # "ResultWriter (Map)": Parameters name the bucket and prefix; a JSONPath payload template may read
    # workflow variables ("Passing data between states with variables").
    bucket = await bucket_with(clients, {})
    writer = {
        "Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket.$": "$target", "Prefix": "p"},
    }
    definition = machine(ResultWriter=writer)
    definition["StartAt"] = "A"
    definition["States"]["A"] = {"Type": "Pass", "Assign": {"target": bucket}, "Next": "M"}
    execution = await run(clients, definition, [1])
    assert execution.error is None, execution.cause
    assert json.loads(execution.output or "")["ResultWriterDetails"]["Bucket"] == bucket


async def test_item_selector_sees_the_map_context_object_of_read_items(clients: AwsClients) -> None:
    # "Accessing execution data from the Context object" (input-output-contextobject.html), Map state
    # context object: $$.Map.Item.Index is the item's index, $$.Map.Item.Value the item itself; an
    # ItemSelector of a Distributed Map with an ItemReader sees the items read.
    bucket = await bucket_with(clients, {"k.csv": "a\nx\ny\n"})
    selector = {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "tag.$": "$.tag"}
    definition = machine(
        ItemReader=reader("k.csv", InputType="CSV", CSVHeaderLocation="FIRST_ROW"), ItemSelector=selector
    )
    execution = await run(clients, definition, {"bucket": bucket, "tag": "t"})
    assert json.loads(execution.output or "") == [
        {"index": 0, "value": {"a": "x"}, "tag": "t"},
        {"index": 1, "value": {"a": "y"}, "tag": "t"},
    ]


# Rows from "Setting failure thresholds for Distributed Map states"
# (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html): the Map Run fails
# with States.ExceedToleratedFailureThreshold once failed items exceed ToleratedFailureCount or
# ToleratedFailurePercentage of all items; without a threshold any failure fails it.
THRESHOLD_ROWS = [
    ("no-threshold", {}, [1, -1, 2, 3], "States.ExceedToleratedFailureThreshold"),
    ("count-equal", {"ToleratedFailureCount": 1}, [1, -1, 2, 3], None),
    (
        "count-exceeded",
        {"ToleratedFailureCount": 1},
        [-1, -1, 2, 3],
        "States.ExceedToleratedFailureThreshold",
    ),
    ("percentage-equal", {"ToleratedFailurePercentage": 50}, [-1, -1, 2, 3], None),
    (
        "percentage-exceeded",
        {"ToleratedFailurePercentage": 25},
        [-1, -1, 2, 3],
        "States.ExceedToleratedFailureThreshold",
    ),
    ("percentage-100", {"ToleratedFailurePercentage": 100}, [-1, -1], None),
    (
        "either-exceeded",
        {"ToleratedFailureCount": 5, "ToleratedFailurePercentage": 25},
        [-1, -1, 2, 3],
        "States.ExceedToleratedFailureThreshold",
    ),
    ("count-path", {"ToleratedFailureCountPath": "$.allowed"}, [-1, -1, 2, 3], None),
]


@pytest.mark.parametrize(
    ("name", "fields", "items", "error"), THRESHOLD_ROWS, ids=[row[0] for row in THRESHOLD_ROWS]
)
async def test_tolerated_failure_thresholds(
    clients: AwsClients, name: str, fields: dict[str, Any], items: list[int], error: str | None
) -> None:
    definition = machine(FAIL_NEGATIVE, ItemsPath="$.items", **fields)
    definition["States"]["M"]["ItemProcessor"]["StartAt"] = "C"
    execution = await run(clients, definition, {"items": items, "allowed": 2})
    assert execution.error == error, execution.cause
