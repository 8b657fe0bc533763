from __future__ import annotations

import pytest

from emulator.errors import SerializationException, ValidationException
from emulator.server.validation import operation_names, validate_request


def test_the_model_has_all_37_operations() -> None:
    assert len(operation_names()) == 37
    assert "StartSyncExecution" in operation_names()


def test_missing_required_member_is_reported_like_aws() -> None:
    with pytest.raises(ValidationException) as raised:
        validate_request("DescribeStateMachine", {})
    assert raised.value.message == (
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_every_violation_is_listed_in_one_message() -> None:
    with pytest.raises(ValidationException) as raised:
        validate_request("CreateStateMachine", {"name": "n" * 81, "definition": "{}", "type": "FOO"})
    message = raised.value.message
    assert message.startswith("3 validation errors detected: ")
    assert "Member must have length less than or equal to 80" in message
    assert "Value null at 'roleArn' failed to satisfy constraint: Member must not be null" in message
    assert (
        "Value 'FOO' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
        in message
    )


def test_sensitive_values_are_redacted() -> None:
    with pytest.raises(ValidationException) as raised:
        validate_request("CreateStateMachine", {"name": "a", "definition": "", "roleArn": "r"})
    assert "Value '*** Sensitive Data Redacted ***' at 'definition'" in raised.value.message


def test_numeric_range_is_checked() -> None:
    with pytest.raises(ValidationException) as raised:
        validate_request("ListStateMachines", {"maxResults": 1001})
    assert "Member must have value less than or equal to 1000" in raised.value.message


def test_wrong_json_type_is_a_serialization_error() -> None:
    with pytest.raises(SerializationException):
        validate_request("ListStateMachines", {"maxResults": "ten"})
    with pytest.raises(SerializationException):
        validate_request("DescribeStateMachine", {"stateMachineArn": 5})


def test_nested_list_members_are_checked() -> None:
    with pytest.raises(ValidationException) as raised:
        validate_request(
            "TagResource",
            {"resourceArn": "arn", "tags": [{"key": "", "value": "v"}]},
        )
    assert "at 'tags.1.member.key'" in raised.value.message


def test_valid_request_passes() -> None:
    validate_request(
        "StartExecution", {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x"}
    )


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html,
# API_StartSyncExecution.html and API_SendTaskSuccess.html: "Length constraints apply to the payload
# size, and are expressed as bytes in UTF-8 encoding" (input / output: Maximum length of 262144); other
# strings (name: 1..80) count characters.
_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:x"
PAYLOAD_LENGTHS = [
    ("StartExecution", "input", {"stateMachineArn": _MACHINE}, "x" * 262_144, True),
    ("StartExecution", "input", {"stateMachineArn": _MACHINE}, "x" * 262_145, False),
    ("StartExecution", "input", {"stateMachineArn": _MACHINE}, "é" * 131_072, True),
    ("StartExecution", "input", {"stateMachineArn": _MACHINE}, "é" * 131_073, False),
    ("StartExecution", "input", {"stateMachineArn": _MACHINE}, "😀" * 65_537, False),
    ("StartSyncExecution", "input", {"stateMachineArn": _MACHINE}, "é" * 131_073, False),
    ("SendTaskSuccess", "output", {"taskToken": "t"}, "é" * 131_072, True),
    ("SendTaskSuccess", "output", {"taskToken": "t"}, "é" * 131_073, False),
    ("StartExecution", "name", {"stateMachineArn": _MACHINE}, "é" * 80, True),
    ("StartExecution", "name", {"stateMachineArn": _MACHINE}, "é" * 81, False),
]


@pytest.mark.parametrize(("operation", "member", "others", "value", "accepted"), PAYLOAD_LENGTHS)
def test_payload_lengths_count_utf8_bytes_and_other_strings_count_characters(
    operation: str, member: str, others: dict[str, str], value: str, accepted: bool
) -> None:
    request = {**others, member: value}
    if accepted:
        validate_request(operation, request)
        return
    with pytest.raises(ValidationException) as raised:
        validate_request(operation, request)
    assert f"at '{member}' failed to satisfy constraint: Member must have length less than or equal to" in (
        raised.value.message
    )
