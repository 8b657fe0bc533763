"""The error name and cause a failing service call gives a Task, per service and kind of integration.

Against the in-process backend through the client seam; where it answers otherwise than the service,
the integration layer corrects it (service_rules.py, request_validation.py). Pages per table.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from emulator.integrations.aws_lambda import invoke_refusal
from emulator.integrations.aws_sdk import AwsSdkIntegration, error_prefix
from emulator.integrations.clients import AwsClients
from emulator.integrations.dynamodb import DynamoDbIntegration
from emulator.integrations.eventbridge import EventBridgeIntegration
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.sns import SnsIntegration
from emulator.integrations.sqs import SqsIntegration
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

ACCOUNT = "777777777777"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def clients() -> Any:  # one in-process backend for the module (building it is the slow part)
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


@pytest.fixture
async def resources(clients: AwsClients) -> AsyncIterator[dict[str, str]]:
    """A queue, a topic and a table of the test's own in the test account."""
    unique = uuid.uuid4().hex[:8]

    async def call(service: str, operation: str, request: dict[str, Any]) -> Any:
        return (await clients.call(service, operation, request, account=ACCOUNT, region=REGION)).output

    queue = (await call("sqs", "CreateQueue", {"QueueName": f"errors-q-{unique}"}))["QueueUrl"]
    topic = (await call("sns", "CreateTopic", {"Name": f"errors-t-{unique}"}))["TopicArn"]
    await call(
        "dynamodb",
        "CreateTable",
        {
            "TableName": f"errors-table-{unique}",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    yield {"queue": queue, "topic": topic, "table": f"errors-table-{unique}"}


def task(resource: str, parameters: dict[str, Any]) -> TaskInvocation:
    return TaskInvocation(parse_resource(resource), parameters, {}, REGION, ACCOUNT)


def fill(value: Any, resources: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, real in resources.items():
            value = value.replace("{" + name + "}", real)
        return value
    if isinstance(value, dict):
        return {key: fill(item, resources) for key, item in value.items()}
    return value


OPTIMIZED = {
    "sqs": SqsIntegration,
    "sns": SnsIntegration,
    "dynamodb": DynamoDbIntegration,
    "events": EventBridgeIntegration,
}

# Optimized integrations: "<Prefix>.<Exception>" with the AWS SDK for Java v1 cause
# "<message> (Service: <service>; Status Code: <n>; Error Code: <code>; Request ID: <id>; Proxy: null)".
# Error names from each page: "Send messages to Amazon SQS", "Publish to SNS", "Perform DynamoDB CRUD
# operations", "Add EventBridge events" (https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html,
# connect-sns.html, connect-ddb.html, connect-eventbridge.html) and "Handling errors in SDK integrations"
# (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html); messages from each
# service's API reference (SQS SendMessage, SNS Publish, DynamoDB PutItem/GetItem, EventBridge PutEvents).
OPTIMIZED_FAILURES = [
    (
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": "{queue}-missing", "MessageBody": "m"},
        "SQS.QueueDoesNotExistException",
        "(Service: AmazonSQS; Status Code: 400; Error Code: AWS.SimpleQueueService.NonExistentQueue; ",
    ),
    (
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": "{queue}", "MessageBody": "m", "DelaySeconds": 1000},
        "SQS.AmazonSQSException",
        "Value 1000 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900. "
        "(Service: AmazonSQS; Status Code: 400; Error Code: InvalidParameterValue; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"TopicArn": "{topic}-missing", "Message": "m"},
        "SNS.NotFoundException",
        "Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"TopicArn": "not-an-arn", "Message": "m"},
        "SNS.InvalidParameterException",
        "Invalid parameter: TopicArn (Service: AmazonSNS; Status Code: 400; Error Code: InvalidParameter; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"Message": "m"},
        "SNS.InvalidParameterException",
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter (Service: AmazonSNS; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"TopicArn": "{topic}", "Message": ""},
        "SNS.InvalidParameterException",
        "Invalid parameter: Empty message (Service: AmazonSNS; Status Code: 400; Error Code: InvalidParameter; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"TopicArn": "{topic}", "Message": "plain", "MessageStructure": "json"},
        "SNS.InvalidParameterException",
        "Invalid parameter: Message Structure - JSON message body failed to parse (Service: AmazonSNS; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"TopicArn": "{topic}", "Message": {"email": "x"}, "MessageStructure": "json"},
        "SNS.InvalidParameterException",
        "Invalid parameter: Message Structure - No default entry in JSON message body (Service: AmazonSNS; ",
    ),
    (
        "arn:aws:states:::sns:publish",
        {"TopicArn": "{topic}", "Message": "m", "MessageAttributes": {"a": {"DataType": "String"}}},
        "SNS.InvalidParameterValueException",
        "The message attribute 'a' must contain non-empty message attribute value for message attribute type "
        "'String'. (Service: AmazonSNS; Status Code: 400; Error Code: ParameterValueInvalid; ",
    ),
    (
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": "{queue}", "MessageBody": "m", "MessageAttributes": {"n": {"DataType": "Number"}}},
        "SQS.AmazonSQSException",
        "The message attribute 'n' must contain non-empty message attribute value for message attribute type "
        "'Number'. (Service: AmazonSQS; Status Code: 400; Error Code: InvalidParameterValue; ",
    ),
    (
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": "{queue}", "MessageBody": ""},
        "SQS.AmazonSQSException",
        "The request must contain the parameter MessageBody. (Service: AmazonSQS; Status Code: 400; "
        "Error Code: MissingParameter; ",
    ),
    (
        "arn:aws:states:::dynamodb:getItem",
        {"TableName": "{table}-missing", "Key": {"id": {"S": "1"}}},
        "DynamoDB.ResourceNotFoundException",
        "Requested resource not found (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ResourceNotFoundException; ",
    ),
    (
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": "{table}", "Item": {"id": {"S": "1"}}, "ReturnValues": "ALL_NEW"},
        "DynamoDB.AmazonDynamoDBException",
        "ReturnValues can only be ALL_OLD or NONE (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ValidationException; ",
    ),
    (
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": "{table}", "Item": {"id": {"S": "1"}}, "ConditionExpression": "attribute_exists(nope)"},
        "DynamoDB.ConditionalCheckFailedException",
        "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ConditionalCheckFailedException; ",
    ),
    # expression placeholders ("Expression attribute names" / "values" in the DynamoDB developer guide)
    (
        "arn:aws:states:::dynamodb:updateItem",
        {
            "TableName": "{table}",
            "Key": {"id": {"S": "1"}},
            "UpdateExpression": "SET #a = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}},
        },
        "DynamoDB.AmazonDynamoDBException",
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #a (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; ",
    ),
    (
        "arn:aws:states:::dynamodb:putItem",
        {
            "TableName": "{table}",
            "Item": {"id": {"S": "1"}},
            "ConditionExpression": "attribute_not_exists(id)",
            "ExpressionAttributeNames": {"#unused": "x"},
        },
        "DynamoDB.AmazonDynamoDBException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused} (Service: ",
    ),
    (
        "arn:aws:states:::dynamodb:getItem",
        {"TableName": "{table}", "Key": {"id": {"S": "1"}}, "ProjectionExpression": "#p"},
        "DynamoDB.AmazonDynamoDBException",
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #p (Service: ",
    ),
    (
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": "{table}", "Item": {"id": {"S": ""}}},
        "DynamoDB.AmazonDynamoDBException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
        "empty string value. Key: id (Service: ",
    ),
    (
        "arn:aws:states:::events:putEvents",
        {"Entries": []},
        "EventBridge.AmazonEventBridgeException",
        "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have "
        "length greater than or equal to 1 (Service: AmazonEventBridge; Status Code: 400; "
        "Error Code: ValidationException; ",
    ),
]


@pytest.mark.parametrize(("resource", "parameters", "error", "cause"), OPTIMIZED_FAILURES)
async def test_an_optimized_integrations_failure_is_named_as_aws_names_it(
    clients: AwsClients,
    resources: dict[str, str],
    resource: str,
    parameters: dict[str, Any],
    error: str,
    cause: str,
) -> None:
    invocation = task(resource, fill(parameters, resources))
    integration = OPTIMIZED[invocation.resource.resource_type](clients)
    with pytest.raises(StatesError) as caught:
        await integration.invoke(invocation)
    assert caught.value.error == error
    assert cause in (caught.value.cause or ""), caught.value.cause
    assert (caught.value.cause or "").endswith("; Proxy: null)")


# AWS SDK integrations: "<ServiceName>.<ExceptionName>", the exception name always ending in
# "Exception", an unmodelled code "<ServiceName>.<ServiceName>Exception"; the cause in the SDK v2 form
# "<message> (Service: <ServiceName>, Status Code: <n>, Request ID: <id>)" (S3 adds its Extended Request
# ID). "AWS SDK service integrations"
# (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html) and the API
# references of S3 (GetObject), Secrets Manager (GetSecretValue), DynamoDB, SQS, SNS, Step Functions.
SDK_FAILURES = [
    (
        "arn:aws:states:::aws-sdk:s3:getObject",
        {"Bucket": "no-such-bucket-errors", "Key": "k"},
        "S3.NoSuchBucketException",
        "The specified bucket does not exist (Service: S3, Status Code: 404, Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
        {"SecretId": "no-such-secret"},
        "SecretsManager.ResourceNotFoundException",
        "(Service: SecretsManager, Status Code: 400, Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:dynamodb:getItem",
        {"TableName": "{table}-missing", "Key": {"id": {"S": "1"}}},
        "DynamoDb.ResourceNotFoundException",
        "Requested resource not found (Service: DynamoDb, Status Code: 400, Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:dynamodb:getItem",
        {"TableName": "{table}", "Key": {"other": {"S": "1"}}},
        "DynamoDb.DynamoDbException",
        "The provided key element does not match the schema (Service: DynamoDb, Status Code: 400, ",
    ),
    (
        "arn:aws:states:::aws-sdk:sqs:getQueueUrl",
        {"QueueName": "no-such-queue-errors"},
        "Sqs.QueueDoesNotExistException",
        "(Service: Sqs, Status Code: 400, Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:sns:publish",
        {"TopicArn": "{topic}-missing", "Message": "m"},
        "Sns.NotFoundException",
        "Topic does not exist (Service: Sns, Status Code: 404, Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:acmpca:deleteCertificateAuthority",
        {"CertificateAuthorityArn": f"arn:aws:acm-pca:{REGION}:{ACCOUNT}:certificate-authority/" + "0" * 36},
        "AcmPca.ResourceNotFoundException",
        "(Service: AcmPca, Status Code: 400, Request ID: ",
    ),
]


@pytest.mark.parametrize(("resource", "parameters", "error", "cause"), SDK_FAILURES)
async def test_an_sdk_integrations_failure_is_service_dot_exception(
    clients: AwsClients,
    resources: dict[str, str],
    resource: str,
    parameters: dict[str, Any],
    error: str,
    cause: str,
) -> None:
    with pytest.raises(StatesError) as caught:
        await AwsSdkIntegration(clients).invoke(task(resource, fill(parameters, resources)))
    assert caught.value.error == error
    assert cause in (caught.value.cause or ""), caught.value.cause


# The service name of an SDK integration's error: the SDK's client name in PascalCase
# ("AWS SDK service integrations": AcmPca.ResourceNotFoundException, S3.BucketAlreadyExistsException).
PREFIXES = [
    ("ACM PCA", "AcmPca"),
    ("DynamoDB", "DynamoDb"),
    ("SFN", "Sfn"),
    ("S3", "S3"),
    ("Secrets Manager", "SecretsManager"),
    ("EventBridge", "EventBridge"),
    ("Lambda", "Lambda"),
    ("SQS", "Sqs"),
    ("CloudWatch Logs", "CloudWatchLogs"),
    # the AWS SDK for Java v2 client names (Ec2Client, IotClient, SesV2Client, ConfigClient …)
    ("EC2", "Ec2"),
    ("IoT", "Iot"),
    ("IoT Data Plane", "IotDataPlane"),
    ("SESv2", "SesV2"),
    ("Config Service", "Config"),
    ("Database Migration Service", "DatabaseMigration"),
    ("Elasticsearch Service", "Elasticsearch"),
    ("Elastic Load Balancing v2", "ElasticLoadBalancingV2"),
    ("ApiGatewayV2", "ApiGatewayV2"),
    ("WAFV2", "Wafv2"),
    ("Route 53", "Route53"),
    ("ElastiCache", "ElastiCache"),
    ("Service Catalog", "ServiceCatalog"),
]


# The error part: "Some AWS services don't include the Exception suffix … always add the Exception suffix"
# (S3's BucketAlreadyExists is S3.BucketAlreadyExistsException); it is the AWS SDK for Java v2 exception
# class of the modelled error, whose code generator turns a "Fault" suffix into "Exception" and cases
# acronyms as words (RDS DBInstanceNotFoundFault -> DbInstanceNotFoundException, Lambda EFSIOException
# -> EfsioException); an error the model does not name is the service's base exception.
EXCEPTIONS = [
    ("BucketAlreadyExists", "BucketAlreadyExistsException"),
    ("NoSuchKey", "NoSuchKeyException"),
    ("ResourceNotFoundException", "ResourceNotFoundException"),
    ("QueueDoesNotExist", "QueueDoesNotExistException"),
    ("InvalidToken", "InvalidTokenException"),
    ("ParameterNotFound", "ParameterNotFoundException"),
    ("DBInstanceNotFoundFault", "DbInstanceNotFoundException"),
    ("InvalidARNFault", "InvalidArnException"),
    ("KMSInvalidStateException", "KmsInvalidStateException"),
    ("EC2ThrottledException", "Ec2ThrottledException"),
    ("EFSIOException", "EfsioException"),
    ("InvalidSubnetIDException", "InvalidSubnetIdException"),
    ("DashboardNotFoundError", "DashboardNotFoundErrorException"),
]


@pytest.mark.parametrize(("shape", "exception"), EXCEPTIONS)
def test_the_sdk_error_name_is_the_java_v2_exception_class(shape: str, exception: str) -> None:
    from emulator.integrations.aws_sdk import exception_name

    assert exception_name(shape) == exception


@pytest.mark.parametrize(("service_id", "prefix"), PREFIXES)
def test_the_sdk_error_prefix_is_the_clients_pascal_case_name(service_id: str, prefix: str) -> None:
    assert error_prefix(service_id) == prefix


# lambda:invoke requests Lambda refuses before running anything ("Invoke a Lambda function with Step
# Functions", https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html; Lambda Invoke,
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: InvocationType and LogType enums, a JSON
# payload, InvalidRequestContentException).
LAMBDA_REFUSALS = [
    (
        {"FunctionName": "f", "LogType": "Everything"},
        "Lambda.AWSLambdaException",
        "1 validation error detected: Value 'Everything' at 'logType' failed to satisfy constraint: Member "
        "must satisfy enum value set: [None, Tail] (Service: AWSLambda; Status Code: 400; "
        "Error Code: ValidationException; ",
    ),
    (
        {"FunctionName": "f", "InvocationType": "Later"},
        "Lambda.AWSLambdaException",
        "Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: ",
    ),
    (
        {"FunctionName": "f", "Payload": "not json"},
        "Lambda.InvalidRequestContentException",
        "Could not parse request body into json: Could not parse payload into json: Unrecognized token 'not': "
        "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
        ' at [Source: (byte[])"not json"; line: 1, column: 4] (Service: AWSLambda; Status Code: 400; '
        "Error Code: InvalidRequestContentException; ",
    ),
]


@pytest.mark.parametrize(("parameters", "error", "cause"), LAMBDA_REFUSALS)
def test_an_invoke_lambda_refuses_fails_with_its_answer(
    parameters: dict[str, Any], error: str, cause: str
) -> None:
    refusal = invoke_refusal(parameters)
    assert refusal is not None
    assert refusal.error == error
    assert cause in (refusal.cause or ""), refusal.cause


@pytest.mark.parametrize("payload", ['{"a": 1}', '"HelloWorld"', "[1, 2]", "0.0", "true", "null", ""])
def test_json_payloads_and_no_payload_are_accepted(payload: str) -> None:
    assert invoke_refusal({"FunctionName": "f", "Payload": payload, "LogType": "Tail"}) is None
