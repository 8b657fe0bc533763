"""The local worker answers as Lambda's Python runtime does, class by class: what a handler returns
(every JSON type, None, bytes, values JSON cannot carry), what it raises (built-in and custom
exceptions, messages that are not strings, chained causes), what fails before it runs (syntax error,
missing module, exception at import, missing handler), what it receives (every Payload form) and
its context. Real worker subprocesses, real handler files (compat_tests/handlers/behaviours)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from emulator.integrations.aws_lambda import optimized_failure
from emulator.integrations.clients import ServiceError
from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions
from emulator.integrations.lambda_handlers import LocalHandlers
from emulator.integrations.lambda_sandbox import Sandbox, on_amazon_linux_2023
from emulator.integrations.lambda_worker import marshal

CODE = Path(__file__).resolve().parents[3] / "compat_tests" / "handlers" / "behaviours"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


def functions(runtime: str) -> LocalFunctions:
    return LocalFunctions(
        [
            FunctionConfig(name, handler, code_dir=str(CODE), runtime=runtime)
            for name, handler in (
                ("results", "results.handler"),
                ("echo", "echo.handler"),
                ("syntax", "syntax_error.handler"),
                ("imports", "import_error.handler"),
                ("init", "init_error.handler"),
                ("missing", "echo.nothing_here"),
            )
        ]
    )


@pytest.fixture
async def python312() -> AsyncIterator[LocalHandlers]:
    handlers = LocalHandlers(functions("python3.12"), sandbox=Sandbox(lambda_paths=True))
    yield handlers
    await handlers.close()


@pytest.fixture
async def python311() -> AsyncIterator[LocalHandlers]:
    handlers = LocalHandlers(functions("python3.11"), sandbox=Sandbox(lambda_paths=True))
    yield handlers
    await handlers.close()


async def call(handlers: LocalHandlers, name: str, payload: str, **options: Any) -> tuple[str, bool]:
    reply = await handlers.invoke(name, payload, "req-1", ARN.format(name), **options)
    return reply.body, reply.function_error


# What the handler returns, and the response body Lambda answers. The Python runtime serialises
# the result as JSON ("Define Lambda function handler in Python", "Building Lambda functions with
# Python" → Response format: python3.12 and later keep non-ASCII characters, earlier ones escape
# them); the encoder is the runtime's (aws-lambda-python-runtime-interface-client,
# lambda_runtime_marshaller.py: simplejson, Decimal as its digits, bytes returned as they are).
# https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html
RESULTS = [
    ("none", "null"),
    ("true", "true"),
    ("false", "false"),
    ("int", "7"),
    ("float", "1.5"),
    ("string", '"text"'),
    ("unicode", '"café ☕"'),
    ("list", '[1, "a", null]'),
    ("object", '{"a": {"b": [1, 2]}}'),
    ("empty_object", "{}"),
    ("empty_list", "[]"),
    ("big_int", "1180591620717411303424"),
    ("decimal", "1.10"),
    ("decimal_nan", "NaN"),
    ("nan", "NaN"),
    ("infinity", "-Infinity"),
    ("tuple", "[1, 2]"),
    ("named_tuple", '{"x": 1, "y": 2}'),
    ("int_keys", '{"1": "one", "false": "no", "null": "none", "2.5": "half"}'),
    ("nested_bytes", '{"b": "bytes"}'),
    ("bytes", '{"raw": true}'),
]


@pytest.mark.parametrize(("case", "body"), RESULTS)
async def test_a_result_is_the_body_the_python_runtime_writes(
    python312: LocalHandlers, case: str, body: str
) -> None:
    assert await call(python312, "results", json.dumps({"case": case})) == (body, False)


async def test_runtimes_before_python312_escape_non_ascii_characters(python311: LocalHandlers) -> None:
    assert await call(python311, "results", '{"case": "unicode"}') == ('"caf\\u00e9 \\u2615"', False)


# A result JSON cannot carry: Runtime.MarshalError, no stack trace ("AWS Lambda function errors in
# Python": the runtime's error types; the runtime's marshaller names the offending type).
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
UNMARSHALLABLE = [
    ("datetime", "Object of type datetime is not JSON serializable"),
    ("set", "Object of type set is not JSON serializable"),
    ("bytearray", "Object of type bytearray is not JSON serializable"),
    ("coroutine", "Object of type coroutine is not JSON serializable"),
]


@pytest.mark.parametrize(("case", "reason"), UNMARSHALLABLE)
async def test_a_result_json_cannot_carry_is_a_marshal_error(
    python312: LocalHandlers, case: str, reason: str
) -> None:
    body, error = await call(python312, "results", json.dumps({"case": case}))
    assert error
    assert json.loads(body) == {
        "errorMessage": f"Unable to marshal response: {reason}",
        "errorType": "Runtime.MarshalError",
        "requestId": "req-1",
        "stackTrace": [],
    }


# What the handler raises: errorType is the exception class's name, errorMessage its str() (""
# without args), stackTrace one "  File …, line N, in f\n    code\n" string per frame of the
# handler ("AWS Lambda function errors in Python": the error document's fields and example).
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
EXCEPTIONS = [
    ("raise_builtin", "ValueError", "bad value", '    raise ValueError("bad value")\n'),
    ("raise_custom", "CustomError", "custom text", '    raise CustomError("custom text")\n'),
    ("raise_without_args", "MessageOnly", "", "    raise MessageOnly()\n"),
    ("raise_non_string_args", "Exception", "(42, {'k': 'v'})", '    raise Exception(42, {"k": "v"})\n'),
    ("raise_single_number", "KeyError", "3", "    raise KeyError(3)\n"),
    ("raise_unicode", "RuntimeError", "échec", '    raise RuntimeError("échec")\n'),
    ("raise_chained", "RuntimeError", "wrapped", '    raise RuntimeError("wrapped") from error\n'),
]


@pytest.mark.parametrize(("case", "error_type", "message", "last_line"), EXCEPTIONS)
async def test_an_exception_is_the_python_runtimes_error_document(
    python312: LocalHandlers, case: str, error_type: str, message: str, last_line: str
) -> None:
    body, error = await call(python312, "results", json.dumps({"case": case}))
    document = json.loads(body)
    assert error
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (document["errorType"], document["errorMessage"], document["requestId"]) == (
        error_type,
        message,
        "req-1",
    )
    assert len(document["stackTrace"]) == 1  # the handler's frame only: the runtime's are dropped
    assert document["stackTrace"][0].startswith('  File "/var/task/results.py", line ')
    assert document["stackTrace"][0].endswith(f", in handler\n{last_line}")
    # The runtime's encoder: ", " / ": " separators, non-ASCII kept (python3.12).
    assert body == json.dumps(document, ensure_ascii=False)


# A function that cannot be loaded: every invocation meets the init error, whose requestId is
# empty (it is reported outside any invocation) ("AWS Lambda function errors in Python" and
# "Troubleshoot invocation issues": Runtime.ImportModuleError, Runtime.UserCodeSyntaxError,
# Runtime.HandlerNotFound; an exception raised at import keeps its own type).
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
# https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
LOAD_ERRORS = [
    (
        "imports",
        "Runtime.ImportModuleError",
        "Unable to import module 'import_error': No module named 'a_module_nobody_installed'",
        [],
    ),
    (
        "syntax",
        "Runtime.UserCodeSyntaxError",
        "Syntax error in module 'syntax_error': expected ':' (syntax_error.py, line 1)",
        ['  File "/var/task/syntax_error.py" Line 1\n    def handler(event, context)\n'],
    ),
    ("missing", "Runtime.HandlerNotFound", "Handler 'nothing_here' missing on module 'echo'", []),
]


@pytest.mark.parametrize(("name", "error_type", "message", "trace"), LOAD_ERRORS)
async def test_a_function_that_cannot_load_answers_its_init_error(
    python312: LocalHandlers, name: str, error_type: str, message: str, trace: list[str]
) -> None:
    for _ in range(2):  # each invocation, not only the first
        body, error = await call(python312, name, "{}")
        assert error
        assert json.loads(body) == {
            "errorMessage": message,
            "errorType": error_type,
            "requestId": "",
            "stackTrace": trace,
        }


async def test_an_exception_at_import_keeps_its_type_message_and_frames(python312: LocalHandlers) -> None:
    body, error = await call(python312, "init", "{}")
    document = json.loads(body)
    assert error
    assert (document["errorType"], document["errorMessage"], document["requestId"]) == (
        "RuntimeError",
        "init failed",
        "",
    )
    assert document["stackTrace"][-1] == (
        '  File "/var/task/init_error.py", line 1, in <module>\n    raise RuntimeError("init failed")\n'
    )


# The event the function receives for each Payload Step Functions sends (Invoke: the payload is
# JSON; an empty one reaches the function as {}). https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
PAYLOADS = [
    ('{"a": 1}', {"a": 1}),
    ("[1, 2]", [1, 2]),
    ('"text"', "text"),
    ("5", 5),
    ("0.0", 0.0),
    ("true", True),
    ("null", None),
    ("", {}),
]


@pytest.mark.parametrize(("payload", "event"), PAYLOADS)
async def test_the_function_receives_the_payload_as_its_event(
    python312: LocalHandlers, payload: str, event: Any
) -> None:
    body, error = await call(python312, "echo", payload)
    assert (json.loads(body), error) == ({"event": event}, False)


async def test_a_payload_that_is_not_json_is_the_runtimes_unmarshal_error(python312: LocalHandlers) -> None:
    body, error = await call(python312, "echo", "not json")
    document = json.loads(body)
    assert error
    assert document["errorType"] == "Runtime.UnmarshalError"
    assert document["errorMessage"].startswith("Unable to unmarshal input: Expecting value")


# The context object (https://docs.aws.amazon.com/lambda/latest/dg/python-context.html):
# invoked_function_arn is the ARN the caller used (with its qualifier), function_version the
# version that runs, client_context Invoke's ClientContext (custom, env, client), identity a
# Cognito identity (its members None outside the mobile SDKs), memory_limit_in_mb a string.
async def test_the_context_carries_the_invoked_arn_version_and_client_context(
    python312: LocalHandlers,
) -> None:
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}, "client": {"app_title": "app"}}).encode())
    reply = await python312.invoke(
        "results",
        '{"case": "context"}',
        "req-1",
        ARN.format("results") + ":7",
        version="7",
        client_context=context.decode(),
    )
    assert json.loads(reply.body) == {
        "arn": ARN.format("results") + ":7",
        "version": "7",
        "custom": {"k": "v"},
        "app_title": "app",
        "identity": None,
        "memory": "128",
    }


# Which runtimes escape non-ASCII characters in their JSON ("Building Lambda functions with
# Python" → Response format; its runtimes table: python3.12+ run on Amazon Linux 2023). A function
# that declares no runtime is taken as one of today's.
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html
@pytest.mark.parametrize(
    ("runtime", "escapes"),
    [
        ("python3.9", True),
        ("python3.10", True),
        ("python3.11", True),
        ("python3.12", False),
        ("python3.13", False),
        ("python3.14", False),
        (None, False),
    ],
)
def test_runtimes_from_python312_keep_non_ascii_characters(runtime: str | None, escapes: bool) -> None:
    assert on_amazon_linux_2023(runtime) is not escapes
    assert marshal("é", ascii_only=escapes) == ('"\\u00e9"' if escapes else '"é"').encode()


# InvocationType Event: Lambda queues the event and answers at once; the function runs afterwards
# (Invoke: "Event – Invoke the function asynchronously"). https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
async def test_an_event_invocation_is_accepted_at_once_and_runs_afterwards(
    python312: LocalHandlers, tmp_path: Path
) -> None:
    trace = tmp_path / "ran"
    python312.invoke_event("echo", json.dumps({"write_to": str(trace)}), "req-async", ARN.format("echo"))
    assert not trace.exists()  # accepted before the function ran
    await asyncio.gather(*python312._events)
    assert trace.read_text() == "req-async"


# The error as the function's log records it ("AWS Lambda function errors in Python": the runtime
# logs the error object; the runtime's text format: "[ERROR] Type: message", no colon without a
# message, then the traceback, indented with no-break spaces so that it stays one log event).
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
@pytest.mark.parametrize(
    ("case", "first_line"),
    [
        ("raise_builtin", "[ERROR] ValueError: bad value"),
        ("raise_without_args", "[ERROR] MessageOnly"),
        (
            "datetime",
            "[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type datetime is not "
            "JSON serializable",
        ),
    ],
)
async def test_the_log_records_the_error_as_the_runtime_writes_it(
    python312: LocalHandlers, case: str, first_line: str
) -> None:
    reply = await python312.invoke(
        "results", json.dumps({"case": case}), "req-1", ARN.format("results"), tail=True
    )
    assert reply.function_error and reply.log is not None
    lines = reply.log.splitlines()
    start = lines.index(first_line)
    assert lines[start + 1] == "Traceback (most recent call last):"
    frames = lines[start + 2 : lines.index("END RequestId: req-1")]
    assert all(line.startswith("\u00a0\u00a0") for line in frames)


# Lambda failing to run the function at all (its runtime cannot start) is Lambda's own failure, a
# service exception Step Functions names Lambda.ServiceException ("Handle Lambda service
# exceptions": ServiceException is one of the transient 500 errors to retry).
# https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
async def test_a_runtime_that_cannot_start_is_a_lambda_service_exception(tmp_path: Path) -> None:
    handlers = LocalHandlers(
        functions("python3.12"), sandbox=Sandbox(python=str(tmp_path / "no-such-python"))
    )
    try:
        with pytest.raises(ServiceError) as raised:
            await handlers.invoke("echo", "{}", "req-1", ARN.format("echo"))
    finally:
        await handlers.close()
    failure = optimized_failure(raised.value)
    assert failure.error == "Lambda.ServiceException"
    assert failure.cause is not None
    assert "(Service: AWSLambda; Status Code: 500; Error Code: ServiceException; Request ID: req-1" in (
        failure.cause
    )


# Reserved concurrency: Lambda throttles an invocation past the function's reserved concurrency
# (Invoke: TooManyRequestsException, 429); Step Functions names it Lambda.TooManyRequestsException
# ("Handle Lambda service exceptions": "When Lambda hits the maximum number of invocations, the error
# is Lambda.TooManyRequestsException"). 0 throttles every invocation.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
# https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
async def test_past_its_reserved_concurrency_a_function_is_throttled(tmp_path: Path) -> None:
    trace = tmp_path / "ran"
    handlers = LocalHandlers(
        LocalFunctions(
            [
                FunctionConfig("closed", "echo.handler", code_dir=str(CODE), reserved_concurrency=0),
                FunctionConfig("single", "echo.handler", code_dir=str(CODE), reserved_concurrency=1),
            ]
        )
    )
    try:
        with pytest.raises(ServiceError) as throttled:
            await handlers.invoke(
                "closed", json.dumps({"write_to": str(trace)}), "req-1", ARN.format("closed")
            )
        assert not trace.exists()  # the function never ran
        first = asyncio.ensure_future(handlers.invoke("single", "{}", "req-2", ARN.format("single")))
        await asyncio.sleep(0)  # the first invocation is under way
        with pytest.raises(ServiceError) as second:
            await handlers.invoke("single", "{}", "req-3", ARN.format("single"))
        assert not (await first).function_error
        assert not (await handlers.invoke("single", "{}", "req-4", ARN.format("single"))).function_error
    finally:
        await handlers.close()
    failures = optimized_failure(throttled.value), optimized_failure(second.value)
    assert (failures[0].error, failures[1].error) == ("Lambda.TooManyRequestsException",) * 2
    assert failures[0].cause == (
        "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; "
        "Request ID: req-1; Proxy: null)"
    )
