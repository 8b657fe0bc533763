"""Request members CreateStateMachine / UpdateStateMachine / CreateActivity check beyond the wire
model (botocore's shapes already bound lengths, enums and ranges: ``server/validation.py``).

* ``roleArn`` — "The Amazon Resource Name (ARN) of the IAM role to use for this state machine"
  (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html);
  anything that is not an IAM role ARN is refused with ``InvalidArn``: ``Invalid Role Arn: '<value>'``.
* ``encryptionConfiguration`` — "Received when encryptionConfiguration is specified but various
  conditions exist which make the configuration invalid. For example, if type is set to
  CUSTOMER_MANAGED_KMS_KEY, but kmsKeyId is null, or kmsDataKeyReusePeriodSeconds is not between 60
  and 900" (InvalidEncryptionConfiguration, same page; ranges from
  https://docs.aws.amazon.com/step-functions/latest/apireference/API_EncryptionConfiguration.html).
"""

from __future__ import annotations

import re
from typing import Any

from emulator.errors import InvalidArn, InvalidEncryptionConfiguration

# arn:<partition>:iam::<account>:role/<optional path/>name — IAM has no region; the path and name use
# IAM's characters (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
_ROLE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/(?:[\x21-\x7e]+/)*[\w+=,.@-]{1,64}")

AWS_OWNED_KEY = "AWS_OWNED_KEY"
CUSTOMER_MANAGED_KMS_KEY = "CUSTOMER_MANAGED_KMS_KEY"
_REUSE_PERIOD = (60, 900)
DEFAULT_ENCRYPTION: dict[str, Any] = {"type": AWS_OWNED_KEY}


def invalid_role_arn_message(value: str) -> str:
    return f"Invalid Role Arn: '{value}'"


def check_role_arn(value: str) -> None:
    if _ROLE_ARN.fullmatch(value) is None:
        raise InvalidArn(invalid_role_arn_message(value))


def encryption_problem(configuration: dict[str, Any]) -> str | None:
    """Why ``configuration`` cannot be used, or None (the wire model already checked ``type``)."""
    kind = configuration.get("type")
    key, period = configuration.get("kmsKeyId"), configuration.get("kmsDataKeyReusePeriodSeconds")
    if kind == CUSTOMER_MANAGED_KMS_KEY:
        if not key:
            return "kmsKeyId is required when type is CUSTOMER_MANAGED_KMS_KEY"
        if period is not None and not _REUSE_PERIOD[0] <= period <= _REUSE_PERIOD[1]:
            return "kmsDataKeyReusePeriodSeconds must be between 60 and 900"
    elif kind == AWS_OWNED_KEY and (key is not None or period is not None):
        return (
            "kmsKeyId and kmsDataKeyReusePeriodSeconds can only be set when type is CUSTOMER_MANAGED_KMS_KEY"
        )
    return None


def check_encryption_configuration(configuration: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration to store (AWS's default when absent), or ``InvalidEncryptionConfiguration``."""
    if configuration is None:
        return dict(DEFAULT_ENCRYPTION)
    problem = encryption_problem(configuration)
    if problem is not None:
        raise InvalidEncryptionConfiguration(f"Invalid Encryption Configuration: {problem}")
    return dict(configuration)
