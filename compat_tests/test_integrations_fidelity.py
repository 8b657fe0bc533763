"""Service integrations answer as the service does, end to end over boto3 against a live server.

Each table cites the API reference page its rows come from. The in-process backend (moto) differs
from AWS in places; the integration layer corrects those answers (see request_validation.py,
aws_sdk.py's S3 rules and aws_lambda.py's LogResult).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings

FUNCTIONS = Path(__file__).parent / "handlers" / "functions.py"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer(
        Settings(wait_time_scale=0.0, lambda_handlers={"fidelity-echo": f"{FUNCTIONS}:echo"})
    ).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def sfn(server: LiveServer) -> Any:
    return aws_client(server, "stepfunctions")


def run(sfn: Any, resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    definition = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}},
    }
    machine = sfn.create_state_machine(
        name=f"fidelity-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    described = wait_finished(sfn, execution)
    events = sfn.get_execution_history(executionArn=execution)["events"]
    return {"described": described, "events": events}


def succeeded_output(result: dict[str, Any]) -> Any:
    assert result["described"]["status"] == "SUCCEEDED", result["described"]
    return json.loads(result["described"]["output"])


def failure(result: dict[str, Any]) -> tuple[str, str]:
    assert result["described"]["status"] == "FAILED", result["described"]
    failed = next(e for e in result["events"] if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    return failed["error"], failed["cause"]


# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html (Item: map of
# AttributeValue, each {"S": …}, {"N": …} …) and
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html (SerializationException,
# ValidationException); causes in the form Step Functions records for each kind of integration
# (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html).
DYNAMODB_REFUSALS = [
    (
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": "orders", "Item": {"id": "123456"}},
        "DynamoDB.AmazonDynamoDBException",
        "STRING_VALUE cannot be converted to AttributeValue (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: SerializationException; Request ID: ",
    ),
    (
        "arn:aws:states:::dynamodb:getItem",
        {"TableName": "orders", "Key": {"id": {"S": 7}}},
        "DynamoDB.AmazonDynamoDBException",
        "NUMBER_VALUE cannot be converted to String (Service: AmazonDynamoDBv2; Status Code: 400; "
        "Error Code: SerializationException; Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:dynamodb:putItem",
        {"TableName": "orders", "Item": {"id": "123456"}},
        "DynamoDb.DynamoDbException",
        "STRING_VALUE cannot be converted to AttributeValue (Service: DynamoDb, Status Code: 400, Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:dynamodb:putItem",
        {"TableName": "orders", "Item": {"id": {"S": "1"}}, "ReturnValues": "EVERYTHING"},
        "DynamoDb.DynamoDbException",
        "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: "
        "Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]",
    ),
]


@pytest.mark.parametrize(("resource", "parameters", "error", "cause"), DYNAMODB_REFUSALS)
def test_a_request_dynamodb_refuses_fails_with_dynamodbs_answer(
    sfn: Any, resource: str, parameters: dict[str, Any], error: str, cause: str
) -> None:
    found_error, found_cause = failure(run(sfn, resource, parameters))
    assert found_error == error
    assert found_cause.startswith(cause)
    assert "Invalid type for parameter" not in found_cause and "<class" not in found_cause


# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html and
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
def test_a_message_without_a_body_is_refused_as_sqs_refuses_it(server: LiveServer, sfn: Any) -> None:
    url = aws_client(server, "sqs").create_queue(QueueName=f"fid-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    error, cause = failure(run(sfn, "arn:aws:states:::sqs:sendMessage", {"QueueUrl": url}))
    assert error == "SQS.AmazonSQSException"
    assert cause.startswith(
        "The request must contain the parameter MessageBody. (Service: AmazonSQS; Status Code: 400; "
        "Error Code: MissingParameter; Request ID: "
    )


# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (LogType Tail → LogResult: the last
# 4 KB of the execution log, base64-encoded; ExecutedVersion; StatusCode)
def test_lambda_invoke_with_log_type_tail_returns_the_invocations_log(sfn: Any) -> None:
    output = succeeded_output(
        run(
            sfn,
            "arn:aws:states:::lambda:invoke",
            {"FunctionName": "fidelity-echo", "Payload": {"n": 1}, "LogType": "Tail"},
        )
    )
    log = base64.b64decode(output["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0].startswith("START RequestId: ") and lines[0].endswith("Version: $LATEST")
    assert any(line.startswith("END RequestId: ") for line in lines)
    assert lines[-1].startswith("REPORT RequestId: ")
    assert output["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Log-Result"] == output["LogResult"]
    assert (output["ExecutedVersion"], output["StatusCode"]) == ("$LATEST", 200)
    assert output["Payload"] == {"event": {"n": 1}, "function": "fidelity-echo"}


def test_lambda_invoke_without_log_type_has_no_log_result(sfn: Any) -> None:
    output = succeeded_output(
        run(sfn, "arn:aws:states:::lambda:invoke", {"FunctionName": "fidelity-echo", "Payload": {}})
    )
    assert "LogResult" not in output
    assert "X-Amz-Log-Result" not in output["SdkHttpMetadata"]["HttpHeaders"]


# AWS SDK integration with Lambda: Invoke's response members
# (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax: StatusCode,
# ExecutedVersion, Payload, FunctionError for a function error, which is an answer, not an exception).
def test_aws_sdk_lambda_invoke_reaches_a_local_function_and_answers_invokes_members(sfn: Any) -> None:
    output = succeeded_output(
        run(
            sfn,
            "arn:aws:states:::aws-sdk:lambda:invoke",
            {"FunctionName": "fidelity-echo", "Payload": {"n": 1}},
        )
    )
    assert set(output) == {"ExecutedVersion", "Payload", "StatusCode"}
    assert (output["ExecutedVersion"], output["StatusCode"]) == ("$LATEST", 200)
    assert json.loads(output["Payload"]) == {"event": {"n": 1}, "function": "fidelity-echo"}


# Lambda Invoke refusals (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
LAMBDA_REFUSALS = [
    ({"Payload": "not json"}, "Lambda.InvalidRequestContentException"),
    ({"LogType": "Everything"}, "Lambda.AWSLambdaException"),
]


@pytest.mark.parametrize(("parameters", "error"), LAMBDA_REFUSALS)
def test_an_invoke_lambda_refuses_fails_the_task(sfn: Any, parameters: dict[str, Any], error: str) -> None:
    result = run(sfn, "arn:aws:states:::lambda:invoke", {"FunctionName": "fidelity-echo", **parameters})
    assert failure(result)[0] == error


# https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html and
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (ChecksumMode: "To retrieve the
# checksum, this mode must be enabled"); Step Functions sends the body as JSON text.
S3_BODIES = [
    ("text data", b'"text data"'),
    (0, b"0"),
    ({"Dict": "Value"}, b'{"Dict":"Value"}'),
    (["List", "Data"], b'["List","Data"]'),
    (False, b"false"),
    ("", b'""'),
]


@pytest.mark.parametrize(("body", "stored"), S3_BODIES)
def test_s3_put_object_stores_the_bodys_json_text(
    server: LiveServer, sfn: Any, body: Any, stored: bytes
) -> None:
    s3 = aws_client(server, "s3")
    bucket = f"fid-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    put = succeeded_output(
        run(sfn, "arn:aws:states:::aws-sdk:s3:putObject", {"Bucket": bucket, "Key": "k", "Body": body})
    )
    assert put["ServerSideEncryption"] == "AES256" and put["ETag"].startswith('"')
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == stored
    assert got["ContentType"] == "text/plain; charset=UTF-8"


def test_s3_get_object_reports_checksums_only_with_checksum_mode(server: LiveServer, sfn: Any) -> None:
    s3 = aws_client(server, "s3")
    bucket = f"fid-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello", ChecksumAlgorithm="CRC32")
    plain = succeeded_output(
        run(sfn, "arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "k"})
    )
    assert plain["Body"] == "hello"
    assert not [key for key in plain if key.startswith("Checksum")]
    asked = succeeded_output(
        run(
            sfn,
            "arn:aws:states:::aws-sdk:s3:getObject",
            {"Bucket": bucket, "Key": "k", "ChecksumMode": "ENABLED"},
        )
    )
    assert asked["ChecksumCRC32"] and asked["ChecksumType"] == "FULL_OBJECT"


# https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (MessageAttributes) and
# https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html (notification JSON:
# MessageAttributes as {"Type", "Value"}) and
# https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html (raw delivery:
# SQS message attributes)
ATTRIBUTES = {
    "colour": {"DataType": "String", "StringValue": "blue"},
    "count": {"DataType": "Number", "StringValue": "5"},
    "blob": {"DataType": "Binary", "BinaryValue": base64.b64encode(b"\x00\x01").decode()},
}


@pytest.mark.parametrize("raw", [False, True])
def test_sns_publish_with_message_attributes_reaches_a_subscribed_queue_as_sns_delivers(
    server: LiveServer, sfn: Any, raw: bool
) -> None:
    sns, sqs = aws_client(server, "sns"), aws_client(server, "sqs")
    topic = sns.create_topic(Name=f"fid-{uuid.uuid4().hex[:8]}")["TopicArn"]
    url = sqs.create_queue(QueueName=f"fid-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {"RawMessageDelivery": "true"} if raw else {}
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)
    output = succeeded_output(
        run(
            sfn,
            "arn:aws:states:::sns:publish",
            {"TopicArn": topic, "Message": {"order": 1}, "MessageAttributes": ATTRIBUTES},
        )
    )
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], WaitTimeSeconds=5)["Messages"][
        0
    ]
    if raw:
        assert message["Body"] == '{"order":1}'
        received = message["MessageAttributes"]
        assert received["colour"] == {"StringValue": "blue", "DataType": "String"}
        assert received["count"] == {"StringValue": "5", "DataType": "Number"}
        assert received["blob"] == {"BinaryValue": b"\x00\x01", "DataType": "Binary"}
    else:
        body = json.loads(message["Body"])
        assert (body["Type"], body["Message"], body["TopicArn"]) == ("Notification", '{"order":1}', topic)
        assert body["MessageId"] == output["MessageId"]
        assert body["MessageAttributes"] == {
            "colour": {"Type": "String", "Value": "blue"},
            "count": {"Type": "Number", "Value": "5"},
            "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
        }


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html: the error and
# cause a worker sends are the activity's failure (ActivityFailed) and, uncaught, the execution's.
def test_an_activity_failure_carries_the_workers_error_and_cause(sfn: Any) -> None:
    activity = sfn.create_activity(name=f"fid-{uuid.uuid4().hex[:8]}")["activityArn"]
    definition = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": activity, "End": True}}}
    machine = sfn.create_state_machine(
        name=f"fidelity-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="w")
    sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Broke", cause="disk full")
    described = wait_finished(sfn, execution)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Worker.Broke",
        "disk full",
    )
    events = sfn.get_execution_history(executionArn=execution)["events"]
    failed = next(e for e in events if e["type"] == "ActivityFailed")["activityFailedEventDetails"]
    assert failed == {"error": "Worker.Broke", "cause": "disk full"}


# https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html (.sync:2 returns the
# DescribeExecution answer with JSON input/output) and
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
@pytest.mark.parametrize(("pattern", "as_json"), [(".sync", False), (".sync:2", True)])
def test_a_nested_sync_execution_answers_every_describe_execution_field(
    sfn: Any, pattern: str, as_json: bool
) -> None:
    child_definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"r": 1}, "End": True}}}
    child = sfn.create_state_machine(
        name=f"fid-child-{uuid.uuid4().hex[:8]}", definition=json.dumps(child_definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    output = succeeded_output(
        run(
            sfn,
            f"arn:aws:states:::states:startExecution{pattern}",
            {"StateMachineArn": child, "Input": {"in": 1}, "Name": "child-run"},
        )
    )
    described = sfn.describe_execution(executionArn=output["ExecutionArn"])
    expected_members = {
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
    }
    assert set(output) == expected_members
    assert output["Output"] == ({"r": 1} if as_json else '{"r":1}')
    assert output["Input"] == ({"in": 1} if as_json else '{"in":1}')
    assert (output["Name"], output["Status"]) == (described["name"], described["status"])
    assert output["RedriveStatus"] == described["redriveStatus"]


# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html and
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html: a target that cannot be
# reached is retried and dropped (or dead-lettered) out of band; PutEvents still succeeds.
def test_put_events_succeeds_when_a_rules_queue_is_gone(server: LiveServer, sfn: Any) -> None:
    events, sqs = aws_client(server, "events"), aws_client(server, "sqs")
    url = sqs.create_queue(QueueName=f"fid-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    source = f"fidelity.{uuid.uuid4().hex[:8]}"
    rule = f"fid-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": queue_arn}])
    sqs.delete_queue(QueueUrl=url)
    try:
        output = succeeded_output(
            run(
                sfn,
                "arn:aws:states:::events:putEvents",
                {"Entries": [{"Source": source, "DetailType": "t", "Detail": {"a": 1}}]},
            )
        )
        assert output["FailedEntryCount"] == 0 and output["Entries"][0]["EventId"]
    finally:
        events.remove_targets(Rule=rule, Ids=["q"])
        events.delete_rule(Name=rule)


# ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html: EncodingType is
# answered when the request asked for it) and GetObject / HeadObject (ContentLength, the body's size).
def test_s3_listing_and_reads_answer_as_the_java_sdk_sees_them(server: LiveServer, sfn: Any) -> None:
    bucket = f"listing-{uuid.uuid4().hex[:10]}"
    s3 = aws_client(server, "s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a b.txt", Body=b"hello")
    listed = succeeded_output(run(sfn, "arn:aws:states:::aws-sdk:s3:listObjectsV2", {"Bucket": bucket}))
    assert "EncodingType" not in listed
    assert [item["Key"] for item in listed["Contents"]] == ["a b.txt"]
    for action in ("getObject", "headObject"):
        read = succeeded_output(
            run(sfn, f"arn:aws:states:::aws-sdk:s3:{action}", {"Bucket": bucket, "Key": "a b.txt"})
        )
        assert read["ContentLength"] == 5
