"""AWS SDK integrations (``arn:aws:states:::aws-sdk:<service>:<action>``) across services no recording
shows, against the in-process backend through the client seam: the error name and cause each service's
failure gives a Task, the casing and timestamp form of each answer, and the ``EqualsValue`` naming rule.
Where the backend answers otherwise than the service, the integration layer corrects it
(service_rules.py, clients.py). Pages per table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.integrations.aws_sdk import AwsSdkIntegration
from emulator.integrations.clients import AwsClients
from emulator.integrations.dynamodb import DynamoDbIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.model.types import Json
from emulator.settings import Settings

ACCOUNT = "888888888888"
REGION = "us-east-1"
# Instant.toString(): the AWS SDK for Java v2 behind Step Functions writes timestamp members so
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")


@pytest.fixture(scope="module")
def clients() -> Iterator[AwsClients]:  # one in-process backend for the module (building it is slow)
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


async def sdk(clients: AwsClients, resource: str, parameters: dict[str, Any]) -> Json:
    invocation = TaskInvocation(
        parse_resource(f"arn:aws:states:::aws-sdk:{resource}"), parameters, {}, REGION, ACCOUNT
    )
    return await AwsSdkIntegration(clients).invoke(invocation)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# "AWS SDK service integrations" (https://docs.aws.amazon.com/step-functions/latest/dg/
# supported-services-awssdk.html): an error is "<ServiceName>.<ErrorName>", both in PascalCase, the
# service name being the SDK's client name (the AWS SDK for Java v2), the error name always ending in
# "Exception" even where the service's API reference names it without; a code the service's model does
# not name is "<ServiceName>.<ServiceName>Exception" (EC2 models none of its error codes). The cause is
# the SDK v2 text "<message> (Service: <ServiceName>, Status Code: <n>, Request ID: <id>)". Error names,
# statuses and messages from each API reference: KMS DescribeKey (NotFoundException), SSM GetParameter
# (ParameterNotFound), EC2 "Error codes for the Amazon EC2 API" (InvalidInstanceID.NotFound,
# InvalidVpcID.NotFound), IAM GetRole / GetGroup / GetPolicy / CreateRole (NoSuchEntity 404 with the
# texts the AWS CLI shows: "The role with name x cannot be found.", "Policy <arn> was not found.";
# EntityAlreadyExists 409), Kinesis
# DescribeStream (ResourceNotFoundException), CloudWatch Logs DeleteLogGroup (ResourceNotFoundException),
# Lambda GetFunction (ResourceNotFoundException 404), EventBridge DescribeEventBus
# (ResourceNotFoundException), SNS GetTopicAttributes (NotFound 404), CloudWatch GetDashboard
# (ResourceNotFound, shape DashboardNotFoundError, 404), STS AssumeRole (RoleSessionName pattern), S3
# HeadObject / HeadBucket (404 Not Found, no body).
FAILURES = [
    (
        "kms:describeKey",
        {"KeyId": "alias/no-such-key"},
        "Kms.NotFoundException",
        "(Service: Kms, Status Code: 400, ",
    ),
    (
        "ssm:getParameter",
        {"Name": "/no/such/parameter"},
        "Ssm.ParameterNotFoundException",
        "(Service: Ssm, Status Code: 400, ",
    ),
    (
        "ec2:describeInstances",
        {"InstanceIds": ["i-0123456789abcdef0"]},
        "Ec2.Ec2Exception",
        "The instance ID 'i-0123456789abcdef0' does not exist (Service: Ec2, Status Code: 400, Request ID: ",
    ),
    (
        "ec2:describeVpcs",
        {"VpcIds": ["vpc-0a1b2c3d"]},
        "Ec2.Ec2Exception",
        "The vpc ID 'vpc-0a1b2c3d' does not exist (Service: Ec2, Status Code: 400, Request ID: ",
    ),
    (
        "iam:getRole",
        {"RoleName": "no-such-role"},
        "Iam.NoSuchEntityException",
        "The role with name no-such-role cannot be found. (Service: Iam, Status Code: 404, ",
    ),
    (
        "iam:getGroup",
        {"GroupName": "no-such-group"},
        "Iam.NoSuchEntityException",
        "The group with name no-such-group cannot be found. (Service: Iam, Status Code: 404, ",
    ),
    (
        "iam:getPolicy",
        {"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/no-such-policy"},
        "Iam.NoSuchEntityException",
        f"Policy arn:aws:iam::{ACCOUNT}:policy/no-such-policy was not found. (Service: Iam, Status Code: 404, ",
    ),
    (
        "kinesis:describeStream",
        {"StreamName": "no-such-stream"},
        "Kinesis.ResourceNotFoundException",
        "(Service: Kinesis, Status Code: 400, ",
    ),
    (
        "cloudwatchlogs:deleteLogGroup",
        {"LogGroupName": "no-such-group"},
        "CloudWatchLogs.ResourceNotFoundException",
        "(Service: CloudWatchLogs, Status Code: 400, ",
    ),
    (
        "lambda:getFunction",
        {"FunctionName": "no-such-function"},
        "Lambda.ResourceNotFoundException",
        "(Service: Lambda, Status Code: 404, ",
    ),
    (
        "eventbridge:describeEventBus",
        {"Name": "no-such-bus"},
        "EventBridge.ResourceNotFoundException",
        "Event bus no-such-bus does not exist. (Service: EventBridge, Status Code: 400, ",
    ),
    (
        "sns:getTopicAttributes",
        {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:no-such-topic"},
        "Sns.NotFoundException",
        "(Service: Sns, Status Code: 404, ",
    ),
    (
        "cloudwatch:getDashboard",
        {"DashboardName": "no-such-dashboard"},
        "CloudWatch.DashboardNotFoundErrorException",
        "(Service: CloudWatch, Status Code: 404, ",
    ),
    # S3 HeadObject / HeadBucket: a 404 without a body (no code, no message); the Java SDK v2 names it
    # NoSuchKey / NoSuchBucket and its message is the absent one
    (
        "s3:headObject",
        {"Bucket": "no-such-bucket-for-head", "Key": "k"},
        "S3.NoSuchKeyException",
        "null (Service: S3, Status Code: 404, Request ID: ",
    ),
    (
        "s3:headBucket",
        {"Bucket": "no-such-bucket-for-head"},
        "S3.NoSuchBucketException",
        "null (Service: S3, Status Code: 404, Request ID: ",
    ),
    (
        "sts:assumeRole",
        {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r", "RoleSessionName": "has space"},
        "Sts.StsException",
        "Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern",
    ),
]


@pytest.mark.parametrize(("resource", "parameters", "error", "cause"), FAILURES)
async def test_a_services_failure_is_named_as_the_sdk_integration_names_it(
    clients: AwsClients, resource: str, parameters: dict[str, Any], error: str, cause: str
) -> None:
    with pytest.raises(StatesError) as caught:
        await sdk(clients, resource, parameters)
    assert caught.value.error == error
    text = caught.value.cause or ""
    assert cause in text, text
    assert text.endswith(") (SDK Attempt Count: 1)"), text
    request_id = re.search(r"Request ID: ([^,)]+)", text)
    assert request_id is not None and request_id.group(1) != "request-id"  # an id, never a placeholder


async def test_a_second_create_of_the_same_role_is_iams_entity_already_exists(clients: AwsClients) -> None:
    # IAM CreateRole (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html):
    # EntityAlreadyExists, HTTP 409
    request = {"RoleName": unique("role"), "AssumeRolePolicyDocument": "{}"}
    await sdk(clients, "iam:createRole", request)
    with pytest.raises(StatesError) as caught:
        await sdk(clients, "iam:createRole", request)
    assert caught.value.error == "Iam.EntityAlreadyExistsException"
    assert "(Service: Iam, Status Code: 409, " in (caught.value.cause or "")


def member(value: Json, path: str) -> Json:
    for part in path.split("."):
        assert isinstance(value, dict), (path, value)
        value = value[part]
    return value


# Outputs: "arn:aws:states:::aws-sdk:ec2:describeInstances [returns] output as defined for the Amazon EC2
# describeInstances API call" ("AWS SDK service integrations"), its members in the PascalCase of the
# service's model (KMS KeyMetadata's "AWSAccountId", SSM Parameter's "ARN"), timestamp members as the
# Java SDK's Instant text, and members the model types as numbers (CloudWatch Logs LogGroup.creationTime,
# "The creation time of the log group, expressed as the number of milliseconds after Jan 1, 1970")
# as numbers. Pages: KMS CreateKey / KeyMetadata, SSM GetParameter / Parameter, IAM CreateRole / Role,
# CloudWatch Logs DescribeLogGroups / LogGroup, STS GetCallerIdentity, EventBridge DescribeRule.
async def _ssm(clients: AwsClients) -> Json:
    name = "/" + unique("param")
    await sdk(clients, "ssm:putParameter", {"Name": name, "Value": "v", "Type": "String"})
    return await sdk(clients, "ssm:getParameter", {"Name": name})


async def _kms(clients: AwsClients) -> Json:
    return await sdk(clients, "kms:createKey", {"Description": "d"})


async def _iam(clients: AwsClients) -> Json:
    return await sdk(
        clients, "iam:createRole", {"RoleName": unique("role"), "AssumeRolePolicyDocument": "{}"}
    )


async def _logs(clients: AwsClients) -> Json:
    name = unique("group")
    await sdk(clients, "cloudwatchlogs:createLogGroup", {"LogGroupName": name})
    return await sdk(clients, "cloudwatchlogs:describeLogGroups", {"LogGroupNamePrefix": name})


async def _sts(clients: AwsClients) -> Json:
    return await sdk(clients, "sts:getCallerIdentity", {})


async def _rule(clients: AwsClients) -> Json:
    name = unique("rule")
    await sdk(clients, "eventbridge:putRule", {"Name": name, "ScheduleExpression": "rate(5 minutes)"})
    return await sdk(clients, "eventbridge:describeRule", {"Name": name})


OUTPUTS = [
    (_ssm, ("Parameter.Name", "Parameter.ARN", "Parameter.Version"), ("Parameter.LastModifiedDate",), ()),
    (
        _kms,
        ("KeyMetadata.AWSAccountId", "KeyMetadata.KeyId", "KeyMetadata.Arn"),
        ("KeyMetadata.CreationDate",),
        (),
    ),
    (_iam, ("Role.RoleName", "Role.Arn", "Role.RoleId"), ("Role.CreateDate",), ()),
    (_logs, ("LogGroups",), (), ("LogGroups",)),
    (_sts, ("UserId", "Account", "Arn"), (), ()),
    (_rule, ("Name", "Arn", "ScheduleExpression", "State", "EventBusName"), (), ()),
]


@pytest.mark.parametrize(("call", "members", "timestamps", "millis"), OUTPUTS)
async def test_an_answer_has_the_models_pascal_case_members_and_java_sdk_timestamps(
    clients: AwsClients,
    call: Any,
    members: tuple[str, ...],
    timestamps: tuple[str, ...],
    millis: tuple[str, ...],
) -> None:
    output = await call(clients)
    for path in members:
        member(output, path)
    for path in timestamps:
        value = member(output, path)
        assert isinstance(value, str) and INSTANT.match(value), (path, value)
    for path in millis:
        groups = member(output, path)
        assert isinstance(groups, list) and groups
        created = groups[0]["CreationTime"]  # type: ignore[index]
        assert isinstance(created, int) and created > 1_600_000_000_000


def test_no_answer_member_is_in_camel_case() -> None:
    # the same rule, checked on the table's own expectations: every path segment starts in upper case
    for _call, members, timestamps, _millis in OUTPUTS:
        for path in (*members, *timestamps):
            assert all(part[:1].isupper() for part in path.split(".")), path


# "AWS SDK service integrations", API naming conventions: "To work with certain language naming
# convention requirements, API fields for equals will be referred to in your state machines as:
# EqualsValue." CloudTrail's AdvancedFieldSelector (PutEventSelectors / GetEventSelectors,
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html) has
# an ``Equals`` member: a Task names it ``EqualsValue`` in its parameters and reads ``EqualsValue`` in
# the answer.
async def test_equals_is_written_and_read_as_equals_value(clients: AwsClients) -> None:
    bucket, trail = unique("trail-bucket"), unique("trail")
    await sdk(clients, "s3:createBucket", {"Bucket": bucket})
    await sdk(clients, "cloudtrail:createTrail", {"Name": trail, "S3BucketName": bucket})
    selectors = [
        {
            "Name": "objects",
            "FieldSelectors": [
                {"Field": "eventCategory", "EqualsValue": ["Data"]},
                {"Field": "resources.type", "EqualsValue": ["AWS::S3::Object"]},
            ],
        }
    ]
    await sdk(
        clients, "cloudtrail:putEventSelectors", {"TrailName": trail, "AdvancedEventSelectors": selectors}
    )
    read = await sdk(clients, "cloudtrail:getEventSelectors", {"TrailName": trail})
    assert member(read, "AdvancedEventSelectors") == selectors


# Binary members inside a request or answer document are base64 text, as each API reference writes
# them: KMS Encrypt / Decrypt (https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html:
# Plaintext and CiphertextBlob, "Type: Base64-encoded binary data object"; "When you use the HTTP API
# or the AWS CLI, the value is Base64-encoded"), Kinesis PutRecord / GetRecords (Data, "Type:
# Base64-encoded binary data object"), DynamoDB AttributeValue B ("Type: Base64-encoded binary data
# object"). So a ciphertext one Task gets is what the next Task decrypts, and ``States.Base64Encode``
# text is the bytes it encodes. The HTTP body of an operation (S3 Body, Lambda Payload) stays text.
async def test_a_ciphertext_from_encrypt_is_what_decrypt_takes(clients: AwsClients) -> None:
    key = member(await sdk(clients, "kms:createKey", {}), "KeyMetadata.KeyId")
    encrypted = await sdk(clients, "kms:encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="})  # "hello"
    ciphertext = member(encrypted, "CiphertextBlob")
    assert isinstance(ciphertext, str) and re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", ciphertext)
    decrypted = await sdk(clients, "kms:decrypt", {"CiphertextBlob": ciphertext})
    assert member(decrypted, "Plaintext") == "aGVsbG8="


BLOB_ROWS = [
    ("base64 text", "aGVsbG8=", b"hello", "aGVsbG8="),
    ("text that is not base64 is its UTF-8 bytes", "not base64!", b"not base64!", "bm90IGJhc2U2NCE="),
]


@pytest.mark.parametrize("optimized", [False, True], ids=["aws-sdk", "optimized"])
@pytest.mark.parametrize(("case", "sent", "stored", "answered"), BLOB_ROWS, ids=[r[0] for r in BLOB_ROWS])
async def test_a_binary_item_attribute_is_base64_both_ways(
    clients: AwsClients, case: str, sent: str, stored: bytes, answered: str, optimized: bool
) -> None:
    # the optimized DynamoDB integration ("Perform DynamoDB CRUD operations with Step Functions",
    # https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html) takes and answers items in
    # the same AttributeValue JSON
    table = unique("blobs")
    await clients.call(
        "dynamodb",
        "CreateTable",
        {
            "TableName": table,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
        account=ACCOUNT,
        region=REGION,
    )

    async def call(action: str, parameters: dict[str, Any]) -> Json:
        if not optimized:
            return await sdk(clients, f"dynamodb:{action}", parameters)
        resource = parse_resource(f"arn:aws:states:::dynamodb:{action}")
        invocation = TaskInvocation(resource, parameters, {}, REGION, ACCOUNT)
        return await DynamoDbIntegration(clients).invoke(invocation)

    item = {"id": {"S": "1"}, "data": {"B": sent}, "set": {"BS": [sent]}, "nested": {"M": {"b": {"B": sent}}}}
    await call("putItem", {"TableName": table, "Item": item})
    raw = await clients.call(
        "dynamodb", "GetItem", {"TableName": table, "Key": {"id": {"S": "1"}}}, account=ACCOUNT, region=REGION
    )
    stored_item = raw.output["Item"]
    assert (stored_item["data"]["B"], stored_item["set"]["BS"], stored_item["nested"]["M"]["b"]["B"]) == (
        stored,
        [stored],
        stored,
    )
    read = await call("getItem", {"TableName": table, "Key": {"id": {"S": "1"}}})
    assert member(read, "Item.data.B") == answered
    assert member(read, "Item.set.BS") == [answered]
    assert member(read, "Item.nested.M.b.B") == answered


async def test_kinesis_record_data_comes_back_as_it_was_put(clients: AwsClients) -> None:
    stream = unique("stream")
    await sdk(clients, "kinesis:createStream", {"StreamName": stream, "ShardCount": 1})
    put = await sdk(
        clients, "kinesis:putRecord", {"StreamName": stream, "Data": "eyJuIjoxfQ==", "PartitionKey": "p"}
    )
    iterator = await sdk(
        clients,
        "kinesis:getShardIterator",
        {"StreamName": stream, "ShardId": member(put, "ShardId"), "ShardIteratorType": "TRIM_HORIZON"},
    )
    records = await sdk(clients, "kinesis:getRecords", {"ShardIterator": member(iterator, "ShardIterator")})
    listed = member(records, "Records")
    assert isinstance(listed, list) and [r["Data"] for r in listed] == ["eyJuIjoxfQ=="]  # type: ignore[index]
    assert INSTANT.match(listed[0]["ApproximateArrivalTimestamp"])  # type: ignore[index,call-overload]


# SQS GetQueueAttributes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
# API_GetQueueAttributes.html): "CreatedTimestamp – Returns the time when the queue was created in
# seconds (epoch time)", LastModifiedTimestamp likewise: whole seconds.
async def test_queue_timestamps_are_whole_epoch_seconds(clients: AwsClients) -> None:
    url = member(await sdk(clients, "sqs:createQueue", {"QueueName": unique("queue")}), "QueueUrl")
    answer = await sdk(clients, "sqs:getQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]})
    for name in ("CreatedTimestamp", "LastModifiedTimestamp"):
        value = member(answer, f"Attributes.{name}")
        assert isinstance(value, str) and value.isdigit(), (name, value)


def test_a_member_without_a_value_is_absent_from_the_answer() -> None:
    # the SDK's response object holds null for a member the service left empty, and null members are
    # not written ("AWS SDK service integrations": the output is the API call's response)
    import botocore.session

    from emulator.integrations.aws_sdk import _from_model

    model = botocore.session.get_session().get_service_model("s3")
    shape = model.operation_model("GetBucketLocation").output_shape
    assert _from_model({"LocationConstraint": None}, shape) == {}
    assert _from_model({"LocationConstraint": "eu-west-1"}, shape) == {"LocationConstraint": "eu-west-1"}
