"""A Distributed Map's ItemReader and ResultWriter calls, through the integration seam (what
their data looks like is ``map_run_io.py``'s)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate import field_errors
from emulator.language.evaluate.jsonata import JsonataBindings, JsonataTemplate
from emulator.language.states.map_state import DistributedConfig, integer_at
from emulator.model.records import Execution, ExecutionStatus, MapRun
from emulator.model.types import Json
from emulator.runtime.item_sources import read_listed_objects, read_object_dataset
from emulator.runtime.map_run import MapRunCounts
from emulator.runtime.map_run_io import (
    OUTPUT_TYPES,
    TRANSFORMATIONS,
    decode_items,
    max_items_of,
    result_files,
    transformed_results,
)
from emulator.runtime.run import Run
from emulator.runtime.work.scope import Context

# ``S3Integration.object_bytes``: GetObject's request members -> the object's bytes.
ObjectBytes = Callable[[Mapping[str, Any], str, str], Awaitable[bytes]]


async def read_items(
    integrations: IntegrationRegistry,
    rng: random.Random,
    run: Run,
    config: DistributedConfig,
    value: Json,
    context: Context,
    variables: Mapping[str, Json] | None = None,
    bindings: JsonataBindings | None = None,
) -> list[Json]:
    """The items an ItemReader reads through the integration seam (States.ItemReaderFailed)."""
    reader = config.item_reader
    assert reader is not None
    parameters: Json = (
        {} if reader.parameters is None else reader.parameters.evaluate(value, context, rng, variables)
    )
    max_items = None
    if reader.max_items_path is not None:
        max_items = integer_at(reader.max_items_path, "MaxItemsPath", value, context, variables)
    if bindings is not None:
        if reader.arguments is not None:
            parameters = _object_arguments(reader.arguments, bindings)
        if reader.max_items_expression is not None:
            max_items = int(reader.max_items_expression.evaluate(bindings, expected="integer"))
    invocation = TaskInvocation(reader.resource, parameters, context, run.region, run.account)
    integration = integrations.find(reader.resource)
    if integration is None:
        raise StatesError(
            ErrorName.ITEM_READER_FAILED,
            f"ItemReader resource '{reader.resource.arn}' needs an integration for "
            f"'{reader.resource.resource_type}' ({reader.resource.action}), which this emulator does not have",
        )
    reader_config = reader.reader_config
    limit = max_items_of(reader_config, max_items)
    mocked = integrations.mocks is not None and integrations.mocks.is_mocked(invocation)
    # The object's bytes when the integration offers them (the S3 integration does): a Parquet file,
    # a manifest's files, LOAD_AND_FLATTEN's listed objects. A mocked answer is JSON (its text).
    object_bytes: ObjectBytes | None = None if mocked else getattr(integration, "object_bytes", None)
    region = reader.resource.region or run.region
    try:
        if object_bytes is not None:
            reader_of_bytes = object_bytes

            async def read(bucket: str, key: str) -> bytes:
                return await reader_of_bytes({"Bucket": bucket, "Key": key}, run.account, region)

            request = parameters if isinstance(parameters, dict) else {}
            if reader.resource.action == "getObject":
                data = await object_bytes(request, run.account, region)
                return await read_object_dataset(reader_config, data, read, limit)
            if (
                reader.resource.action == "listObjectsV2"
                and reader_config.get("Transformation") == "LOAD_AND_FLATTEN"
            ):
                listing = await integrations.invoke(invocation)
                entries = listing.get("Contents") if isinstance(listing, dict) else listing
                bucket = request.get("Bucket")
                return await read_listed_objects(
                    reader_config, str(bucket), entries if isinstance(entries, list) else [], read, limit
                )
        body = await integrations.invoke(invocation)
    except StatesError as failure:
        if failure.error == ErrorName.ITEM_READER_FAILED:
            raise
        raise StatesError(ErrorName.ITEM_READER_FAILED, failure.cause or failure.error) from None
    return decode_items(reader_config, reader.resource.action, body, max_items)


async def write_results(
    integrations: IntegrationRegistry,
    rng: random.Random,
    run: Run,
    config: DistributedConfig,
    value: Json,
    context: Context,
    map_run: MapRun,
    counts: MapRunCounts,
    children: list[Execution],
    bindings: JsonataBindings | None = None,
    variables: Mapping[str, Json] | None = None,
) -> Json:
    """The ResultWriter's files written through the integration seam; the Map's result names them."""
    writer = config.result_writer
    assert writer is not None
    writer_config = writer.writer_config
    # Without WriterConfig an export to S3 is NONE (the outputs with their metadata); a WriterConfig
    # alone previews the formatted results as the state's output, COMPACT unless it says otherwise
    # (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
    transformation = str(writer_config.get("Transformation", "COMPACT" if writer_config else "NONE"))
    output_type = str(writer_config.get("OutputType", "JSON"))
    for name, chosen, allowed in (
        ("Transformation", transformation, TRANSFORMATIONS),
        ("OutputType", output_type, OUTPUT_TYPES),
    ):
        if chosen not in allowed:
            raise StatesError(
                ErrorName.RESULT_WRITER_FAILED,
                f"WriterConfig {name} '{chosen}' is not one of {', '.join(allowed)}",
            )
    if writer.resource is None and writer_config:
        return transformed_results(children, transformation)
    parameters: Json = (
        {} if writer.parameters is None else writer.parameters.evaluate(value, context, rng, variables)
    )
    if bindings is not None and writer.arguments is not None:
        parameters = _object_arguments(writer.arguments, bindings)
    bucket = parameters.get("Bucket") if isinstance(parameters, dict) else None
    prefix = parameters.get("Prefix", "") if isinstance(parameters, dict) else ""
    run_id = map_run.arn.rsplit(":", 1)[-1]
    base = f"{prefix}/{run_id}" if prefix else run_id
    if writer.resource is None or integrations.find(writer.resource) is None:
        resource = writer.resource.arn if writer.resource is not None else "(none)"
        raise StatesError(
            ErrorName.RESULT_WRITER_FAILED,
            f"ResultWriter resource '{resource}' needs an S3 integration, which this emulator does not have",
        )
    files = result_files(map_run.arn, str(bucket), base, children, transformation, output_type)
    for key, body in files:
        invocation = TaskInvocation(
            writer.resource,
            {"Bucket": bucket, "Key": key, "Body": body},
            context,
            run.region,
            run.account,
        )
        try:
            await integrations.invoke(invocation)
        except StatesError as failure:
            raise StatesError(ErrorName.RESULT_WRITER_FAILED, failure.cause or failure.error) from None
    counts.results_written(
        sum(1 for child in children if child.status is not ExecutionStatus.RUNNING), len(children)
    )
    return {
        "MapRunArn": map_run.arn,
        "ResultWriterDetails": {"Bucket": bucket, "Key": f"{base}/manifest.json"},
    }


def _object_arguments(template: JsonataTemplate, bindings: JsonataBindings) -> Json:
    """ItemReader / ResultWriter ``Arguments``: "a JSON object or a JSONata string that evaluates to a
    JSON object" (https://states-language.net/spec.html, Reading Items / Writing Results)."""
    arguments = template.evaluate(bindings)
    if not isinstance(arguments, dict):
        raise field_errors.template_not_of_type(template, "object", arguments)
    return arguments
