from __future__ import annotations

import json

import pytest

from emulator.language.validate import errors_of, validate_definition


def _resource_errors(
    resource: str, state_machine_type: str = "STANDARD"
) -> list[tuple[str, str, str | None]]:
    definition = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}
    return [
        (d.code, d.message, d.location)
        for d in errors_of(validate_definition(json.dumps(definition), state_machine_type))
    ]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::aws-sdk:s3:listBuckets",
        "arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::somefutureservice:doThing",
        "arn:aws:lambda:us-east-1:111111111111:function:f",
        "arn:aws:states:us-east-1:111111111111:activity:a",
    ],
)
def test_standard_machine_accepts(resource: str) -> None:
    assert _resource_errors(resource) == []


def test_resource_that_is_not_an_arn() -> None:
    assert _resource_errors("my-function") == [
        ("SCHEMA_VALIDATION_FAILED", "Value is not a valid resource ARN", "/States/T/Resource")
    ]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:states:::dynamodb:query",
        "arn:aws:states:::dynamodb:putItem.sync",
        "arn:aws:states:::sqs:send",
        "arn:aws:states:::codebuild:startBuild.waitForTaskToken",
        "arn:aws:states:::codebuild:stopBuild.sync",
        # https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html (AWS SDK
        # integrations: "Run a Job - .sync: Not supported")
        "arn:aws:states:::aws-sdk:s3:listBuckets.sync",
        "arn:aws:states:::aws-sdk:ecs:runTask.sync:2",
    ],
)
def test_unknown_action_of_an_optimised_integration(resource: str) -> None:
    assert _resource_errors(resource) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, "
            "or the resource is not available in this region.",
            "/States/T/Resource",
        )
    ]


def test_express_rejects_activities() -> None:
    assert _resource_errors("arn:aws:states:us-east-1:111111111111:activity:a", "EXPRESS") == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "Express state machine does not support Activity ARN",
            "/States/T/Resource",
        )
    ]


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:states:::states:startExecution.sync", "arn:aws:states:::states:startExecution.sync:2"],
)
def test_express_rejects_sync(resource: str) -> None:
    assert _resource_errors(resource, "EXPRESS") == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "Express state machine does not support '.sync' service integration",
            "/States/T/Resource",
        )
    ]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:states:::sns:publish.waitForTaskToken",
        "arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken",
    ],
)
def test_express_rejects_callbacks(resource: str) -> None:
    [(_code, message, _location)] = _resource_errors(resource, "EXPRESS")
    assert message == "Express state machine does not support '.waitForTaskToken' service integration "


def test_express_accepts_request_response() -> None:
    assert _resource_errors("arn:aws:states:::lambda:invoke", "EXPRESS") == []
