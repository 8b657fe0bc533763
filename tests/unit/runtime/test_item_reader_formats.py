"""ItemReader datasets that are binary or span objects (Parquet, S3 inventory and Athena data manifests,
listObjectsV2 with LOAD_AND_FLATTEN), run through the engine against the in-process S3 (moto behind the
integration seam, as the server wires it)."""

from __future__ import annotations

import gzip
import io
import json
import sys
import uuid
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients
from emulator.language.validate import validate_definition
from tests.unit.runtime.harness import ACCOUNT, REGION
from tests.unit.runtime.test_map_io_documented import clients, machine, reader, run

__all__ = ["clients"]  # the fixture, imported for this module's tests


async def bucket_of(clients: AwsClients, objects: dict[str, str | bytes]) -> str:
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    await clients.call("s3", "CreateBucket", {"Bucket": bucket}, account=ACCOUNT, region=REGION)
    for key, body in objects.items():
        request = {"Bucket": bucket, "Key": key, "Body": body}
        await clients.call("s3", "PutObject", request, account=ACCOUNT, region=REGION)
    return bucket


def parquet(columns: dict[str, list[Any]]) -> bytes:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


def listing_reader(prefix: str, **config: Any) -> dict[str, Any]:
    return {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "ReaderConfig": config,
        "Parameters": {"Bucket.$": "$.bucket", "Prefix": prefix},
    }


async def items_read(
    clients: AwsClients, objects: dict[str, str | bytes], item_reader: dict[str, Any]
) -> Any:
    bucket = await bucket_of(clients, objects)
    execution = await run(clients, machine(ItemReader=item_reader), {"bucket": bucket})
    assert (execution.status.value, execution.error) == ("SUCCEEDED", None), execution.cause
    return json.loads(execution.output or "")


async def reader_failure(
    clients: AwsClients, objects: dict[str, str | bytes], item_reader: dict[str, Any]
) -> str:
    bucket = await bucket_of(clients, objects)
    execution = await run(clients, machine(ItemReader=item_reader), {"bucket": bucket})
    assert execution.error == "States.ItemReaderFailed", execution.output
    return execution.cause or ""


