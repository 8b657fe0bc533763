"""SQS, SNS, DynamoDB, EventBridge and aws-sdk tasks end to end: boto3 creates resources on the
emulator's port (the in-process moto behind it) and the state machines use the same resources."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import aws_client, wait_finished


def run_task(sfn: Any, resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    definition = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}},
    }
    arn = sfn.create_state_machine(
        name=f"svc-{uuid.uuid4().hex[:12]}",
        definition=json.dumps(definition),
        roleArn=ROLE_ARN,
        type="EXPRESS",
    )["stateMachineArn"]
    return dict(sfn.start_sync_execution(stateMachineArn=arn, input="{}"))


def output(result: dict[str, Any]) -> Any:
    assert result["status"] == "SUCCEEDED", result
    return json.loads(result["output"])


@pytest.fixture(scope="module")
def sync_sfn(live_server: Any) -> Any:
    return aws_client(live_server, "stepfunctions")


def test_sqs_send_message_reaches_the_queue_a_client_reads(live_server: Any, sync_sfn: Any) -> None:
    sqs = aws_client(live_server, "sqs")
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    result = output(
        run_task(sync_sfn, "arn:aws:states:::sqs:sendMessage", {"QueueUrl": url, "MessageBody": {"a": 1}})
    )
    assert {"MD5OfMessageBody", "MessageId", "SdkHttpMetadata", "SdkResponseMetadata"} <= set(result)
    assert result["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "106"
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == '{"a":1}'


@pytest.mark.parametrize(
    ("url_suffix", "error"),
    [("-missing", "SQS.QueueDoesNotExistException")],
)
def test_sqs_missing_queue_fails_with_the_sdk_exception(
    live_server: Any, sync_sfn: Any, url_suffix: str, error: str
) -> None:
    url = f"{live_server.url}/123456789012/nothing{url_suffix}"
    result = run_task(sync_sfn, "arn:aws:states:::sqs:sendMessage", {"QueueUrl": url, "MessageBody": "x"})
    assert (result["status"], result["error"]) == ("FAILED", error)
    assert (
        "(Service: AmazonSQS; Status Code: 400; Error Code: AWS.SimpleQueueService.NonExistentQueue"
        in result["cause"]
    )


def test_sqs_unresolvable_queue_host_is_a_client_exception(sync_sfn: Any) -> None:
    result = run_task(
        sync_sfn,
        "arn:aws:states:::sqs:sendMessage",
        {"QueueUrl": "http://no-such-queue-1", "MessageBody": "x"},
    )
    assert (result["error"], result["cause"]) == (
        "SQS.SdkClientException",
        "Unable to execute HTTP request: no-such-queue-1: Name or service not known",
    )


def test_sns_publish_and_missing_topic(live_server: Any, sync_sfn: Any) -> None:
    topic = aws_client(live_server, "sns").create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    result = output(
        run_task(sync_sfn, "arn:aws:states:::sns:publish", {"TopicArn": topic, "Message": {"m": 1}})
    )
    assert result["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "294"
    failed = run_task(sync_sfn, "arn:aws:states:::sns:publish", {"TopicArn": topic + "-gone", "Message": "x"})
    assert failed["error"] == "SNS.NotFoundException"
    assert failed["cause"].startswith(
        "Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound"
    )


def test_dynamodb_put_get_conditional_check_and_missing_table(live_server: Any, sync_sfn: Any) -> None:
    table = f"t-{uuid.uuid4().hex[:8]}"
    aws_client(live_server, "dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    item = {"id": {"S": "1"}, "n": {"N": "5"}}
    output(run_task(sync_sfn, "arn:aws:states:::dynamodb:putItem", {"TableName": table, "Item": item}))
    got = output(
        run_task(
            sync_sfn, "arn:aws:states:::dynamodb:getItem", {"TableName": table, "Key": {"id": {"S": "1"}}}
        )
    )
    assert got["Item"] == item
    conditional = run_task(
        sync_sfn,
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(id)"},
    )
    assert conditional["error"] == "DynamoDB.ConditionalCheckFailedException"
    missing = run_task(
        sync_sfn, "arn:aws:states:::dynamodb:putItem", {"TableName": table + "x", "Item": item}
    )
    assert missing["error"] == "DynamoDB.ResourceNotFoundException"
    assert missing["cause"].startswith(
        "Requested resource not found (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: ResourceNotFoundException; Request ID: "
    )
    invalid = run_task(sync_sfn, "arn:aws:states:::dynamodb:putItem", {"TableName": "/bad", "Item": None})
    assert invalid["error"] == "DynamoDB.AmazonDynamoDBException"
    assert invalid["cause"].startswith("2 validation errors detected: Value '/bad' at 'tableName'")


def test_eventbridge_put_events_success_and_failed_entry(sync_sfn: Any) -> None:
    entry = {"Detail": {"a": 1}, "DetailType": "d", "Source": "s"}
    result = output(run_task(sync_sfn, "arn:aws:states:::events:putEvents", {"Entries": [entry]}))
    assert result["FailedEntryCount"] == 0 and "EventId" in result["Entries"][0]
    failed = run_task(
        sync_sfn, "arn:aws:states:::events:putEvents", {"Entries": [entry, dict(entry, Detail='"text"')]}
    )
    assert failed["error"] == "EventBridge.FailedEntry"
    cause = json.loads(failed["cause"])
    assert cause["FailedEntryCount"] == 1
    assert cause["Entries"][1] == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}


def test_aws_sdk_s3_round_trip_and_no_such_key(live_server: Any, sync_sfn: Any) -> None:
    bucket = f"b-{uuid.uuid4().hex[:8]}"
    s3 = aws_client(live_server, "s3")
    s3.create_bucket(Bucket=bucket)
    put = output(
        run_task(
            sync_sfn,
            "arn:aws:states:::aws-sdk:s3:putObject",
            {"Bucket": bucket, "Key": "k", "Body": {"Dict": "Value"}},
        )
    )
    assert put["ETag"] == '"49e31cee5aec8faf3345893addb14346"' and put["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b'{"Dict":"Value"}'
    got = output(run_task(sync_sfn, "arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "k"}))
    assert got["Body"] == '{"Dict":"Value"}'
    listed = output(run_task(sync_sfn, "arn:aws:states:::aws-sdk:s3:listObjectsV2", {"Bucket": bucket}))
    assert [c["Key"] for c in listed["Contents"]] == ["k"]
    missing = run_task(sync_sfn, "arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "none"})
    assert missing["error"] == "S3.NoSuchKeyException"
    assert "(Service: S3, Status Code: 404, Request ID: " in missing["cause"]


def test_aws_sdk_step_functions_calls_the_emulator_itself(sync_sfn: Any) -> None:
    failed = run_task(sync_sfn, "arn:aws:states:::aws-sdk:sfn:sendTaskFailure", {"TaskToken": "NoSuchToken"})
    assert failed["error"] == "Sfn.InvalidTokenException"


def test_aws_sdk_action_the_backend_lacks_fails_the_task(sync_sfn: Any) -> None:
    failed = run_task(
        sync_sfn, "arn:aws:states:::aws-sdk:dynamodb:describeContributorInsights", {"TableName": "t"}
    )
    assert failed["error"] == "DynamoDb.DynamoDbException"
    assert "describe_contributor_insights" in failed["cause"]
    # an action the service does not have is refused at creation (tests/unit/integrations/test_task_parameters.py)


# "Passing parameters to a service API in Step Functions"
# (https://docs.aws.amazon.com/step-functions/latest/dg/connect-parameters.html): a field the API does not
# take is "not supported by Step Functions". CreateStateMachine refuses the fields it can see; a JSONata
# Arguments expression shows its fields when evaluated, and the task is then refused before it starts
# (States.Runtime, "The Parameters '…' could not be used to start the Task: […]", nothing scheduled).
COMPUTED_FIELDS = [
    ("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "MessageBody": "m", "Priority": 1}, "Priority"),
    ("arn:aws:states:::aws-sdk:sqs:sendMessage", {"QueueUrl": "q", "MessageBody": "m", "Body": "x"}, "Body"),
    ("arn:aws:states:::aws-sdk:kms:encrypt", {"KeyId": "k", "Plaintext": "cA==", "Key": "x"}, "Key"),
    ("arn:aws:states:::ecs:runTask", {"TaskDefinition": "d", "Containers": []}, "Containers"),
]


@pytest.mark.parametrize(("resource", "arguments", "field"), COMPUTED_FIELDS)
def test_a_computed_field_the_api_does_not_take_keeps_the_task_from_starting(
    sync_sfn: Any, resource: str, arguments: dict[str, Any], field: str
) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": resource, "Arguments": "{% $states.input %}", "End": True}
        },
    }
    arn = sync_sfn.create_state_machine(
        name=f"svc-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sync_sfn.start_execution(stateMachineArn=arn, input=json.dumps(arguments))["executionArn"]
    described = wait_finished(sync_sfn, execution)
    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")
    sent = json.dumps(arguments, separators=(",", ":"))
    assert described["cause"] == (
        "An error occurred while executing the state 'T' (entered at the event id #2). "
        f"The Parameters '{sent}' could not be used to start the Task: "
        f'[The field "{field}" is not supported by Step Functions]'
    )
    events = sync_sfn.get_execution_history(executionArn=execution)["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
