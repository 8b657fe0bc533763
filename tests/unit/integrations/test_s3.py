"""The S3 resources a Distributed Map reads (ItemReader) and writes (ResultWriter), on the in-process moto."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from emulator.integrations.clients import AwsClients
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.s3 import S3Integration
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.model.types import Json
from emulator.settings import Settings

ACCOUNT = "444444444444"
REGION = "us-east-1"


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def bucket_with(clients: AwsClients, objects: dict[str, str]) -> str:
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    await clients.call("s3", "CreateBucket", {"Bucket": bucket}, account=ACCOUNT, region=REGION)
    for key, body in objects.items():
        await clients.call(
            "s3", "PutObject", {"Bucket": bucket, "Key": key, "Body": body}, account=ACCOUNT, region=REGION
        )
    return bucket


async def call(clients: AwsClients, action: str, parameters: dict[str, Json]) -> Json:
    resource = parse_resource(f"arn:aws:states:::s3:{action}")
    return await S3Integration(clients).invoke(TaskInvocation(resource, parameters, {}, REGION, ACCOUNT))


async def test_get_object_answers_the_body_as_text(clients: AwsClients) -> None:
    bucket = await bucket_with(clients, {"items.json": '[{"a": "é"}]'})
    assert await call(clients, "getObject", {"Bucket": bucket, "Key": "items.json"}) == {
        "Body": '[{"a": "é"}]'
    }


async def test_list_objects_v2_reads_every_page_as_map_items(clients: AwsClients) -> None:
    bucket = await bucket_with(clients, {"f0.txt": "0Hello", "f1.txt": "1Hello", "g.txt": "x"})
    answer = await call(clients, "listObjectsV2", {"Bucket": bucket, "Prefix": "f", "MaxKeys": 1})
    assert isinstance(answer, dict)
    items = answer["Contents"]
    assert [item["Key"] for item in items] == ["f0.txt", "f1.txt"]  # type: ignore[index]
    first = items[0]  # type: ignore[index]
    assert list(first) == ["Etag", "Key", "LastModified", "Size", "StorageClass"]
    assert (first["Size"], first["StorageClass"]) == (6, "STANDARD")
    assert first["Etag"].startswith('"') and isinstance(first["LastModified"], int)


async def test_put_object_stores_what_a_client_reads(clients: AwsClients) -> None:
    bucket = await bucket_with(clients, {})
    await call(clients, "putObject", {"Bucket": bucket, "Key": "out/manifest.json", "Body": "{}"})
    got = await clients.call(
        "s3", "GetObject", {"Bucket": bucket, "Key": "out/manifest.json"}, account=ACCOUNT, region=REGION
    )
    assert got.output["Body"] == b"{}"


async def test_a_missing_key_fails_with_the_sdk_exception(clients: AwsClients) -> None:
    bucket = await bucket_with(clients, {})
    with pytest.raises(StatesError) as caught:
        await call(clients, "getObject", {"Bucket": bucket, "Key": "nothing.json"})
    assert caught.value.error == "S3.NoSuchKeyException"
    assert (caught.value.cause or "").startswith(
        "The specified key does not exist. (Service: S3, Status Code: 404"
    )


async def test_an_action_outside_reader_and_writer_is_not_supported(clients: AwsClients) -> None:
    with pytest.raises(StatesError) as caught:
        await call(clients, "deleteObject", {"Bucket": "b", "Key": "k"})
    assert caught.value.error == "States.Runtime"
