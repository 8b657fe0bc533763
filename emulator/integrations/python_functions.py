"""In-process Python Lambda handlers for tests (``sfn_emulator.lambda_handler("name", func)``).

A test's ``func(event, context)`` answers invocations of the Lambda function ``name`` through the
mock layer (so it is undone with the test's other mocks), with Lambda's shapes: the event is the
JSON payload (a round trip through JSON text, as Lambda would deliver it), the return value is the
payload of the answer (``lambda:invoke`` returns the whole Invoke response, a function ARN the
payload), and an exception is a function error whose ``errorType`` is the exception's class name
and whose cause is Lambda's error document. For ``lambda:invoke.waitForTaskToken`` the handler is
the function the task invokes: the event carries ``$$.Task.Token`` where the definition put it, the
Invoke response is TaskSubmitted's output, and the task waits for SendTaskSuccess/SendTaskFailure
(a function error fails the task at once, as Lambda's would). Worker processes (``--lambda-handler``) are for code
that must run as Lambda runs it; this is for the test that wants a Python closure.
"""

from __future__ import annotations

import inspect
import json
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.integrations.aws_lambda import function_error, invoke_output, parse_function, payload_text
from emulator.integrations.lambda_worker import (
    Client,
    ClientContext,
    CognitoIdentity,
    RuntimeFault,
    client_context,
    marshal,
)
from emulator.integrations.registry import TaskInvocation
from emulator.language.states.task_state import REQUEST_RESPONSE, WAIT_FOR_TASK_TOKEN
from emulator.model.jsontext import to_json_text

Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True)
class LambdaContext:
    """The handler's ``context``: the members of Lambda's Python context object
    (https://docs.aws.amazon.com/lambda/latest/dg/python-context.html); ``invoked_function_arn``
    carries the qualifier the task used, ``client_context`` the task's ``ClientContext``."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    client_context: Any = None
    identity: Any = field(default_factory=lambda: CognitoIdentity({}))

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def function_name_of(invocation: TaskInvocation) -> str | None:
    """The Lambda function an invocation calls: a function ARN, ``lambda:invoke`` or
    ``lambda:invoke.waitForTaskToken`` (the handler is invoked; the token is answered apart)."""
    resource = invocation.resource
    region = resource.region or invocation.region
    if resource.kind == "lambda":
        return parse_function(resource.arn, region, invocation.account).name
    if resource.pattern not in (REQUEST_RESPONSE, WAIT_FOR_TASK_TOKEN):
        return None  # .sync: Lambda has no job to wait for
    if resource.kind == "service" and resource.resource_type == "lambda" and resource.action == "invoke":
        parameters = invocation.parameters
        name = parameters.get("FunctionName") if isinstance(parameters, dict) else None
        return parse_function(name, region, invocation.account).name if isinstance(name, str) else None
    return None


def _client_context(encoded: str | None) -> Any:
    """Invoke's ``ClientContext`` (base64 of a JSON object) as ``context.client_context``."""
    decoded = client_context(encoded)
    if decoded is None:
        return None
    context = ClientContext(decoded)
    client = context.client  # type: ignore[attr-defined]
    context.client = Client(client) if isinstance(client, dict) else None  # type: ignore[attr-defined]
    return context


def runtime_text(document: dict[str, Any]) -> str:
    """An error document as Lambda's Python runtime writes it (``", "`` / ``": "`` separators)."""
    return json.dumps(document, ensure_ascii=False)


def handler_mock(handler: Handler) -> Callable[[TaskInvocation], Any]:
    """A mock function running ``handler`` as the Lambda function would."""

    async def answer(invocation: TaskInvocation) -> Any:
        from emulator.model.jsontext import from_json_text

        resource = invocation.resource
        region = resource.region or invocation.region
        is_function_arn = resource.kind == "lambda"
        if is_function_arn:
            function = parse_function(resource.arn, region, invocation.account)
            text = to_json_text(invocation.parameters)
        else:
            parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
            qualifier = parameters.get("Qualifier")
            function = parse_function(
                str(parameters.get("FunctionName")),
                region,
                invocation.account,
                qualifier if isinstance(qualifier, str) else None,
            )
            text = payload_text(parameters.get("Payload"))
        request_id = str(uuid.uuid4())
        event = from_json_text(text) if text else {}  # Lambda hands an empty payload over as {}
        qualifier = function.qualifier
        version = qualifier if qualifier and qualifier.isdigit() else "$LATEST"
        try:
            encoded = None if is_function_arn else parameters.get("ClientContext")
            context = LambdaContext(
                function.name,
                f"{function.arn}:{qualifier}" if qualifier else function.arn,
                request_id,
                function_version=version,
                client_context=_client_context(encoded if isinstance(encoded, str) else None),
            )
            produced = handler(event, context)
            if inspect.isawaitable(produced):
                produced = await produced
            # Serialised as Lambda's Python runtime does (bytes as they are, Decimal as its digits,
            # a value JSON cannot carry is Runtime.MarshalError).
            raw = bytes(produced) if isinstance(produced, bytes) else marshal(produced, ascii_only=False)
            body = raw.decode("utf-8", "replace")
        except RuntimeFault as fault:
            document = {
                "errorMessage": fault.message,
                "errorType": fault.error_type,
                "requestId": request_id,
                "stackTrace": [],
            }
            raise function_error(runtime_text(document), legacy=is_function_arn) from None
        except Exception as error:  # the function's error, reported as Lambda reports it
            document = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "requestId": request_id,
                "stackTrace": traceback.format_tb(
                    error.__traceback__.tb_next if error.__traceback__ else None
                ),
            }
            raise function_error(runtime_text(document), legacy=is_function_arn) from None
        return invoke_output(body, 200, version, request_id)

    return answer
