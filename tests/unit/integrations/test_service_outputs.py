"""Which members each optimized integration's result carries, per service (against the in-process
backend through the client seam; corrections in service_rules.py). Pages per table."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from emulator.integrations.aws_sdk import AwsSdkIntegration
from emulator.integrations.clients import AwsClients
from emulator.integrations.dynamodb import DynamoDbIntegration
from emulator.integrations.eventbridge import EventBridgeIntegration
from emulator.integrations.sns import SnsIntegration
from emulator.integrations.sqs import SqsIntegration
from emulator.settings import Settings
from tests.unit.integrations.test_service_error_names import ACCOUNT, REGION, task

METADATA = {"SdkHttpMetadata", "SdkResponseMetadata"}


@pytest.fixture(scope="module")
def clients() -> Any:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def call(clients: AwsClients, service: str, operation: str, request: dict[str, Any]) -> Any:
    return (await clients.call(service, operation, request, account=ACCOUNT, region=REGION)).output


async def fifo_queue(clients: AwsClients) -> str:
    name = f"out-{uuid.uuid4().hex[:8]}.fifo"
    attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    return str(
        (await call(clients, "sqs", "CreateQueue", {"QueueName": name, "Attributes": attributes}))["QueueUrl"]
    )


# SendMessage's response elements
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#API_SendMessage_ResponseElements):
# MD5OfMessageAttributes only with attributes, SequenceNumber only for FIFO queues; an optimized
# integration adds the SDK's HTTP metadata ("Send messages to Amazon SQS", connect-sqs.html).
SQS_OUTPUTS = [
    (False, {}, {"MD5OfMessageBody", "MessageId"}),
    (False, {"MessageAttributes": {"a": {"DataType": "String", "StringValue": "v"}}},
     {"MD5OfMessageBody", "MD5OfMessageAttributes", "MessageId"}),
    (True, {"MessageGroupId": "g"}, {"MD5OfMessageBody", "MessageId", "SequenceNumber"}),
]  # fmt: skip


@pytest.mark.parametrize(("fifo", "extra", "members"), SQS_OUTPUTS)
async def test_sqs_send_message_answers_the_members_sqs_sends(
    clients: AwsClients, fifo: bool, extra: dict[str, Any], members: set[str]
) -> None:
    if fifo:
        url = await fifo_queue(clients)
    else:
        url = (await call(clients, "sqs", "CreateQueue", {"QueueName": f"out-{uuid.uuid4().hex[:8]}"}))[
            "QueueUrl"
        ]
    parameters = {"QueueUrl": url, "MessageBody": {"a": 1}, **extra}
    output = await SqsIntegration(clients).invoke(task("arn:aws:states:::sqs:sendMessage", parameters))
    assert isinstance(output, dict) and set(output) == members | METADATA
    length = int(output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"])  # type: ignore[index]
    body = {key: value for key, value in output.items() if key not in METADATA}
    assert length == len(json.dumps(body, separators=(",", ":")))
    sdk = await AwsSdkIntegration(clients).invoke(
        task("arn:aws:states:::aws-sdk:sqs:sendMessage", parameters)
    )
    assert isinstance(sdk, dict) and set(sdk) == members


async def test_fifo_sequence_numbers_increase_per_queue(clients: AwsClients) -> None:
    url = await fifo_queue(clients)
    parameters = {"QueueUrl": url, "MessageBody": "m", "MessageGroupId": "g"}
    first = await SqsIntegration(clients).invoke(task("arn:aws:states:::sqs:sendMessage", parameters))
    second = await SqsIntegration(clients).invoke(
        task("arn:aws:states:::sqs:sendMessage", dict(parameters, MessageBody="n"))
    )
    assert isinstance(first, dict) and isinstance(second, dict)
    numbers = [int(str(first["SequenceNumber"])), int(str(second["SequenceNumber"]))]
    assert numbers[0] < numbers[1] and all(len(str(n)) == 20 for n in numbers)


# Publish's response (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): MessageId
# (SequenceNumber for FIFO topics); PutEvents' (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
# Entries and FailedEntryCount, without the SDK metadata ("Add EventBridge events", connect-eventbridge.html);
# GetItem's (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html): Item only
# when one exists, ConsumedCapacity only when asked.
async def test_sns_eventbridge_and_dynamodb_answer_their_documented_members(clients: AwsClients) -> None:
    topic = (await call(clients, "sns", "CreateTopic", {"Name": f"out-{uuid.uuid4().hex[:8]}"}))["TopicArn"]
    published = await SnsIntegration(clients).invoke(
        task("arn:aws:states:::sns:publish", {"TopicArn": topic, "Message": {"a": 1}})
    )
    assert isinstance(published, dict) and set(published) == {"MessageId"} | METADATA
    entry = {"Source": "s", "DetailType": "d", "Detail": {"a": 1}}
    put = await EventBridgeIntegration(clients).invoke(
        task("arn:aws:states:::events:putEvents", {"Entries": [entry]})
    )
    assert isinstance(put, dict) and set(put) == {"Entries", "FailedEntryCount"}
    table = f"out-{uuid.uuid4().hex[:8]}"
    await call(
        clients,
        "dynamodb",
        "CreateTable",
        {
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    key = {"id": {"S": "1"}}
    absent = await DynamoDbIntegration(clients).invoke(
        task("arn:aws:states:::dynamodb:getItem", {"TableName": table, "Key": key})
    )
    assert isinstance(absent, dict) and set(absent) == METADATA
    await DynamoDbIntegration(clients).invoke(
        task("arn:aws:states:::dynamodb:putItem", {"TableName": table, "Item": {**key, "n": {"N": "5"}}})
    )
    got = await DynamoDbIntegration(clients).invoke(
        task("arn:aws:states:::dynamodb:getItem", {"TableName": table, "Key": key})
    )
    assert isinstance(got, dict) and got["Item"] == {"id": {"S": "1"}, "n": {"N": "5"}}


# UpdateItem's ReturnValues (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html):
# UPDATED_NEW / UPDATED_OLD return only the updated attributes; ConsumedCapacity only when asked for.
UPDATES = [
    ("SET a = :v, #b = :w", {"#b": "b"}, "UPDATED_NEW", {"a": {"S": "x"}, "b": {"S": "y"}}),
    ("SET a = :v", None, "ALL_NEW", {"id": {"S": "1"}, "a": {"S": "x"}, "keep": {"S": "k"}}),
    ("SET a = :v REMOVE keep", None, "UPDATED_OLD", {"keep": {"S": "k"}}),
]


@pytest.mark.parametrize(("expression", "names", "returned", "attributes"), UPDATES)
async def test_update_item_returns_the_attributes_its_return_values_name(
    clients: AwsClients,
    expression: str,
    names: dict[str, str] | None,
    returned: str,
    attributes: dict[str, Any],
) -> None:
    table = f"upd-{uuid.uuid4().hex[:8]}"
    await call(
        clients,
        "dynamodb",
        "CreateTable",
        {
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    await call(
        clients, "dynamodb", "PutItem", {"TableName": table, "Item": {"id": {"S": "1"}, "keep": {"S": "k"}}}
    )
    values = {":v": {"S": "x"}}
    if "#b" in expression:
        values[":w"] = {"S": "y"}
    parameters: dict[str, Any] = {
        "TableName": table,
        "Key": {"id": {"S": "1"}},
        "UpdateExpression": expression,
        "ExpressionAttributeValues": values,
        "ReturnValues": returned,
    }
    if names:
        parameters["ExpressionAttributeNames"] = names
    output = await DynamoDbIntegration(clients).invoke(
        task("arn:aws:states:::dynamodb:updateItem", parameters)
    )
    assert isinstance(output, dict) and output["Attributes"] == attributes
    assert "ConsumedCapacity" not in output
