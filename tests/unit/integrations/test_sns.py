"""SNS Publish as Step Functions' optimized integration reports it, on the in-process moto."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from emulator.integrations.clients import AwsClients
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.sns import SnsIntegration
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.model.types import Json
from emulator.settings import Settings

ACCOUNT = "555555555555"
REGION = "us-east-1"


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def fifo_topic(clients: AwsClients) -> str:
    created = await clients.call(
        "sns",
        "CreateTopic",
        {"Name": f"t-{uuid.uuid4().hex[:8]}.fifo", "Attributes": {"FifoTopic": "true"}},
        account=ACCOUNT,
        region=REGION,
    )
    return str(created.output["TopicArn"])


def publish(parameters: dict[str, Json]) -> TaskInvocation:
    return TaskInvocation(parse_resource("arn:aws:states:::sns:publish"), parameters, {}, REGION, ACCOUNT)


async def test_fifo_publish_answers_an_increasing_sequence_number_counted_in_the_length(
    clients: AwsClients,
) -> None:
    topic = await fifo_topic(clients)
    integration = SnsIntegration(clients)
    message = {"TopicArn": topic, "Message": "hi", "MessageGroupId": "g", "MessageDeduplicationId": "d1"}
    first = await integration.invoke(publish(message))
    second = await integration.invoke(publish(dict(message, MessageDeduplicationId="d2")))
    assert isinstance(first, dict) and isinstance(second, dict)
    assert len(str(first["SequenceNumber"])) == 20
    assert int(str(second["SequenceNumber"])) > int(str(first["SequenceNumber"]))
    headers = first["SdkHttpMetadata"]["HttpHeaders"]  # type: ignore[index,call-overload]
    assert headers["Content-Length"] == "352"
    assert first["SdkHttpMetadata"]["AllHttpHeaders"]["Content-Length"] == ["352"]  # type: ignore[index,call-overload]


async def test_standard_topic_publish_has_no_sequence_number(clients: AwsClients) -> None:
    created = await clients.call("sns", "CreateTopic", {"Name": "standard"}, account=ACCOUNT, region=REGION)
    output = await SnsIntegration(clients).invoke(
        publish({"TopicArn": created.output["TopicArn"], "Message": {"a": 1}})
    )
    assert isinstance(output, dict) and "SequenceNumber" not in output
    assert output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "294"  # type: ignore[index,call-overload]


async def test_fifo_publish_without_a_group_is_sns_invalid_parameter(clients: AwsClients) -> None:
    topic = await fifo_topic(clients)
    with pytest.raises(StatesError) as caught:
        await SnsIntegration(clients).invoke(publish({"TopicArn": topic, "Message": "hi"}))
    assert caught.value.error == "SNS.InvalidParameterException"
    assert (caught.value.cause or "").startswith(
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics (Service: AmazonSNS; "
        "Status Code: 400; Error Code: InvalidParameter; Request ID: "
    )
