"""Requests a service refuses, answered as the service answers them (request_validation.py).

Each table's rows come from the service's API reference: the operation's required members and
constraints (length, range, pattern, valid values) and the service's common errors.
"""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from emulator.integrations.request_validation import Rejection, check_call, check_request, refusal

_SESSION = botocore.session.get_session()


def operation(service: str, name: str) -> Any:
    return _SESSION.get_service_model(service).operation_model(name)


# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
# (ValidationException; SerializationException for a body its JSON deserializer cannot read)
DYNAMODB = [
    (
        "PutItem",
        {"TableName": "orders"},
        Rejection(
            "ValidationException",
            "1 validation error detected: Value null at 'item' failed to satisfy constraint: "
            "Member must not be null",
        ),
    ),
    (
        "PutItem",
        {"TableName": "orders", "Item": {"id": {"S": "1"}}, "ReturnValues": "EVERYTHING"},
        Rejection(
            "ValidationException",
            "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: "
            "Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]",
        ),
    ),
    (
        "PutItem",
        {"TableName": "orders", "Item": {"id": "123456"}},
        Rejection("SerializationException", "STRING_VALUE cannot be converted to AttributeValue"),
    ),
    (
        "PutItem",
        {"TableName": "orders", "Item": {"id": {"S": 123456}}},
        Rejection("SerializationException", "NUMBER_VALUE cannot be converted to String"),
    ),
    (
        "PutItem",
        {"TableName": "orders", "Item": {"id": {"S": {"nested": 1}}}},
        Rejection("SerializationException", "Start of structure or map found where not expected"),
    ),
    (
        "GetItem",
        {"TableName": "orders", "Key": [{"id": {"S": "1"}}]},
        Rejection("SerializationException", "Start of list found where not expected"),
    ),
    (
        "GetItem",
        {"TableName": "orders", "Key": {"id": {"S": "1"}}, "ConsistentRead": "yes"},
        Rejection("SerializationException", "STRING_VALUE cannot be converted to Boolean"),
    ),
    ("PutItem", {"TableName": "orders", "Item": {"id": {"S": "1"}}}, None),
]

# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html (MissingParameter)
SQS = [
    (
        "SendMessage",
        {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q"},
        Rejection("MissingParameter", "The request must contain the parameter MessageBody."),
    ),
    (
        "SendMessage",
        {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "MessageBody": "m",
            "DelaySeconds": "9",
        },
        Rejection("SerializationException", "STRING_VALUE cannot be converted to Integer"),
    ),
    (
        "SendMessage",
        {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "m"},
        None,
    ),
]

# https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
# https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html (ValidationError)
SNS = [
    (
        "Publish",
        {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
        Rejection(
            "ValidationError",
            "1 validation error detected: Value null at 'message' failed to satisfy constraint: "
            "Member must not be null",
        ),
    ),
    ("Publish", {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m"}, None),
]

# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (FunctionName: length 1-170, pattern;
# InvocationType: Event | RequestResponse | DryRun)
LAMBDA = [
    (
        "Invoke",
        {"FunctionName": "f", "InvocationType": "Sync"},
        Rejection(
            "ValidationException",
            "1 validation error detected: Value 'Sync' at 'invocationType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
        ),
    ),
    ("Invoke", {"FunctionName": "my-function", "InvocationType": "Event"}, None),
]

# https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html (Entries: 1-10 items)
EVENTBRIDGE = [
    (
        "PutEvents",
        {"Entries": []},
        Rejection(
            "ValidationException",
            "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
        ),
    ),
    (
        "PutEvents",
        {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}"}] * 11},
        "Member must have length less than or equal to 10",
    ),
]

# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
STEP_FUNCTIONS = [
    (
        "StartExecution",
        {"input": "{}"},
        Rejection(
            "ValidationException",
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: "
            "Member must not be null",
        ),
    ),
    (
        "StartExecution",
        {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:m", "name": "x" * 81},
        "at 'name' failed to satisfy constraint: Member must have length less than or equal to 80",
    ),
]

ROWS = [
    *(("dynamodb", *row) for row in DYNAMODB),
    *(("sqs", *row) for row in SQS),
    *(("sns", *row) for row in SNS),
    *(("lambda", *row) for row in LAMBDA),
    *(("events", *row) for row in EVENTBRIDGE),
    *(("stepfunctions", *row) for row in STEP_FUNCTIONS),
]


@pytest.mark.parametrize(("service", "name", "request_", "expected"), ROWS)
def test_the_service_refuses_the_request_as_its_api_reference_says(
    service: str, name: str, request_: dict[str, Any], expected: Rejection | str | None
) -> None:
    found = check_request(operation(service, name), request_)
    if isinstance(expected, str):
        assert found is not None and found.code == "ValidationException" and expected in found.message
    else:
        assert found == expected


def test_every_violation_is_listed_in_one_message() -> None:
    found = check_request(
        operation("stepfunctions", "StartExecution"), {"stateMachineArn": "", "name": "x" * 81}
    )
    assert found is not None
    assert found.message.startswith("2 validation errors detected: Value '' at 'stateMachineArn'")
    assert "; Value '" + "x" * 81 + "' at 'name'" in found.message


def test_a_refusal_carries_the_service_error_shape_when_the_model_names_it() -> None:
    model = _SESSION.get_service_model("stepfunctions")
    error = check_call(model, "stepfunctions", "StartExecution", {})
    assert error is not None
    assert (error.code, error.status, error.error_shape) == (
        "ValidationException",
        400,
        "ValidationException",
    )
    assert error.request_id


def test_what_botocore_refuses_never_answers_with_python_text() -> None:
    model = _SESSION.get_service_model("dynamodb")
    error = refusal(model, "dynamodb", "PutItem", {"TableName": "orders", "Item": {"id": "123456"}})
    assert error.code == "SerializationException"
    assert "Invalid type for parameter" not in error.message and "<class" not in error.message


def test_a_pattern_python_cannot_read_is_not_held_against_the_request() -> None:
    from emulator.integrations.request_validation import _matches

    assert _matches(r"[\p{L}\p{N}_.-]+", "naïve-1")
    assert _matches(r"[\p{Print}&&[^|:/]]+", "a|b")  # Java's set intersection: not read, not held
    assert _matches(r"[a-z[0-9]]+", "a1")  # Java's nested set (a union)
    assert not _matches("[a-z]+", "UPPER")
