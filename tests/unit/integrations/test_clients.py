"""The client seam: in-process moto per account, endpoint selection, error translation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from emulator.integrations.clients import AwsClients, ServiceError, json_safe
from emulator.settings import Settings

REGION = "us-east-1"


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def test_moto_keeps_one_backend_per_account(clients: AwsClients) -> None:
    name = f"q-{uuid.uuid4().hex[:8]}"
    created = await clients.call(
        "sqs", "CreateQueue", {"QueueName": name}, account="111111111111", region=REGION
    )
    url = created.output["QueueUrl"]
    assert "/111111111111/" in url
    sent = await clients.call(
        "sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "x"}, account="111111111111", region=REGION
    )
    assert set(sent.output) == {"MD5OfMessageBody", "MessageId"}
    assert sent.status == 200 and sent.request_id
    with pytest.raises(ServiceError) as caught:
        await clients.call(
            "sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "x"}, account="222222222222", region=REGION
        )
    assert caught.value.code == "AWS.SimpleQueueService.NonExistentQueue"
    assert caught.value.error_shape == "QueueDoesNotExist"


async def test_a_modelled_error_names_its_exception_shape(clients: AwsClients) -> None:
    with pytest.raises(ServiceError) as caught:
        await clients.call(
            "dynamodb",
            "GetItem",
            {"TableName": "missing", "Key": {"k": {"S": "v"}}},
            account="333333333333",
            region=REGION,
        )
    assert (caught.value.code, caught.value.error_shape, caught.value.status) == (
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        400,
    )


async def test_an_operation_moto_lacks_is_a_501_error_not_a_crash(clients: AwsClients) -> None:
    with pytest.raises(ServiceError) as caught:
        await clients.call(
            "dynamodb",
            "DescribeContributorInsights",
            {"TableName": "t"},
            account="333333333333",
            region=REGION,
        )
    assert caught.value.status == 501 and caught.value.code == "NotImplemented"
    assert "describe_contributor_insights" in caught.value.message


async def test_invalid_parameters_are_a_validation_error(clients: AwsClients) -> None:
    with pytest.raises(ServiceError) as caught:
        await clients.call(
            "dynamodb", "PutItem", {"TableName": "t", "Item": None}, account="3" * 12, region=REGION
        )
    assert caught.value.code == "ValidationException"


async def test_operation_names_are_found_case_insensitively(clients: AwsClients) -> None:
    assert await clients.operation_name("s3", "listObjectsV2") == "ListObjectsV2"
    assert await clients.operation_name("s3", "noSuchThing") is None
    assert await clients.operation_name("no-such-service", "x") is None


def test_endpoints_come_from_settings_and_step_functions_is_the_emulator_itself() -> None:
    seam = AwsClients(Settings(port=9999, endpoints={"sqs": "http://sqs.local:1", "events": "http://eb:2"}))
    assert seam.endpoint_for("sqs") == "http://sqs.local:1"
    assert seam.endpoint_for("events") == "http://eb:2"
    assert seam.endpoint_for("dynamodb") is None
    assert seam.endpoint_for("stepfunctions") == "http://127.0.0.1:9999"


def test_a_generic_endpoint_variable_routes_its_service_over_http() -> None:
    settings = Settings.from_environment({"SFN_ENDPOINT_SECRETSMANAGER": "http://secrets.local:4566"})
    seam = AwsClients(settings)
    assert seam.endpoint_for("secretsmanager") == "http://secrets.local:4566"
    assert seam.endpoint_for("sqs") is None


def test_json_safe_renders_timestamps_and_blobs_as_text() -> None:
    import datetime as dt

    value = {"When": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "Body": b"hi", "Bin": b"\xff", "N": [1]}
    assert json_safe(value) == {"When": "2024-01-02T03:04:05Z", "Body": "hi", "Bin": "/w==", "N": [1]}


async def test_a_region_botocore_refuses_is_a_service_error_not_a_crash(clients: AwsClients) -> None:
    # found by the request fuzzer: a Lambda ARN naming a malformed region reached client creation
    with pytest.raises(ServiceError) as caught:
        await clients.call(
            "lambda", "Invoke", {"FunctionName": "f"}, account="111111111111", region="us-east-1" + "1" * 300
        )
    assert (caught.value.code, caught.value.reachable) == ("SdkClientException", False)


async def test_a_long_poll_does_not_hold_up_other_calls(clients: AwsClients) -> None:
    import asyncio
    import time

    polled = (
        await clients.call(
            "sqs",
            "CreateQueue",
            {"QueueName": f"lp-{uuid.uuid4().hex[:6]}"},
            account="111111111111",
            region=REGION,
        )
    ).output["QueueUrl"]
    poll = asyncio.ensure_future(
        clients.call(
            "sqs",
            "ReceiveMessage",
            {"QueueUrl": polled, "WaitTimeSeconds": 5},
            account="111111111111",
            region=REGION,
        )
    )
    await asyncio.sleep(0.2)
    began = time.perf_counter()
    await clients.call("sqs", "ListQueues", {}, account="111111111111", region=REGION)
    assert time.perf_counter() - began < 2.0  # it was 4.8 s behind the single moto thread
    await clients.call(
        "sqs", "SendMessage", {"QueueUrl": polled, "MessageBody": "m"}, account="111111111111", region=REGION
    )
    received = await asyncio.wait_for(poll, 5)
    assert [m["Body"] for m in received.output["Messages"]] == ["m"]


# Java's Instant.toString (the AWS SDK for Java v2 behind AWS SDK integrations): the fraction in groups of
# three digits, none when the second is whole
# (https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/time/Instant.html#toString()).
INSTANTS = [
    ((2024, 1, 2, 3, 4, 5, 0), "2024-01-02T03:04:05Z"),
    ((2024, 1, 2, 3, 4, 5, 187000), "2024-01-02T03:04:05.187Z"),
    ((2024, 1, 2, 3, 4, 5, 187123), "2024-01-02T03:04:05.187123Z"),
    ((2024, 1, 2, 3, 4, 5, 1000), "2024-01-02T03:04:05.001Z"),
]


@pytest.mark.parametrize(("parts", "text"), INSTANTS)
def test_timestamps_are_written_as_java_instants(parts: tuple[int, ...], text: str) -> None:
    import datetime as dt

    from emulator.integrations.clients import instant_text

    assert instant_text(dt.datetime(*parts, tzinfo=dt.UTC)) == text
    offset = dt.timezone(dt.timedelta(hours=2))
    assert instant_text(dt.datetime(*parts, tzinfo=dt.UTC).astimezone(offset)) == text


async def test_a_backend_failure_on_an_xml_service_is_a_service_error_not_a_crash(
    clients: AwsClients,
) -> None:
    # the in-process SNS fails on a Publish without any target: its answer cannot be parsed as SNS's XML
    with pytest.raises(ServiceError) as caught:
        await clients.call("sns", "Publish", {"Message": "m"}, account="123456789012", region="us-east-1")
    assert (caught.value.code, caught.value.status) == ("NotImplemented", 501)
