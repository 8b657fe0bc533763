"""ResultWriter as "ResultWriter (Map)" documents it, through the engine against the in-process S3.

https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html: the required field
combinations (WriterConfig; Resource and Parameters; all three), the NONE records (each child's output with
its execution metadata: ExecutionArn, Input, InputDetails, Name, Output, OutputDetails, RedriveCount,
RedriveStatus, RedriveStatusReason, StartDate / StopDate as ISO 8601 text, StateMachineArn, Status), the
manifest and result files, and States.ResultWriterFailed when the results cannot be written.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from emulator.integrations.clients import AwsClients
from emulator.language.validate import validate_definition
from tests.unit.runtime.test_map_io_documented import (
    FAIL_NEGATIVE,
    PAIRS,
    bucket_with,
    clients,
    machine,
    read_object,
    run,
)

__all__ = ["clients"]  # the fixture, imported for this module's tests

ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SUCCEEDED_KEYS = [
    "ExecutionArn",
    "Input",
    "InputDetails",
    "Name",
    "Output",
    "OutputDetails",
    "RedriveCount",
    "RedriveStatus",
    "RedriveStatusReason",
    "StartDate",
    "StateMachineArn",
    "Status",
    "StopDate",
]


async def test_none_records_carry_the_documented_metadata(clients: AwsClients) -> None:
    definition = machine(
        PAIRS, ResultWriter={"WriterConfig": {"Transformation": "NONE", "OutputType": "JSON"}}
    )
    execution = await run(clients, definition, [1])
    [entry] = json.loads(execution.output or "")
    assert list(entry) == SUCCEEDED_KEYS
    assert (entry["RedriveCount"], entry["RedriveStatus"]) == (0, "NOT_REDRIVABLE")
    assert entry["RedriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    assert ISO_MILLIS.match(entry["StartDate"]) and ISO_MILLIS.match(entry["StopDate"])
    assert (entry["InputDetails"], entry["OutputDetails"]) == ({"Included": True}, {"Included": True})


async def test_a_failed_child_record_is_redrivable_by_its_map_run(clients: AwsClients) -> None:
    definition = machine(
        FAIL_NEGATIVE,
        ResultWriter={"WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}},
        ToleratedFailureCount=1,
    )
    definition["States"]["M"]["ItemProcessor"]["StartAt"] = "C"
    execution = await run(clients, definition, [-1])
    [entry] = json.loads(execution.output or "")
    assert list(entry) == sorted(entry)  # alphabetical, Cause and Error first
    assert (entry["Status"], entry["Error"], entry["Cause"]) == ("FAILED", "Negative", "below zero")
    assert entry["RedriveStatus"] == "REDRIVABLE_BY_MAP_RUN" and "RedriveStatusReason" not in entry
    assert "Output" not in entry


# Rows: the documented result files under <Prefix>/<map run id>/ (one per outcome, the manifest naming them).
@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("out", "out/{run}/manifest.json"),
        ("deep/er", "deep/er/{run}/manifest.json"),
        (None, "{run}/manifest.json"),
    ],
    ids=["prefix", "nested-prefix", "no-prefix"],
)
async def test_result_files_are_under_the_prefix_and_map_run_id(
    clients: AwsClients, prefix: str | None, expected: str
) -> None:
    bucket = await bucket_with(clients, {})
    parameters: dict[str, Any] = {"Bucket": bucket}
    if prefix is not None:
        parameters["Prefix"] = prefix
    definition = machine(ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": parameters})
    execution = await run(clients, definition, [1, 2])
    assert execution.error is None, execution.cause
    output = json.loads(execution.output or "")
    run_id = output["MapRunArn"].rsplit(":", 1)[1]
    key = expected.format(run=run_id)
    assert output == {"MapRunArn": output["MapRunArn"], "ResultWriterDetails": {"Bucket": bucket, "Key": key}}
    manifest = json.loads(await read_object(clients, bucket, key))
    assert manifest["DestinationBucket"] == bucket and manifest["MapRunArn"] == output["MapRunArn"]
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    records = json.loads(await read_object(clients, bucket, succeeded["Key"]))
    assert [json.loads(record["Input"]) for record in records] == [1, 2]
    assert all(list(record) == SUCCEEDED_KEYS for record in records)


# Rows: States.ResultWriterFailed when the results cannot be written (ResultWriter (Map), Exporting to
# Amazon S3: the bucket must exist; Parameters name the Bucket and Prefix).
WRITER_FAILURE_ROWS = [
    ("bucket-missing", {"Bucket": "absent-{id}", "Prefix": "p"}, "The specified bucket does not exist"),
    ("no-bucket", {"Prefix": "p"}, "The S3 PutObject parameter 'Bucket' is missing"),
    ("bucket-not-text", {"Bucket": 5}, "The S3 PutObject parameter 'Bucket' is not a string"),
]


@pytest.mark.parametrize(
    ("name", "parameters", "cause"), WRITER_FAILURE_ROWS, ids=[row[0] for row in WRITER_FAILURE_ROWS]
)
async def test_writer_failures_are_result_writer_failed(
    clients: AwsClients, name: str, parameters: dict[str, Any], cause: str
) -> None:
    if isinstance(parameters.get("Bucket"), str):
        parameters = {**parameters, "Bucket": parameters["Bucket"].format(id=uuid.uuid4().hex[:8])}
    definition = machine(ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": parameters})
    execution = await run(clients, definition, [1])
    assert execution.error == "States.ResultWriterFailed"
    assert (execution.cause or "").startswith(cause), execution.cause


# Rows: "Required field combinations" — WriterConfig; Resource and Parameters (Arguments in JSONata);
# all three. Anything else is refused at creation.
COMBINATION_ROWS = [
    ("writer-config", False, {"WriterConfig": {"Transformation": "COMPACT"}}, None),
    (
        "resource-parameters",
        False,
        {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b"}},
        None,
    ),
    (
        "all-three",
        False,
        {
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "b"},
            "WriterConfig": {"OutputType": "JSONL"},
        },
        None,
    ),
    (
        "jsonata-resource-arguments",
        True,
        {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b"}},
        None,
    ),
    ("empty", False, {}, "ResultWriter needs a WriterConfig, or a Resource and its Parameters"),
    (
        "resource-alone",
        False,
        {"Resource": "arn:aws:states:::s3:putObject"},
        "ResultWriter needs a Resource and its Parameters together",
    ),
    (
        "writer-config-and-resource",
        False,
        {"Resource": "arn:aws:states:::s3:putObject", "WriterConfig": {"Transformation": "NONE"}},
        "ResultWriter needs a Resource and its Parameters together",
    ),
    (
        "writer-config-and-parameters",
        False,
        {"Parameters": {"Bucket": "b"}, "WriterConfig": {"Transformation": "NONE"}},
        "ResultWriter needs a Resource and its Parameters together",
    ),
    (
        "jsonata-resource-alone",
        True,
        {"Resource": "arn:aws:states:::s3:putObject"},
        "ResultWriter needs a Resource and its Arguments together",
    ),
]


@pytest.mark.parametrize(
    ("name", "jsonata", "writer", "message"), COMBINATION_ROWS, ids=[row[0] for row in COMBINATION_ROWS]
)
def test_required_field_combinations(
    name: str, jsonata: bool, writer: dict[str, Any], message: str | None
) -> None:
    definition = machine(ResultWriter=writer)
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    diagnostics = validate_definition(json.dumps(definition))
    if message is None:
        assert diagnostics == []
    else:
        assert [diagnostic.message for diagnostic in diagnostics] == [message]