# --- listObjectsV2 + Transformation LOAD_AND_FLATTEN --------------------------------------------
# Rows from "ItemReader (Map)" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html),
# ReaderConfig Transformation: NONE (default) iterates over the listing's metadata; LOAD_AND_FLATTEN reads
# each listed object as InputType (JSON, JSONL, CSV, PARQUET) and iterates over all their items.
FLATTEN_ROWS = [
    (
        "json-files",
        {"in/a.json": "[1, 2]", "in/b.json": "[3]", "out/c.json": "[9]"},
        {"InputType": "JSON"},
        [1, 2, 3],
    ),
    (
        "jsonl-files",
        {"in/a.jsonl": '{"n": 1}\n{"n": 2}\n', "in/b.jsonl": '{"n": 3}\n'},
        {"InputType": "JSONL"},
        [{"n": 1}, {"n": 2}, {"n": 3}],
    ),
    (
        "csv-files-first-row",
        {"in/a.csv": "k\nx\n", "in/b.csv": "k\ny\nz\n"},
        {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        [{"k": "x"}, {"k": "y"}, {"k": "z"}],
    ),
    (
        "csv-files-given-pipe",
        {"in/a.csv": "1|2\n", "in/b.csv": "3|4\n"},
        {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["p", "q"], "CSVDelimiter": "PIPE"},
        [{"p": "1", "q": "2"}, {"p": "3", "q": "4"}],
    ),
    (
        "json-items-pointer-each-file",
        {"in/a.json": '{"rows": [1]}', "in/b.json": '{"rows": [2, 3]}'},
        {"InputType": "JSON", "ItemsPointer": "/rows"},
        [1, 2, 3],
    ),
    (
        "max-items-across-files",
        {"in/a.json": "[1, 2]", "in/b.json": "[3, 4]"},
        {"InputType": "JSON", "MaxItems": 3},
        [1, 2, 3],
    ),
    ("empty-object-holds-no-items", {"in/": "", "in/a.json": "[1]"}, {"InputType": "JSON"}, [1]),
    ("none-is-the-listing", {"in/a.json": "[1]"}, {"Transformation": "NONE"}, "listing"),
]


@pytest.mark.parametrize(
    ("name", "objects", "config", "items"), FLATTEN_ROWS, ids=[row[0] for row in FLATTEN_ROWS]
)
async def test_load_and_flatten_reads_every_listed_object(
    clients: AwsClients, name: str, objects: dict[str, str | bytes], config: dict[str, Any], items: Any
) -> None:
    if config.get("Transformation") != "NONE":
        config = {"Transformation": "LOAD_AND_FLATTEN", **config}
    found = await items_read(clients, objects, listing_reader("in/", **config))
    if items == "listing":
        assert [item["Key"] for item in found] == ["in/a.json"] and "Etag" in found[0]
    else:
        assert found == items


async def test_load_and_flatten_reads_parquet_objects(clients: AwsClients) -> None:
    objects: dict[str, str | bytes] = {
        "in/a.parquet": parquet({"id": [1, 2]}),
        "in/b.parquet": parquet({"id": [3]}),
    }
    config = {"Transformation": "LOAD_AND_FLATTEN", "InputType": "PARQUET"}
    assert await items_read(clients, objects, listing_reader("in/", **config)) == [
        {"id": 1},
        {"id": 2},
        {"id": 3},
    ]


async def test_load_and_flatten_in_jsonata_takes_arguments(clients: AwsClients) -> None:
    bucket = await bucket_of(clients, {"logs/1.jsonl": '{"l": "a"}\n', "logs/2.jsonl": '{"l": "b"}\n'})
    item_reader = {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "ReaderConfig": {"InputType": "JSONL", "Transformation": "LOAD_AND_FLATTEN"},
        "Arguments": {"Bucket": "{% $states.input.bucket %}", "Prefix": "{% $states.input.prefix %}"},
    }
    definition = machine(ItemReader=item_reader)
    definition["QueryLanguage"] = "JSONata"
    execution = await run(clients, definition, {"bucket": bucket, "prefix": "logs/"})
    assert (execution.error, json.loads(execution.output or "")) == (None, [{"l": "a"}, {"l": "b"}])


# Rows: States.ItemReaderFailed, "ItemReader (Map)": LOAD_AND_FLATTEN needs an InputType; each object is
# read as that type (a JSON object must hold an array).
FLATTEN_FAILURE_ROWS = [
    (
        "no-input-type",
        {"in/a.json": "[1]"},
        {},
        "ReaderConfig Transformation 'LOAD_AND_FLATTEN' needs an InputType",
    ),
    (
        "manifest-input-type",
        {"in/a.json": "[1]"},
        {"InputType": "MANIFEST"},
        "ReaderConfig Transformation 'LOAD_AND_FLATTEN' needs an InputType of CSV, JSON, JSONL, PARQUET (was 'MANIFEST')",
    ),
    (
        "object-not-an-array",
        {"in/a.json": "[1]", "in/b.json": '{"a": 1}'},
        {"InputType": "JSON"},
        "Attempting to map over non-iterable node.",
    ),
    (
        "object-not-text",
        {"in/a.json": b"\xff\xfe\x00["},
        {"InputType": "JSON"},
        "The object is not UTF-8 text",
    ),
]


@pytest.mark.parametrize(
    ("name", "objects", "config", "cause"), FLATTEN_FAILURE_ROWS, ids=[row[0] for row in FLATTEN_FAILURE_ROWS]
)
async def test_load_and_flatten_failures(
    clients: AwsClients, name: str, objects: dict[str, str | bytes], config: dict[str, Any], cause: str
) -> None:
    item_reader = listing_reader("in/", Transformation="LOAD_AND_FLATTEN", **config)
    assert (await reader_failure(clients, objects, item_reader)).startswith(cause)


# --- PARQUET ------------------------------------------------------------------------------------
# Rows from "ItemReader (Map)", InputType PARQUET: each row of the Parquet file is an item, an object of
# its columns (values as JSON: numbers, strings, booleans, null, nested lists and structs).
PARQUET_ROWS = [
    ("scalars", {"id": [1, 2], "name": ["a", "b"]}, {}, [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]),
    (
        "bool-float-null",
        {"ok": [True, None], "score": [0.5, 2.0]},
        {},
        [{"ok": True, "score": 0.5}, {"ok": None, "score": 2.0}],
    ),
    (
        "nested",
        {"tags": [["x", "y"]], "point": [{"x": 1, "y": 2}]},
        {},
        [{"tags": ["x", "y"], "point": {"x": 1, "y": 2}}],
    ),
    ("max-items", {"id": [1, 2, 3]}, {"MaxItems": 2}, [{"id": 1}, {"id": 2}]),
]


@pytest.mark.parametrize(
    ("name", "columns", "config", "items"), PARQUET_ROWS, ids=[row[0] for row in PARQUET_ROWS]
)
async def test_parquet_rows_are_the_items(
    clients: AwsClients, name: str, columns: dict[str, list[Any]], config: dict[str, Any], items: list[Any]
) -> None:
    objects: dict[str, str | bytes] = {"data.parquet": parquet(columns)}
    assert await items_read(clients, objects, reader("data.parquet", InputType="PARQUET", **config)) == items


async def test_parquet_timestamps_and_dates_are_iso_8601(clients: AwsClients) -> None:
    import datetime as dt

    objects: dict[str, str | bytes] = {
        "t.parquet": parquet({"at": [dt.datetime(2024, 1, 2, 3, 4, 5)], "on": [dt.date(2024, 1, 2)]})
    }
    assert await items_read(clients, objects, reader("t.parquet", InputType="PARQUET")) == [
        {"at": "2024-01-02T03:04:05", "on": "2024-01-02"}
    ]


async def test_an_invalid_parquet_file_is_item_reader_failed(clients: AwsClients) -> None:
    pytest.importorskip("pyarrow")
    cause = await reader_failure(
        clients, {"bad.parquet": b"PAR1 not really"}, reader("bad.parquet", InputType="PARQUET")
    )
    assert cause.startswith("Invalid Parquet file")


async def test_parquet_without_pyarrow_names_what_is_missing(
    clients: AwsClients, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    cause = await reader_failure(clients, {"d.parquet": b"PAR1"}, reader("d.parquet", InputType="PARQUET"))
    assert cause.startswith("ReaderConfig InputType 'PARQUET' needs the pyarrow package")
    assert "pip install" in cause


# --- S3 inventory manifest ----------------------------------------------------------------------
# Rows from "ItemReader (Map)", S3 inventory: InputType MANIFEST (or ManifestType S3_INVENTORY) reads the
# manifest.json of an S3 inventory report and iterates over the rows of the CSV files it lists; each item
# is an object of the manifest's fileSchema columns, e.g. {"LastModifiedDate", "Bucket", "Size", "Key"} in
# that order for "Bucket, Key, Size, LastModifiedDate". The manifest's shape is the Amazon S3 User Guide's
# ("Locating your inventory list": destinationBucket ARN, fileFormat, fileSchema, files[].key).
def inventory(bucket_name: str, files: list[str], file_format: str = "CSV") -> str:
    return json.dumps(
        {
            "sourceBucket": "source",
            "destinationBucket": f"arn:aws:s3:::{bucket_name}",
            "version": "2016-11-30",
            "creationTimestamp": "1514944800000",
            "fileFormat": file_format,
            "fileSchema": "Bucket, Key, Size, LastModifiedDate",
            "files": [{"key": key, "size": 1, "MD5checksum": "0"} for key in files],
        }
    )


ROW_1 = '"source","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"\n'
ROW_2 = '"source","csvDataset/ratings.csv","10","2022-11-17T00:00:00.000Z"\n'
ITEM_1 = {
    "LastModifiedDate": "2022-11-16T00:29:32.000Z",
    "Bucket": "source",
    "Size": "3399671",
    "Key": "csvDataset/titles.csv",
}


@pytest.mark.parametrize(
    "config",
    [
        {"InputType": "MANIFEST"},
        {"ManifestType": "S3_INVENTORY"},
        {"InputType": "MANIFEST", "ManifestType": "S3_INVENTORY"},
    ],
    ids=["input-type-manifest", "manifest-type-s3-inventory", "both"],
)
async def test_s3_inventory_manifest_items_are_the_rows_of_its_files(
    clients: AwsClients, config: dict[str, Any]
) -> None:
    bucket = await bucket_of(clients, {})
    objects = {
        "inv/manifest.json": inventory(bucket, ["inv/data/1.csv.gz", "inv/data/2.csv.gz"]),
        "inv/data/1.csv.gz": gzip.compress(ROW_1.encode()),
        "inv/data/2.csv.gz": gzip.compress(ROW_2.encode()),
    }
    for key, body in objects.items():
        await clients.call(
            "s3", "PutObject", {"Bucket": bucket, "Key": key, "Body": body}, account=ACCOUNT, region=REGION
        )
    execution = await run(
        clients, machine(ItemReader=reader("inv/manifest.json", **config)), {"bucket": bucket}
    )
    assert execution.error is None, execution.cause
    items = json.loads(execution.output or "")
    assert items[0] == ITEM_1 and list(items[0]) == list(ITEM_1)
    assert [item["Key"] for item in items] == ["csvDataset/titles.csv", "csvDataset/ratings.csv"]


async def test_s3_inventory_max_items_stops_reading(clients: AwsClients) -> None:
    bucket = await bucket_of(clients, {})
    objects: dict[str, str | bytes] = {
        "m.json": inventory(bucket, ["1.csv.gz", "absent.csv.gz"]),
        "1.csv.gz": gzip.compress((ROW_1 + ROW_2).encode()),
    }
    for key, body in objects.items():
        await clients.call(
            "s3", "PutObject", {"Bucket": bucket, "Key": key, "Body": body}, account=ACCOUNT, region=REGION
        )
    execution = await run(
        clients, machine(ItemReader=reader("m.json", InputType="MANIFEST", MaxItems=2)), {"bucket": bucket}
    )
    assert execution.error is None, execution.cause
    assert len(json.loads(execution.output or "")) == 2


# Rows: States.ItemReaderFailed for S3 inventory manifests ("ItemReader (Map)": CSV inventory reports only;
# the Amazon S3 User Guide's manifest fields).
INVENTORY_FAILURE_ROWS = [
    (
        "orc-report",
        lambda bucket: inventory(bucket, [], "ORC"),
        "S3 inventory fileFormat 'ORC' is not supported",
    ),
    ("not-json", lambda bucket: "Bucket,Key", "The S3 inventory manifest is not valid JSON"),
    (
        "missing-fields",
        lambda bucket: json.dumps({"fileFormat": "CSV"}),
        "The S3 inventory manifest needs destinationBucket",
    ),
    (
        "listed-file-missing",
        lambda bucket: inventory(bucket, ["gone.csv.gz"]),
        "The specified key does not exist.",
    ),
]


@pytest.mark.parametrize(
    ("name", "manifest", "cause"), INVENTORY_FAILURE_ROWS, ids=[row[0] for row in INVENTORY_FAILURE_ROWS]
)
async def test_s3_inventory_failures(clients: AwsClients, name: str, manifest: Any, cause: str) -> None:
    bucket = await bucket_of(clients, {})
    await clients.call(
        "s3",
        "PutObject",
        {"Bucket": bucket, "Key": "m.json", "Body": manifest(bucket)},
        account=ACCOUNT,
        region=REGION,
    )
    execution = await run(
        clients, machine(ItemReader=reader("m.json", InputType="MANIFEST")), {"bucket": bucket}
    )
    assert execution.error == "States.ItemReaderFailed"
    assert (execution.cause or "").startswith(cause), execution.cause


# --- Athena data manifest -----------------------------------------------------------------------
# Rows from "ItemReader (Map)", ManifestType ATHENA_DATA: the manifest an Athena UNLOAD query writes lists
# one s3:// URI a line; each data file is read as InputType (CSV, JSONL or PARQUET), gzip-compressed or not.
async def test_athena_manifest_reads_each_listed_file_as_its_input_type(clients: AwsClients) -> None:
    bucket = await bucket_of(clients, {})
    objects: dict[str, str | bytes] = {
        "q/1.gz": gzip.compress(b'{"id": 1}\n{"id": 2}\n'),
        "q/2": '{"id": 3}\n',
        "q/manifest.csv": f"s3://{bucket}/q/1.gz\ns3://{bucket}/q/2\n",
    }
    for key, body in objects.items():
        await clients.call(
            "s3", "PutObject", {"Bucket": bucket, "Key": key, "Body": body}, account=ACCOUNT, region=REGION
        )
    item_reader = reader("q/manifest.csv", ManifestType="ATHENA_DATA", InputType="JSONL")
    execution = await run(clients, machine(ItemReader=item_reader), {"bucket": bucket})
    assert execution.error is None, execution.cause
    assert json.loads(execution.output or "") == [{"id": 1}, {"id": 2}, {"id": 3}]


async def test_athena_manifest_of_csv_files_with_given_headers(clients: AwsClients) -> None:
    bucket = await bucket_of(clients, {})
    objects = {"d/1.csv": "1,a\n2,b\n", "m.csv": f"s3://{bucket}/d/1.csv\n"}
    for key, body in objects.items():
        await clients.call(
            "s3", "PutObject", {"Bucket": bucket, "Key": key, "Body": body}, account=ACCOUNT, region=REGION
        )
    config = {
        "ManifestType": "ATHENA_DATA",
        "InputType": "CSV",
        "CSVHeaderLocation": "GIVEN",
        "CSVHeaders": ["n", "s"],
    }
    execution = await run(clients, machine(ItemReader=reader("m.csv", **config)), {"bucket": bucket})
    assert json.loads(execution.output or "") == [{"n": "1", "s": "a"}, {"n": "2", "s": "b"}]


async def test_athena_manifest_of_parquet_files(clients: AwsClients) -> None:
    bucket = await bucket_of(clients, {})
    objects: dict[str, str | bytes] = {
        "d/1.parquet": parquet({"v": [7]}),
        "m.csv": f"s3://{bucket}/d/1.parquet\n",
    }
    for key, body in objects.items():
        await clients.call(
            "s3", "PutObject", {"Bucket": bucket, "Key": key, "Body": body}, account=ACCOUNT, region=REGION
        )
    item_reader = reader("m.csv", ManifestType="ATHENA_DATA", InputType="PARQUET")
    execution = await run(clients, machine(ItemReader=item_reader), {"bucket": bucket})
    assert json.loads(execution.output or "") == [{"v": 7}]


ATHENA_FAILURE_ROWS = [
    (
        "no-input-type",
        {},
        "s3://b/k\n",
        "ReaderConfig ManifestType 'ATHENA_DATA' needs an InputType of CSV, JSONL, PARQUET",
    ),
    (
        "json-input-type",
        {"InputType": "JSON"},
        "s3://b/k\n",
        "ReaderConfig ManifestType 'ATHENA_DATA' needs an InputType",
    ),
    (
        "not-an-s3-uri",
        {"InputType": "JSONL"},
        "https://example.com/k\n",
        "The Athena data manifest names 'https://example.com/k'",
    ),
]


@pytest.mark.parametrize(
    ("name", "config", "manifest", "cause"), ATHENA_FAILURE_ROWS, ids=[row[0] for row in ATHENA_FAILURE_ROWS]
)
async def test_athena_manifest_failures(
    clients: AwsClients, name: str, config: dict[str, Any], manifest: str, cause: str
) -> None:
    item_reader = reader("m.csv", ManifestType="ATHENA_DATA", **config)
    assert (await reader_failure(clients, {"m.csv": manifest}, item_reader)).startswith(cause)


# --- Limits and text -----------------------------------------------------------------------------
# Rows from "ItemReader (Map)", CSVHeaderLocation: "Step Functions supports CSV headers of up to 10 KiB".
@pytest.mark.parametrize(
    ("width", "fails"), [(10 * 1024, False), (10 * 1024 + 1, True)], ids=["10-KiB", "over"]
)
async def test_csv_headers_up_to_10_kib(clients: AwsClients, width: int, fails: bool) -> None:
    header = "h" * width
    item_reader = reader("k.csv", InputType="CSV", CSVHeaderLocation="FIRST_ROW")
    if fails:
        cause = await reader_failure(clients, {"k.csv": f"{header}\nx\n"}, item_reader)
        assert cause == "CSV headers exceed the maximum size of 10 KiB."
    else:
        assert await items_read(clients, {"k.csv": f"{header}\nx\n"}, item_reader) == [{header: "x"}]


async def test_an_object_that_is_not_utf8_text_is_item_reader_failed(clients: AwsClients) -> None:
    cause = await reader_failure(clients, {"k.json": b"\xff\xfe["}, reader("k.json", InputType="JSON"))
    assert cause == "The object is not UTF-8 text"


# Rows: the documented value sets of ReaderConfig ManifestType and Transformation ("ItemReader (Map)").
@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"ManifestType": "GLUE"}, "ManifestType"),
        ({"InputType": "JSON", "Transformation": "FLATTEN"}, "Transformation"),
    ],
    ids=["manifest-type", "transformation"],
)
def test_invalid_manifest_type_and_transformation_fail_validation(config: dict[str, Any], named: str) -> None:
    item_reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": config, "Parameters": {}}
    diagnostics = validate_definition(json.dumps(machine(ItemReader=item_reader)))
    assert any(named in diagnostic.message for diagnostic in diagnostics), diagnostics


