"""ItemReader datasets that are binary or span several objects, as "ItemReader (Map)" documents them
(https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html):

| ReaderConfig                                   | what is read                                        |
|------------------------------------------------|-----------------------------------------------------|
| ``InputType: PARQUET``                         | the rows of a Parquet file (needs ``pyarrow``)      |
| ``InputType: MANIFEST`` / ``ManifestType:      | an S3 inventory ``manifest.json``: the (gzipped)    |
| S3_INVENTORY``                                 | CSV files it names, headed by its ``fileSchema``    |
| ``ManifestType: ATHENA_DATA`` + ``InputType``  | an Athena data manifest: one ``s3://`` URI a line,  |
| (CSV, JSONL, PARQUET)                          | each file read as ``InputType``                     |
| listObjectsV2 + ``Transformation:              | every listed object read as ``InputType``, the      |
| LOAD_AND_FLATTEN`` + ``InputType``             | items of all of them in listing order               |

Objects come through an ``ObjectReader`` ((bucket, key) -> bytes: the Map Run's S3 integration), so
this module does no I/O of its own. ``MaxItems`` stops reading further objects once reached. One
object's text (JSON, JSONL, CSV) is decoded by ``map_run_io``.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from emulator.model.jsontext import from_json_text
from emulator.model.types import Json
from emulator.runtime.map_run_io import decode_text, limited, reader_failed

ObjectReader = Callable[[str, str], Awaitable[bytes]]

MANIFEST_TYPES = ("S3_INVENTORY", "ATHENA_DATA")
READER_TRANSFORMATIONS = ("NONE", "LOAD_AND_FLATTEN")
# Athena UNLOAD writes its data in one of these formats; the manifest lists the files.
ATHENA_INPUT_TYPES = ("CSV", "JSONL", "PARQUET")
FLATTEN_INPUT_TYPES = ("CSV", "JSON", "JSONL", "PARQUET")
_GZIP_MAGIC = b"\x1f\x8b"
PARQUET_PACKAGE_HINT = "pip install 'sfn-emulator[parquet]'"


def is_inventory(config: Mapping[str, Json]) -> bool:
    manifest_type = config.get("ManifestType")
    return manifest_type == "S3_INVENTORY" or (
        manifest_type is None and config.get("InputType") == "MANIFEST"
    )


async def read_object_dataset(
    config: Mapping[str, Json], data: bytes, read: ObjectReader, max_items: int | None
) -> list[Json]:
    """The items of the object ``arn:aws:states:::s3:getObject`` read (``data``): the object itself,
    or the objects the manifest it holds names."""
    transformation = config.get("Transformation", "NONE")
    if transformation != "NONE":
        raise reader_failed(
            f"ReaderConfig Transformation '{transformation}' applies to the objects an "
            "arn:aws:states:::s3:listObjectsV2 listing names, not to one object"
        )
    manifest_type = config.get("ManifestType")
    if manifest_type is not None and manifest_type not in MANIFEST_TYPES:
        raise reader_failed(
            f"ReaderConfig ManifestType '{manifest_type}' is not one of {', '.join(MANIFEST_TYPES)}"
        )
    if is_inventory(config):
        return await _inventory_items(config, text_of(data, "The S3 inventory manifest"), read, max_items)
    if manifest_type == "ATHENA_DATA":
        return await _athena_items(config, text_of(data, "The Athena data manifest"), read, max_items)
    return limited(decode_object(config, data), max_items)


async def read_listed_objects(
    config: Mapping[str, Json], bucket: str, listing: list[Json], read: ObjectReader, max_items: int | None
) -> list[Json]:
    """``Transformation: LOAD_AND_FLATTEN``: each object the listing names, read as ``InputType``; the
    items of all objects in listing order."""
    input_type = config.get("InputType")
    if input_type not in FLATTEN_INPUT_TYPES:
        raise reader_failed(
            "ReaderConfig Transformation 'LOAD_AND_FLATTEN' needs an InputType of "
            f"{', '.join(FLATTEN_INPUT_TYPES)} (was {'none' if input_type is None else repr(input_type)})"
        )
    keys = [
        entry["Key"] for entry in listing if isinstance(entry, dict) and isinstance(entry.get("Key"), str)
    ]
    return await _objects_items(config, [(bucket, str(key)) for key in keys], read, max_items)


def decode_object(config: Mapping[str, Json], data: bytes) -> list[Json]:
    """One object's items as its ``InputType`` reads it."""
    if config.get("InputType") == "PARQUET":
        return decode_parquet(data)
    if config.get("InputType") == "MANIFEST":
        raise reader_failed("An S3 inventory manifest cannot name another manifest")
    return decode_text(config, text_of(data, "The object"))


