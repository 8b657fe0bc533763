"""A test's in-process Lambda handler (``sfn.lambda_handler(name, func)``) answers as Lambda's
Python runtime would: the same serialisation of what it returns, the same error documents."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

import pytest

from emulator.integrations.python_functions import handler_mock
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


def invocation(resource: str, parameters: Any) -> TaskInvocation:
    return TaskInvocation(parse_resource(resource), parameters, {}, "us-east-1", "123456789012")


# What the handler returns and what the task answers: lambda:invoke's Payload and Content-Length
# (the body as the python3.12 runtime writes it), a function ARN's output.
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html (Response format)
# https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
@pytest.mark.parametrize(
    ("value", "payload", "body"),
    [
        (None, None, "null"),
        ({"a": [1, 2]}, {"a": [1, 2]}, '{"a": [1, 2]}'),
        ("café", "café", '"café"'),
        (decimal.Decimal("2.50"), 2.5, "2.50"),
        (b'"raw"', "raw", '"raw"'),
        ((1, 2), [1, 2], "[1, 2]"),
    ],
)
async def test_a_result_is_answered_as_the_runtime_serialises_it(value: Any, payload: Any, body: str) -> None:
    answer = handler_mock(lambda event, context: value)
    output = await answer(invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "fn"}))
    assert output["Payload"] == payload
    assert output["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == str(len(body.encode()))


async def test_the_event_of_an_empty_payload_is_an_empty_object() -> None:
    seen: list[Any] = []
    answer = handler_mock(lambda event, context: seen.append(event))
    await answer(invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "fn"}))
    assert seen == [{}]


# Errors: the exception's document (errorType names the error), a value JSON cannot carry is
# Runtime.MarshalError; a function ARN's cause is the runtime's text, lambda:invoke's compact JSON.
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
def fail(event: Any, context: Any) -> Any:
    raise ValueError("bad")


@pytest.mark.parametrize(
    ("handler", "error", "message"),
    [
        (fail, "ValueError", "bad"),
        (
            lambda event, context: datetime.date(2024, 1, 1),
            "Runtime.MarshalError",
            "Unable to marshal response: Object of type date is not JSON serializable",
        ),
    ],
)
async def test_an_error_is_the_runtimes_error_document(handler: Any, error: str, message: str) -> None:
    answer = handler_mock(handler)
    with pytest.raises(StatesError) as legacy:
        await answer(invocation(FUNCTION_ARN, {}))
    with pytest.raises(StatesError) as optimized:
        await answer(invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "fn"}))
    document = json.loads(str(legacy.value.cause))
    assert (legacy.value.error, document["errorType"], document["errorMessage"]) == (error, error, message)
    assert legacy.value.cause == json.dumps(document, ensure_ascii=False)
    compact = json.loads(str(optimized.value.cause))
    assert optimized.value.cause == json.dumps(compact, ensure_ascii=False, separators=(",", ":"))
    assert {**compact, "requestId": ""} == {**document, "requestId": ""}  # one request id per call


# The context a test's handler receives: the ARN it was invoked by (qualifier included), the
# version that runs (ExecutedVersion too), Invoke's ClientContext, an identity.
# https://docs.aws.amazon.com/lambda/latest/dg/python-context.html
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
@pytest.mark.parametrize(
    ("parameters", "arn", "version"),
    [
        ({"FunctionName": "fn"}, FUNCTION_ARN, "$LATEST"),
        ({"FunctionName": "fn:4"}, FUNCTION_ARN + ":4", "4"),
        ({"FunctionName": "fn", "Qualifier": "4"}, FUNCTION_ARN + ":4", "4"),
        ({"FunctionName": "fn", "Qualifier": "live"}, FUNCTION_ARN + ":live", "$LATEST"),
    ],
)
async def test_the_context_names_the_invoked_arn_and_version(
    parameters: dict[str, Any], arn: str, version: str
) -> None:
    encoded = "eyJjdXN0b20iOiB7ImsiOiAidiJ9fQ=="  # base64 of {"custom": {"k": "v"}}
    answer = handler_mock(
        lambda event, context: [
            context.invoked_function_arn,
            context.function_version,
            context.client_context.custom,
            context.identity.cognito_identity_id,
        ]
    )
    output = await answer(
        invocation("arn:aws:states:::lambda:invoke", {**parameters, "ClientContext": encoded})
    )
    assert output["Payload"] == [arn, version, {"k": "v"}, None]
    assert output["ExecutedVersion"] == version
