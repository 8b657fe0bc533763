"""The error body: ``__type``, ``message`` and the members the error's shape adds (botocore's
``stepfunctions`` model: ResourceNotFound and TooManyTags ``resourceName``, ValidationException
``reason``)."""

from __future__ import annotations

import json

from emulator.errors import (
    LABELED_ARN_NOT_SUPPORTED,
    ResourceNotFound,
    StateMachineDoesNotExist,
    ValidationException,
)
from emulator.server.error_responses import error_response


def _body(error: Exception) -> dict[str, str]:
    response = error_response(error, "request-id")  # type: ignore[arg-type]
    assert response.body is not None
    return json.loads(response.body)  # type: ignore[arg-type]


def test_an_error_without_extra_members_has_type_and_message_only() -> None:
    assert _body(StateMachineDoesNotExist("State Machine Does Not Exist: 'arn'")) == {
        "__type": "StateMachineDoesNotExist",
        "message": "State Machine Does Not Exist: 'arn'",
    }


def test_resource_not_found_names_the_resource() -> None:
    body = _body(ResourceNotFound("Resource not found: 'arn:x'", resourceName="arn:x"))
    assert body == {
        "__type": "ResourceNotFound",
        "message": "Resource not found: 'arn:x'",
        "resourceName": "arn:x",
    }


def test_validation_exception_gives_its_reason() -> None:
    body = _body(ValidationException("labeled", reason=LABELED_ARN_NOT_SUPPORTED))
    assert body["reason"] == "API_DOES_NOT_SUPPORT_LABELED_ARNS"