@pytest.mark.parametrize(
    "config",
    [
        {"ManifestType": "ATHENA_DATA", "InputType": "PARQUET"},
        {"InputType": "JSONL", "Transformation": "LOAD_AND_FLATTEN"},
    ],
    ids=["athena", "load-and-flatten"],
)
def test_documented_reader_configs_pass_validation(config: dict[str, Any]) -> None:
    item_reader = {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": config, "Parameters": {}}
    assert validate_definition(json.dumps(machine(ItemReader=item_reader))) == []


# Rows from "ItemReader (Map)", ReaderConfig MaxItems / MaxItemsPath: "a limit of up to 100,000,000";
# "you can specify either MaxItems or MaxItemsPath, but not both"; MaxItemsPath is for JSONPath workflows
# (a reference path); in JSONata MaxItems may be an expression.
MAX_ITEMS_VALIDATION_ROWS = [
    ("limit", False, {"MaxItems": 100_000_000}, []),
    ("zero", False, {"MaxItems": 0}, []),
    (
        "over-limit",
        False,
        {"MaxItems": 100_000_001},
        ["The value for the field 'MaxItems' must be <= 100000000"],
    ),
    ("negative", False, {"MaxItems": -1}, ["The value for the field 'MaxItems' must be >= 0"]),
    ("text", False, {"MaxItems": "2"}, ["The value for the field 'MaxItems' must be an INTEGER"]),
    ("path", False, {"MaxItemsPath": "$.limit"}, []),
    (
        "bad-path",
        False,
        {"MaxItemsPath": "limit"},
        ["The value for the field 'MaxItemsPath' must be a valid JSONPath"],
    ),
    (
        "both",
        False,
        {"MaxItems": 1, "MaxItemsPath": "$.limit"},
        ["At most one of these fields is allowed: [MaxItems, MaxItemsPath]"],
    ),
    ("jsonata-expression", True, {"MaxItems": "{% $states.input.limit %}"}, []),
    ("jsonata-path", True, {"MaxItemsPath": "$.limit"}, ["Field 'MaxItemsPath' is not supported"]),
]


@pytest.mark.parametrize(
    ("name", "jsonata", "config", "messages"),
    MAX_ITEMS_VALIDATION_ROWS,
    ids=[row[0] for row in MAX_ITEMS_VALIDATION_ROWS],
)
def test_max_items_rules_at_creation(
    name: str, jsonata: bool, config: dict[str, Any], messages: list[str]
) -> None:
    item_reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON", **config},
        "Arguments" if jsonata else "Parameters": {"Bucket": "b", "Key": "k"},
    }
    definition = machine(ItemReader=item_reader)
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    assert [diagnostic.message for diagnostic in validate_definition(json.dumps(definition))] == messages


# Rows: MaxItemsPath at run time ("ItemReader (Map)": it resolves to an integer in the state input).
@pytest.mark.parametrize(
    ("limit", "outcome"),
    [(2, [1, 2]), ("1", [1]), (0, [1, 2, 3]), (-1, "States.ItemReaderFailed")],
    ids=["integer", "integer-text", "zero-is-no-limit", "negative"],
)
async def test_max_items_path_at_run_time(clients: AwsClients, limit: Any, outcome: Any) -> None:
    bucket = await bucket_of(clients, {"k.json": "[1, 2, 3]"})
    item_reader = reader("k.json", InputType="JSON", MaxItemsPath="$.limit")
    execution = await run(clients, machine(ItemReader=item_reader), {"bucket": bucket, "limit": limit})
    if isinstance(outcome, str):
        assert execution.error == outcome
    else:
        assert json.loads(execution.output or "") == outcome