def text_of(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise reader_failed(f"{what} is not UTF-8 text") from None


def _unzipped(data: bytes) -> bytes:
    """Inventory reports and Athena UNLOAD output are written gzip-compressed (``.csv.gz``, ``.gz``)."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise reader_failed(f"Invalid gzip file: {error}") from None


async def _objects_items(
    config: Mapping[str, Json], locations: list[tuple[str, str]], read: ObjectReader, max_items: int | None
) -> list[Json]:
    items: list[Json] = []
    for bucket, key in locations:
        if max_items is not None and len(items) >= max_items:
            break
        data = _unzipped(await read(bucket, key))
        if data:  # an empty object (a "folder" placeholder) holds no items
            items.extend(decode_object(config, data))
    return limited(items, max_items)


# --- S3 inventory -------------------------------------------------------------------------------
# An inventory report's manifest.json (Amazon S3 User Guide, "Locating your inventory list"): the
# ``destinationBucket`` ARN, ``fileFormat``, ``fileSchema`` (the CSV columns, comma separated) and
# ``files`` (each ``key`` a gzipped CSV file without a header row in the destination bucket).


async def _inventory_items(
    config: Mapping[str, Json], text: str, read: ObjectReader, max_items: int | None
) -> list[Json]:
    try:
        manifest = from_json_text(text)
    except ValueError:
        raise reader_failed("The S3 inventory manifest is not valid JSON") from None
    if not isinstance(manifest, dict):
        raise reader_failed("The S3 inventory manifest must be a JSON object")
    file_format = manifest.get("fileFormat")
    if file_format != "CSV":
        raise reader_failed(
            f"S3 inventory fileFormat '{file_format}' is not supported: Step Functions reads CSV inventory reports"
        )
    destination = manifest.get("destinationBucket")
    schema = manifest.get("fileSchema")
    files = manifest.get("files")
    if not isinstance(destination, str) or not isinstance(schema, str) or not isinstance(files, list):
        raise reader_failed("The S3 inventory manifest needs destinationBucket, fileSchema and files")
    bucket = destination.rsplit(":", 1)[-1]  # arn:aws:s3:::<bucket>
    headers = [column.strip() for column in schema.split(",")]
    csv_config: dict[str, Json] = {
        "InputType": "CSV",
        "CSVHeaderLocation": "GIVEN",
        "CSVHeaders": list(headers),
    }
    if "CSVDelimiter" in config:
        csv_config["CSVDelimiter"] = config["CSVDelimiter"]
    keys = [entry.get("key") for entry in files if isinstance(entry, dict)]
    if not all(isinstance(key, str) for key in keys):
        raise reader_failed("Each file of the S3 inventory manifest needs a key")
    return await _objects_items(csv_config, [(bucket, str(key)) for key in keys], read, max_items)


# --- Athena data manifest -----------------------------------------------------------------------


async def _athena_items(
    config: Mapping[str, Json], text: str, read: ObjectReader, max_items: int | None
) -> list[Json]:
    input_type = config.get("InputType")
    if input_type not in ATHENA_INPUT_TYPES:
        raise reader_failed(
            f"ReaderConfig ManifestType 'ATHENA_DATA' needs an InputType of {', '.join(ATHENA_INPUT_TYPES)} "
            f"(was {'none' if input_type is None else repr(input_type)})"
        )
    locations: list[tuple[str, str]] = []
    for line in text.splitlines():
        uri = line.strip()
        if not uri:
            continue
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        if not uri.startswith("s3://") or not bucket or not key:
            raise reader_failed(
                f"The Athena data manifest names '{uri}', which is not an s3://bucket/key URI"
            )
        locations.append((bucket, key))
    data_files = {name: value for name, value in config.items() if name != "ManifestType"}
    return await _objects_items(data_files, locations, read, max_items)


# --- Parquet ------------------------------------------------------------------------------------


def decode_parquet(data: bytes) -> list[Json]:
    """A Parquet file's rows, each an object of its columns in schema order."""
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional, imported only when a Parquet file is read
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        raise reader_failed(
            "ReaderConfig InputType 'PARQUET' needs the pyarrow package, which this emulator's "
            f"installation lacks ({PARQUET_PACKAGE_HINT})"
        ) from None
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        raise reader_failed(f"Invalid Parquet file: {error}") from None
    return [json_value(row) for row in table.to_pylist()]


def json_value(value: Any) -> Json:
    """A Parquet value as JSON: timestamps, dates and times in ISO 8601, decimals as numbers, binary
    as its UTF-8 text (base64 when it is not text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if all(isinstance(pair, tuple) and len(pair) == 2 for pair in value) and value:
            return {str(key): json_value(item) for key, item in value}  # a MAP column
        return [json_value(item) for item in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)
