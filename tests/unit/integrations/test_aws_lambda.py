from __future__ import annotations

import base64
import json

import pytest

from emulator.integrations.aws_lambda import (
    LambdaIntegration,
    function_error,
    invoke_output,
    parse_function,
    payload_text,
)
from emulator.integrations.lambda_handlers import LambdaReply
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource

ACCOUNT, REGION = "123456789012", "us-east-1"


class FakeHandlers:
    def __init__(self, reply: LambdaReply) -> None:
        self.reply = reply
        self.tails: list[bool] = []
        self.calls: list[tuple[str, str]] = []
        self.invoked: list[tuple[str, str, str | None]] = []

    def __contains__(self, name: str) -> bool:
        return name == "fn"

    def invoke_event(self, name: str, payload: str, request_id: str, function_arn: str) -> None:
        self.calls.append((name, payload))

    async def invoke(
        self,
        name: str,
        payload: str,
        request_id: str,
        function_arn: str,
        tail: bool = False,
        version: str = "$LATEST",
        client_context: str | None = None,
    ) -> LambdaReply:
        self.calls.append((name, payload))
        self.invoked.append((function_arn, version, client_context))
        self.tails.append(tail)
        return self.reply if tail else LambdaReply(self.reply.body, self.reply.function_error)


def invocation(resource: str, parameters: object) -> TaskInvocation:
    return TaskInvocation(parse_resource(resource), parameters, {}, REGION, ACCOUNT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "name", "qualifier", "region", "account"),
    [
        ("fn", "fn", None, REGION, ACCOUNT),
        ("fn:7", "fn", "7", REGION, ACCOUNT),
        ("111111111111:function:fn", "fn", None, REGION, "111111111111"),
        ("arn:aws:lambda:eu-west-1:222222222222:function:fn:live", "fn", "live", "eu-west-1", "222222222222"),
    ],
)
def test_function_names_partial_arns_and_arns(
    text: str, name: str, qualifier: str | None, region: str, account: str
) -> None:
    assert parse_function(text, REGION, ACCOUNT) == (parse_function(text, REGION, ACCOUNT).__class__)(
        name, qualifier, region, account
    )


def test_a_string_payload_is_sent_as_it_is_and_null_as_nothing() -> None:
    assert payload_text('"HelloWorld"') == '"HelloWorld"'
    assert payload_text(None) == ""
    assert payload_text({"a": [1, 2]}) == '{"a":[1,2]}'


def test_function_errors_name_the_error_type_and_keep_the_document() -> None:
    body = '{"errorMessage": "m", "errorType": "CustomError", "stackTrace": []}'
    optimized = function_error(body, legacy=False)
    assert (optimized.error, optimized.cause) == (
        "CustomError",
        '{"errorMessage":"m","errorType":"CustomError","stackTrace":[]}',
    )
    assert function_error(body, legacy=True).cause == body


# A function error whose payload names no errorType (an older runtime's timeout, a payload that is
# not an error document): Step Functions fails the task with Lambda.Unknown and says why
# ("Handling errors in Step Functions workflows": Lambda.Unknown; the cause quotes the payload).
# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
@pytest.mark.parametrize(
    "payload",
    [
        '{"errorMessage":"2024-11-26T00:36:39.604Z 5b1c Task timed out after 600.15 seconds"}',
        "not json",
        '"a string"',
        "[]",
        '{"errorType": 3}',
    ],
)
@pytest.mark.parametrize("legacy", [True, False])
def test_an_error_payload_without_error_type_is_lambda_unknown(payload: str, legacy: bool) -> None:
    failure = function_error(payload, legacy=legacy)
    assert (failure.error, failure.cause) == (
        "Lambda.Unknown",
        "The cause could not be determined because Lambda did not return an error type. Returned payload: "
        + payload,
    )


def test_invoke_output_has_aws_members_and_content_length() -> None:
    output = invoke_output('"HelloWorld"', 200, "$LATEST", "rid")
    assert output["Payload"] == "HelloWorld"
    metadata = output["SdkHttpMetadata"]
    assert metadata["HttpHeaders"]["Content-Length"] == "12"  # type: ignore[index]
    assert metadata["AllHttpHeaders"]["X-Amz-Executed-Version"] == ["$LATEST"]  # type: ignore[index]
    assert output["SdkResponseMetadata"] == {"RequestId": "rid"}


async def test_optimized_invoke_sends_the_payload_and_wraps_the_result() -> None:
    handlers = FakeHandlers(LambdaReply('{"x": 1}'))
    integration = LambdaIntegration(handlers)  # type: ignore[arg-type]
    result = await integration.invoke(
        invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "fn", "Payload": {"in": True}})
    )
    assert handlers.calls == [("fn", '{"in":true}')]
    assert isinstance(result, dict) and result["Payload"] == {"x": 1} and result["StatusCode"] == 200


LOG = "START RequestId: r Version: $LATEST\nhello\nEND RequestId: r\nREPORT RequestId: r\tDuration: 1.00 ms\n"


# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: LogType "Tail" (synchronous
# invocations only) returns LogResult, "the last 4 KB of the execution log, which is base64-encoded",
# also sent as the X-Amz-Log-Result header; ExecutedVersion and StatusCode always.
@pytest.mark.parametrize(
    ("parameters", "log", "expected"),
    [
        ({"LogType": "Tail"}, LOG, base64.b64encode(LOG.encode()).decode()),
        (
            {"LogType": "Tail"},
            "x" * 5000 + "END",
            base64.b64encode(("x" * 5000 + "END").encode()[-4096:]).decode(),
        ),
        ({"LogType": "None"}, LOG, None),
        ({}, LOG, None),
        ({"LogType": "Tail", "InvocationType": "Event"}, LOG, None),
    ],
)
async def test_log_result_is_the_tail_of_the_log_only_when_asked_for(
    parameters: dict[str, str], log: str, expected: str | None
) -> None:
    handlers = FakeHandlers(LambdaReply('{"x": 1}', log=log))
    integration = LambdaIntegration(handlers)  # type: ignore[arg-type]
    result = await integration.invoke(
        invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "fn", "Payload": {}, **parameters})
    )
    assert isinstance(result, dict)
    assert result.get("LogResult") == expected
    assert result["SdkHttpMetadata"]["HttpHeaders"].get("X-Amz-Log-Result") == expected
    assert result["ExecutedVersion"] == "$LATEST"
    assert result["StatusCode"] == (202 if parameters.get("InvocationType") == "Event" else 200)
    if expected is not None:
        assert len(base64.b64decode(expected)) <= 4096


async def test_function_arn_returns_the_payload_and_raises_the_runtime_text() -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn"
    assert await LambdaIntegration(FakeHandlers(LambdaReply("[1]"))).invoke(invocation(arn, {})) == [1]  # type: ignore[arg-type]
    failing = LambdaIntegration(FakeHandlers(LambdaReply('{"errorType": "E"}', True)))  # type: ignore[arg-type]
    with pytest.raises(StatesError) as raised:
        await failing.invoke(invocation(arn, {}))
    assert (raised.value.error, raised.value.cause) == ("E", '{"errorType": "E"}')


async def test_a_function_nobody_serves_is_resource_not_found() -> None:
    with pytest.raises(StatesError) as raised:
        await LambdaIntegration().invoke(invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "zz"}))
    assert raised.value.error == "Lambda.ResourceNotFoundException"
    assert json.dumps(raised.value.cause).count(":function:zz:$LATEST") == 1
