"""What a Map Run reads (ItemReader) and writes (ResultWriter), independent of where it is stored.

The object itself comes through the integration seam: the integration registered for the reader's
resource type (``s3``) answers ``getObject`` with the object's text (or ``{"Body": text}``) and
``listObjectsV2`` with the listing (``{"Contents": [...]}`` or the list itself). This module turns
that into items with AWS's ``States.ItemReaderFailed`` causes, and lays out the result files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from emulator.language.errors import ErrorName, StatesError
from emulator.language.validate.limits import MAX_READER_ITEMS
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.records import Execution, ExecutionStatus
from emulator.model.types import Json
from emulator.runtime.context import iso_timestamp

MAX_ITEMS_LIMIT = MAX_READER_ITEMS
# InputTypes (input-output-itemreader.html) that are not one object's text: an S3 inventory manifest
# names gzipped CSV files to read in turn; Parquet is a binary columnar format (item_sources.py).
_NOT_TEXT_INPUT_TYPES = {
    "MANIFEST": "the gzipped CSV files an S3 inventory manifest names",
    "PARQUET": "a binary Parquet file",
}
# "Step Functions supports CSV headers of up to 10 KiB" (ItemReader (Map), CSVHeaderLocation).
MAX_CSV_HEADER_BYTES = 10 * 1024
_DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
# ResultWriter ``WriterConfig`` (input-output-resultwriter.html): ``Transformation`` NONE (each
# child's output with its execution's metadata), COMPACT (the outputs alone), FLATTEN (the outputs,
# an array output spread into the result); ``OutputType`` JSON (an array) or JSONL (JSON Lines).
TRANSFORMATIONS = ("NONE", "COMPACT", "FLATTEN")
OUTPUT_TYPES = ("JSON", "JSONL")


def reader_failed(cause: str) -> StatesError:
    return StatesError(ErrorName.ITEM_READER_FAILED, cause)


def max_items_of(config: Mapping[str, Json], max_items_from_path: int | None) -> int | None:
    """``MaxItems`` (or what ``MaxItemsPath`` / a JSONata ``MaxItems`` gave); None or 0: no limit."""
    max_items = config.get("MaxItems") if max_items_from_path is None else max_items_from_path
    if not isinstance(max_items, int) or isinstance(max_items, bool):
        return None
    if max_items < 0:
        raise reader_failed("field MaxItems must be positive")
    return min(max_items, MAX_ITEMS_LIMIT) if max_items else None


def limited(items: list[Json], max_items: int | None) -> list[Json]:
    return items[:max_items] if max_items is not None and max_items < len(items) else items


def decode_items(
    config: Mapping[str, Json], action: str, body: Json, max_items_from_path: int | None
) -> list[Json]:
    """The items of one ItemReader answer held as JSON (a listing, or one object's text), limited by
    ``MaxItems`` / ``MaxItemsPath``. What spans objects or is binary is ``item_sources``'."""
    max_items = max_items_of(config, max_items_from_path)
    transformation = config.get("Transformation", "NONE")
    if transformation != "NONE":
        # LOAD_AND_FLATTEN reads every listed object: that needs the objects, not this answer alone.
        raise reader_failed(
            f"ReaderConfig Transformation '{transformation}' reads each object a listObjectsV2 listing "
            "names, which a listing alone (mapItemReaderData, a mocked answer) does not hold"
        )
    if action.startswith("listObjectsV2"):
        items = body.get("Contents", []) if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise reader_failed("Attempting to map over non-iterable node.")
    else:
        text = body.get("Body") if isinstance(body, dict) and "Body" in body else body
        if not isinstance(text, str):
            text = to_json_text(text)
        items = decode_text(config, text)
    return limited(items, max_items)


def decode_text(config: Mapping[str, Any], text: str) -> list[Json]:
    input_type = config.get("InputType", "JSON")
    unsupported = _NOT_TEXT_INPUT_TYPES.get(str(input_type))
    if unsupported is not None or config.get("ManifestType") is not None:
        raise reader_failed(
            f"ReaderConfig InputType '{input_type}' reads {unsupported or 'the objects a manifest names'}, "
            "which a text answer alone (mapItemReaderData, a mocked answer) does not hold"
        )
    if input_type == "CSV":
        return decode_csv(config, text)
    if input_type == "JSONL":
        try:
            return [from_json_text(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise reader_failed(f"Invalid JSONL: {error.msg}") from None
    try:
        value = from_json_text(text)
    except json.JSONDecodeError as error:
        raise reader_failed(f"Invalid JSON: {error.msg}") from None
    pointer = config.get("ItemsPointer")
    if isinstance(pointer, str):
        value = items_pointed(value, pointer)
    if not isinstance(value, list):
        raise reader_failed("Attempting to map over non-iterable node.")
    return value


def items_pointed(document: Json, pointer: str) -> Json:
    """The value an RFC 6901 JSON Pointer (``ReaderConfig.ItemsPointer``) selects in a JSON file:
    "/" separates reference tokens, "~1" stands for "/" and "~0" for "~"; "" is the whole file."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise reader_failed(f"Invalid ItemsPointer '{pointer}': a JSON Pointer starts with '/'")
    value = document
    for raw_token in pointer[1:].split("/"):
        token = raw_token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and (token == "0" or not token.startswith("0")):
            if int(token) >= len(value):
                raise reader_failed(f"ItemsPointer '{pointer}' does not point to a value in the JSON file")
            value = value[int(token)]
        else:
            raise reader_failed(f"ItemsPointer '{pointer}' does not point to a value in the JSON file")
    return value


def decode_csv(config: Mapping[str, Any], text: str) -> list[Json]:
    """A delimited file's rows as objects keyed by the headers (the first row, or ``CSVHeaders``)."""
    delimiter = _DELIMITERS.get(str(config.get("CSVDelimiter", "COMMA")), ",")
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = [str(header) for header in config.get("CSVHeaders") or ()]
    else:
        if not rows:
            return []
        headers, rows = rows[0], rows[1:]
    if len(delimiter.join(headers).encode("utf-8", "replace")) > MAX_CSV_HEADER_BYTES:
        raise reader_failed("CSV headers exceed the maximum size of 10 KiB.")
    if len(set(headers)) != len(headers):
        raise reader_failed("CSV headers cannot contain duplicates.")
    order = java_hash_map_order(headers)
    items: list[Json] = []
    for row in rows:
        items.append({headers[index]: row[index] if index < len(row) else "" for index in order})
    return items


def java_string_hash(text: str) -> int:
    """Java's ``String.hashCode()`` (over UTF-16 code units, 32-bit signed overflow)."""
    value = 0
    data = text.encode("utf-16-be")
    for index in range(0, len(data), 2):
        value = (value * 31 + ((data[index] << 8) | data[index + 1])) & 0xFFFFFFFF
    return value


def java_hash_map_order(keys: list[str]) -> list[int]:
    """The indexes of distinct ``keys`` in the iteration order of a Java ``HashMap`` they were put in.

    AWS builds a CSV row's object in a ``HashMap``, so its members come out in bucket order (the
    spread hash modulo the table size, which doubles past 3/4 full from 16), ties in insertion order."""
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2

    def bucket(index: int) -> int:
        value = java_string_hash(keys[index])
        return (value ^ (value >> 16)) & (capacity - 1)

    return sorted(range(len(keys)), key=lambda index: (bucket(index), index))


def result_entry(child: Execution) -> dict[str, Json]:
    """A child execution as the ``NONE`` transformation writes it: its output with its metadata, as
    the "ResultWriter (Map)" examples show a record: members in alphabetical order, dates in ISO 8601
    (UTC, milliseconds), the redrive members as DescribeExecution reports them for a Map Run's child."""
    entry: dict[str, Json] = {
        "ExecutionArn": child.arn,
        "Input": child.input,
        "InputDetails": {"Included": True},
        "Name": child.name,
        "RedriveCount": child.redrive_count,
        "StartDate": iso_timestamp(child.start_date),
        "StateMachineArn": child.state_machine_arn,
        "Status": child.status.value,
    }
    status, reason = map_run_child_redrive_status(child)
    entry["RedriveStatus"] = status
    if reason is not None:
        entry["RedriveStatusReason"] = reason
    if child.stop_date is not None:
        entry["StopDate"] = iso_timestamp(child.stop_date)
    if child.output is not None:
        entry["Output"] = child.output
        entry["OutputDetails"] = {"Included": True}
    if child.error is not None:
        entry["Error"] = child.error
    if child.cause is not None:
        entry["Cause"] = child.cause
    return dict(sorted(entry.items()))


def map_run_child_redrive_status(child: Execution) -> tuple[str, str | None]:
    """A Map Run child's ``redriveStatus`` (and reason): one that failed, timed out or was aborted is
    redriven by redriving its Map Run (``REDRIVABLE_BY_MAP_RUN``, EXPRESS children too: "You can redrive
    failed or timed out EXPRESS workflows only if they're a part of a Map Run"; DescribeExecution)."""
    if child.status in (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED):
        return "REDRIVABLE_BY_MAP_RUN", None
    return "NOT_REDRIVABLE", f"Execution is {child.status.value} and cannot be redriven"


def transformed_results(children: list[Execution], transformation: str) -> list[Json]:
    """The children's results under a ``WriterConfig.Transformation``. A child that did not succeed
    keeps its result unchanged, "equivalent to setting Transformation to NONE"."""
    results: list[Json] = []
    for child in children:
        if transformation == "NONE" or child.status is not ExecutionStatus.SUCCEEDED:
            results.append(result_entry(child))
            continue
        output = from_json_text(child.output) if child.output else None
        if transformation == "FLATTEN" and isinstance(output, list):
            results.extend(output)
        else:
            results.append(output)
    return results


def formatted(results: list[Json], output_type: str) -> str:
    """A result file's text: a JSON array, or JSON Lines (one value a line)."""
    if output_type == "JSONL":
        return "".join(f"{to_json_text(result)}\n" for result in results)
    return to_json_text(results)


def result_files(
    map_run_arn: str,
    bucket: str,
    base: str,
    children: list[Execution],
    transformation: str = "NONE",
    output_type: str = "JSON",
) -> list[tuple[str, str]]:
    """``(key, body)`` of the ResultWriter objects: one file per outcome and the manifest (its
    ``ResultFiles`` listed FAILED, PENDING, SUCCEEDED as AWS's example manifest shows them)."""
    groups: dict[str, list[Execution]] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    for child in children:
        if child.status is ExecutionStatus.SUCCEEDED:
            groups["SUCCEEDED"].append(child)
        elif child.status is ExecutionStatus.RUNNING:
            groups["PENDING"].append(child)
        else:
            groups["FAILED"].append(child)
    files: list[tuple[str, str]] = []
    manifest_files: dict[str, list[Json]] = {}
    for group, members in groups.items():
        manifest_files[group] = []
        if members:
            key = f"{base}/{group}_0.json"
            body = formatted(transformed_results(members, transformation), output_type)
            files.append((key, body))
            manifest_files[group].append({"Key": key, "Size": len(body.encode("utf-8", "replace"))})
    manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": manifest_files}
    files.append((f"{base}/manifest.json", to_json_text(manifest)))
    return files
