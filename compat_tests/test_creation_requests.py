"""CreateStateMachine / UpdateStateMachine / CreateActivity request members through boto3: what AWS
accepts and how it answers what it refuses (each rule both ways)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from compat_tests.conftest import ROLE_ARN

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def _unique() -> str:
    return f"rules-{uuid.uuid4().hex[:12]}"


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
# (roleArn: "The Amazon Resource Name (ARN) of the IAM role to use for this state machine"; InvalidArn)
ROLE_ARNS = [
    ("arn:aws:iam::123456789012:role/service-role/StepFunctions-role", True),
    ("arn:aws:iam::123456789012:role/my.role+name=x,y@z", True),
    ("arn:aws-cn:iam::123456789012:role/r", True),
    ("arn:aws-us-gov:iam::123456789012:role/r", True),
    ("r", False),
    ("arn:aws:iam::aws:policy/AWSBatchFullAccess", False),
    ("arn:aws:iam::123456789012:user/someone", False),
    ("arn:aws:iam:us-east-1:123456789012:role/r", False),
    ("arn:aws:iam::1234:role/r", False),
    ("arn:aws:iam::123456789012:role/", False),
    ("arn:aws:lambda:us-east-1:123456789012:function:f", False),
]


@pytest.mark.parametrize(("role_arn", "accepted"), ROLE_ARNS)
def test_create_state_machine_role_arn(sfn: Any, role_arn: str, accepted: bool) -> None:
    if accepted:
        arn = sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=role_arn)["stateMachineArn"]
        assert sfn.describe_state_machine(stateMachineArn=arn)["roleArn"] == role_arn
        return
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=role_arn)
    assert _error(raised) == ("InvalidArn", f"Invalid Role Arn: '{role_arn}'")


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html (roleArn)
def test_update_state_machine_role_arn_both_ways(sfn: Any) -> None:
    arn = sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(stateMachineArn=arn, roleArn="not-a-role")
    assert _error(raised) == ("InvalidArn", "Invalid Role Arn: 'not-a-role'")
    assert sfn.describe_state_machine(stateMachineArn=arn)["roleArn"] == ROLE_ARN
    other = "arn:aws:iam::123456789012:role/other"
    sfn.update_state_machine(stateMachineArn=arn, roleArn=other)
    assert sfn.describe_state_machine(stateMachineArn=arn)["roleArn"] == other


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html (name: 1-80
# characters, none of whitespace, brackets, wildcards, special and control characters; InvalidName)
NAMES = [
    ("orders-2024_v1.0", True),
    ("n" * 80, True),
    ("café", True),
    ("a b", False),
    ("a/b", False),
    ("a$b", False),
    ("tab\there", False),
]


@pytest.mark.parametrize(("name", "accepted"), NAMES)
def test_create_state_machine_name(sfn: Any, name: str, accepted: bool) -> None:
    unique_name = name if len(name) == 80 else f"{name}{uuid.uuid4().hex[:6]}"
    if name == "n" * 80:
        unique_name = uuid.uuid4().hex[:8] + "n" * 72
    if accepted:
        sfn.create_state_machine(name=unique_name, definition=PASS, roleArn=ROLE_ARN)
        return
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=unique_name, definition=PASS, roleArn=ROLE_ARN)
    assert _error(raised) == ("InvalidName", f"Invalid Name: '{unique_name}'")


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html (type:
# STANDARD | EXPRESS, enforced by the service model as a ValidationException)
def test_create_state_machine_type(sfn: Any) -> None:
    arn = sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=ROLE_ARN, type="EXPRESS")[
        "stateMachineArn"
    ]
    assert sfn.describe_state_machine(stateMachineArn=arn)["type"] == "EXPRESS"
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=ROLE_ARN, type="BATCH")
    code, message = _error(raised)
    assert code == "ValidationException"
    assert (
        "Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set" in message
    )


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_EncryptionConfiguration.html and
# API_CreateStateMachine.html (InvalidEncryptionConfiguration: "if type is set to CUSTOMER_MANAGED_KMS_KEY,
# but kmsKeyId is null, or kmsDataKeyReusePeriodSeconds is not between 60 and 900")
_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ENCRYPTION = [
    ({"type": "AWS_OWNED_KEY"}, None),
    ({"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": _KEY}, None),
    ({"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": _KEY, "kmsDataKeyReusePeriodSeconds": 900}, None),
    (
        {"type": "CUSTOMER_MANAGED_KMS_KEY"},
        "Invalid Encryption Configuration: kmsKeyId is required when type is CUSTOMER_MANAGED_KMS_KEY",
    ),
    (
        {"type": "AWS_OWNED_KEY", "kmsKeyId": _KEY},
        "Invalid Encryption Configuration: kmsKeyId and kmsDataKeyReusePeriodSeconds can only be set when "
        "type is CUSTOMER_MANAGED_KMS_KEY",
    ),
]


@pytest.mark.parametrize(("configuration", "message"), ENCRYPTION)
def test_create_state_machine_encryption_configuration(
    sfn: Any, configuration: dict[str, Any], message: str | None
) -> None:
    create = {
        "name": _unique(),
        "definition": PASS,
        "roleArn": ROLE_ARN,
        "encryptionConfiguration": configuration,
    }
    if message is None:
        arn = sfn.create_state_machine(**create)["stateMachineArn"]
        assert sfn.describe_state_machine(stateMachineArn=arn)["encryptionConfiguration"] == configuration
        assert sfn.create_activity(name=_unique(), encryptionConfiguration=configuration)["activityArn"]
        return
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(**create)
    assert _error(raised) == ("InvalidEncryptionConfiguration", message)
    with pytest.raises(ClientError) as raised:
        sfn.create_activity(name=_unique(), encryptionConfiguration=configuration)
    assert _error(raised) == ("InvalidEncryptionConfiguration", message)


def test_reuse_period_outside_60_to_900_is_refused_by_the_model(sfn: Any) -> None:
    configuration = {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": _KEY, "kmsDataKeyReusePeriodSeconds": 30}
    with pytest.raises((ClientError, ParamValidationError)):
        sfn.create_state_machine(
            name=_unique(), definition=PASS, roleArn=ROLE_ARN, encryptionConfiguration=configuration
        )


def test_update_state_machine_encryption_configuration_both_ways(sfn: Any) -> None:
    arn = sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=ROLE_ARN)["stateMachineArn"]
    with pytest.raises(ClientError) as raised:
        sfn.update_state_machine(
            stateMachineArn=arn, encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY"}
        )
    assert _error(raised)[0] == "InvalidEncryptionConfiguration"
    configuration = {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": _KEY}
    sfn.update_state_machine(stateMachineArn=arn, encryptionConfiguration=configuration)
    assert sfn.describe_state_machine(stateMachineArn=arn)["encryptionConfiguration"] == configuration


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
# (versionDescription only with publish: ValidationException)
def test_publish_and_version_description(sfn: Any) -> None:
    created = sfn.create_state_machine(
        name=_unique(), definition=PASS, roleArn=ROLE_ARN, publish=True, versionDescription="first"
    )
    assert created["stateMachineVersionArn"].endswith(":1")
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=ROLE_ARN, versionDescription="x")
    assert _error(raised) == (
        "ValidationException",
        "Version description can only be set when publish is true",
    )


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html
# (InvalidDefinition for a definition that breaks a rule of the States Language)
def test_a_definition_rule_is_answered_as_invalid_definition(sfn: Any) -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 100000000}],
                "End": True,
            }
        },
    }
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(name=_unique(), definition=json.dumps(definition), roleArn=ROLE_ARN)
    assert _error(raised) == (
        "InvalidDefinition",
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The value for the field 'MaxAttempts' "
        "must be <= 99999999 at /States/T/Retry[0]/MaxAttempts'",
    )
    definition["States"]["T"]["Retry"][0]["MaxAttempts"] = 99999999
    assert sfn.create_state_machine(name=_unique(), definition=json.dumps(definition), roleArn=ROLE_ARN)


# https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html (level:
# ALL | ERROR | FATAL | OFF; exactly one CloudWatch Logs destination when logging is on)
def test_logging_level_outside_the_enum_is_a_validation_exception(sfn: Any) -> None:
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=_unique(), definition=PASS, roleArn=ROLE_ARN, loggingConfiguration={"level": "DEBUG"}
        )
    code, message = _error(raised)
    assert code == "ValidationException"
    assert "Value 'DEBUG' at 'loggingConfiguration.level' failed to satisfy constraint" in message


def test_logging_destination_that_is_no_log_group_arn_is_not_found(sfn: Any) -> None:
    configuration = {
        "level": "ALL",
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:s3:::bucket"}}],
    }
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=_unique(), definition=PASS, roleArn=ROLE_ARN, loggingConfiguration=configuration
        )
    assert _error(raised) == (
        "InvalidLoggingConfiguration",
        "Invalid Logging Configuration: Log Destination not found.",
    )
    off = sfn.create_state_machine(
        name=_unique(), definition=PASS, roleArn=ROLE_ARN, loggingConfiguration={"level": "OFF"}
    )["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=off)["loggingConfiguration"] == {
        "level": "OFF",
        "includeExecutionData": False,
    }


# https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (50 tags per resource)
def test_tags_up_to_the_limit_are_accepted_and_one_more_is_too_many(sfn: Any) -> None:
    fifty = [{"key": f"k{index}", "value": "v"} for index in range(50)]
    arn = sfn.create_state_machine(name=_unique(), definition=PASS, roleArn=ROLE_ARN, tags=fifty)[
        "stateMachineArn"
    ]
    assert len(sfn.list_tags_for_resource(resourceArn=arn)["tags"]) == 50
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=_unique(), definition=PASS, roleArn=ROLE_ARN, tags=[*fifty, {"key": "k50", "value": "v"}]
        )
    assert _error(raised)[0] == "TooManyTags"
