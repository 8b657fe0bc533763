"""Lambda: the optimized integration ``arn:aws:states:::lambda:invoke`` and Lambda function ARNs.

Resolution order for a function: a local Python handler (``LocalHandlers``), else the Lambda
service through the client seam (``LAMBDA_ENDPOINT`` such as ``sam local start-lambda``, else the
in-process backend). Results and failures take AWS's shapes:

* ``lambda:invoke`` returns ``{ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata,
  StatusCode}``; a function error fails the task with the error document's ``errorType`` and the
  document (compact JSON) as cause.
* A function ARN as Resource returns the payload itself; a function error's cause is the error
  document exactly as the function's runtime wrote it.
"""

from __future__ import annotations

import base64
import email.utils
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from emulator.integrations.lambda_handlers import LambdaReply, LocalHandlers
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json

if TYPE_CHECKING:
    from emulator.integrations.clients import ServiceError

# Parameters of lambda:invoke (AWS's Invoke request members Step Functions passes through).
PARAMETERS = ("FunctionName", "Payload", "Qualifier", "InvocationType", "ClientContext", "LogType")
INVOCATION_TYPES = {"RequestResponse": 200, "Event": 202, "DryRun": 204}
UNKNOWN_ERROR = "Lambda.Unknown"
UNKNOWN_CAUSE = (
    "The cause could not be determined because Lambda did not return an error type. Returned payload: "
)
LOG_TAIL_BYTES = 4096  # Invoke's LogResult holds the last 4 KB of the log
# Invoke's request body quota (6 MB): Lambda answers a larger one with HTTP 413 and the code
# RequestEntityTooLargeException, which the Lambda model does not name (the SDKs' base exception).
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
MAX_REQUEST_BYTES = 6 * 1024 * 1024
MAX_EVENT_BYTES = 1024 * 1024  # an asynchronous invocation's (InvocationType Event) quota
QUALIFIER_MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."


class ServiceCaller(Protocol):
    """The client seam (``emulator.integrations.clients.AwsClients``)."""

    async def call(
        self, service: str, operation: str, parameters: Any, *, account: str, region: str
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class FunctionRef:
    name: str
    qualifier: str | None
    region: str
    account: str

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"


# Invoke's FunctionName: a name, a partial ARN (``123456789012:function:name``) or an ARN, each with
# an optional ``:qualifier`` (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax).
_FUNCTION_NAME = re.compile(
    r"(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9\-_.]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9\-_]+))?"
)


def parse_function(value: str, region: str, account: str, qualifier: str | None = None) -> FunctionRef:
    """A function name, partial ARN (``123456789012:function:name``) or ARN, with an optional qualifier."""
    matched = _FUNCTION_NAME.fullmatch(value)
    if matched is not None:
        return FunctionRef(
            matched["name"],
            matched["qualifier"] or qualifier,
            matched["region"] or region,
            matched["account"] or account,
        )
    parts = value.split(":")  # outside Invoke's pattern (Lambda refuses it before this is asked)
    if value.startswith("arn:") and len(parts) >= 7:
        return FunctionRef(
            parts[6], parts[7] if len(parts) > 7 else qualifier, parts[3] or region, parts[4] or account
        )
    return FunctionRef(value, qualifier, region, account)


def service_refusal(
    name: str, qualifier: str | None, payload: str, invocation_type: str = "RequestResponse"
) -> ServiceError | None:
    """What the Lambda service answers, before running anything, to an Invoke whose function name
    carries a qualifier other than its ``Qualifier`` member, or whose body is over the payload quota:
    6 MB for a synchronous invocation, 1 MB for an asynchronous one (``Event``)
    (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: description and "Errors")."""
    from emulator.integrations.clients import ServiceError

    if qualifier is not None:
        derived = parse_function(name, "", "").qualifier
        if derived is not None and derived != qualifier:
            return ServiceError(
                "lambda",
                "InvalidParameterValueException",
                QUALIFIER_MISMATCH,
                400,
                "",
                "InvalidParameterValueException",
            )
    limit = MAX_EVENT_BYTES if invocation_type == "Event" else MAX_REQUEST_BYTES
    # a str of n characters encodes to at most 4n bytes: measure only a body that may be over
    if len(payload) * 4 <= limit:
        return None
    size = len(payload.encode("utf-8", "replace"))
    if size <= limit:
        return None
    # the synchronous text as Lambda is reported to answer it; the Event text is not on AWS's pages
    # (quota from the Invoke page, wording as Lambda has been seen to answer the 256 KB quota)
    message = (
        f"{size} byte payload is too large for the Event invocation type (limit {limit} bytes)"
        if invocation_type == "Event"
        else f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
    )
    return ServiceError("lambda", "RequestEntityTooLargeException", message, 413)


def not_found(function: FunctionRef, request_id: str = "") -> ServiceError:
    """Lambda's answer for a function (or qualifier) that does not exist: the ARN it looked for,
    ``$LATEST`` when the request named no qualifier."""
    from emulator.integrations.clients import ServiceError

    return ServiceError(
        "lambda",
        "ResourceNotFoundException",
        f"Function not found: {function.arn}:{function.qualifier or '$LATEST'}",
        404,
        request_id,
        "ResourceNotFoundException",
    )


def backend_request(request: dict[str, Any], region: str, account: str) -> tuple[dict[str, Any], FunctionRef]:
    """An ``aws-sdk:lambda:invoke`` request for the Lambda backend, its function named by full ARN
    and ``Qualifier`` (the same function for Lambda, whichever name form the state gave), and the
    function it names."""
    name = request.get("FunctionName")
    qualifier = request.get("Qualifier")
    function = parse_function(str(name), region, account, qualifier if isinstance(qualifier, str) else None)
    if not isinstance(name, str) or ":" not in name:
        return request, function
    normalized = {**request, "FunctionName": function.arn}
    if function.qualifier:
        normalized["Qualifier"] = function.qualifier
    return normalized, function


def optimized_failure(error: ServiceError) -> StatesError:
    """A Lambda service error as the optimized integration and a function-ARN Resource report it
    (AWS SDK for Java v1): ``Lambda.<modelled exception>``, ``Lambda.AWSLambdaException`` for a code
    the Lambda model does not name, ``Lambda.SdkClientException`` when Lambda could not be reached.
    https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html"""
    if not error.reachable:
        return StatesError("Lambda.SdkClientException", error.message)
    return _lambda_failure(error.code, error.message, error.status, error.error_shape, error.request_id)


def payload_text(payload: Json) -> str:
    """The request body: a string is sent as it is (it is JSON text already), anything else as JSON."""
    if payload is None:
        return ""
    if isinstance(payload, str):
        return payload
    return to_json_text(payload)


def parse_body(body: str) -> Json:
    if body == "":
        return ""
    try:
        return from_json_text(body)
    except ValueError:
        return body


def function_error(reply_body: str, legacy: bool) -> StatesError:
    """An ``Unhandled`` function error as Step Functions reports it: the error document's
    ``errorType`` names the error; a document without one is ``Lambda.Unknown`` with Step
    Functions' own cause quoting the payload."""
    document = parse_body(reply_body)
    error_type = document.get("errorType") if isinstance(document, dict) else None
    if not isinstance(error_type, str):
        return StatesError(UNKNOWN_ERROR, UNKNOWN_CAUSE + reply_body)
    cause = reply_body if legacy or not isinstance(document, dict | list) else to_json_text(document)
    return StatesError(error_type, cause)


def invoke_refusal(parameters: dict[str, Json]) -> StatesError | None:
    """What Lambda answers to an Invoke it refuses before running the function: members outside
    the model (``InvocationType``, ``LogType`` enums …, ``request_validation.py``) and a payload that
    is not JSON (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html: the payload is JSON;
    InvalidRequestContentException, HTTP 400), in the SDK v1 form of an optimized integration."""
    from emulator.integrations.request_validation import check_call
    from emulator.integrations.result_shapes import service_model

    request = {key: value for key, value in parameters.items() if key in PARAMETERS and key != "Payload"}
    model = service_model("lambda")
    refused = check_call(model, "lambda", "Invoke", request) if model is not None else None
    if refused is not None:
        return _lambda_failure(refused.code, refused.message, refused.status, refused.error_shape)
    payload = parameters.get("Payload")
    if isinstance(payload, str) and payload.strip():
        try:
            from_json_text(payload)
        except ValueError:
            return _lambda_failure(
                "InvalidRequestContentException",
                _unparsable_payload(payload),
                400,
                "InvalidRequestContentException",
            )
    return None


def _lambda_failure(
    code: str, message: str, status: int, shape: str | None, request_id: str = ""
) -> StatesError:
    exception = shape or "AWSLambdaException"
    if not exception.endswith("Exception"):
        exception += "Exception"
    return StatesError(
        f"Lambda.{exception}",
        f"{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; "
        f"Request ID: {request_id or uuid.uuid4()}; Proxy: null)",
    )


def _unparsable_payload(payload: str) -> str:
    """Lambda's (Jackson's) text for a request body that is not JSON."""
    text = payload.lstrip()
    token = ""
    for character in text:
        if character.isspace() or character in '{}[],:"':
            break
        token += character
    token = token or text[:1]
    column = len(payload) - len(text) + len(token) + 1
    return (
        "Could not parse request body into json: Could not parse payload into json: Unrecognized token "
        f"'{token}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
        f' at [Source: (byte[])"{payload}"; line: 1, column: {column}]'
    )


def log_result(log: str) -> str:
    """Invoke's ``LogResult``: the last 4 KB of the execution log, base64-encoded."""
    return base64.b64encode(log.encode("utf-8", "replace")[-LOG_TAIL_BYTES:]).decode("ascii")


def invoke_output(
    body: str, status: int, version: str, request_id: str, log: str | None = None
) -> dict[str, Json]:
    """The optimized integration's result, with the HTTP facts Step Functions adds; ``log``: the
    invocation's log when the request asked for it (``LogType: Tail``)."""
    length = str(len(body.encode("utf-8", "replace")))
    date = email.utils.formatdate(usegmt=True)
    trace = f"root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};sampled=0"
    headers: dict[str, Json] = {
        "Connection": "keep-alive",
        "Content-Length": length,
        "Content-Type": "application/json",
        "Date": date,
        "X-Amz-Executed-Version": version,
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
        "X-Amzn-Trace-Id": trace,
    }
    output: dict[str, Json] = {"ExecutedVersion": version}
    if log is not None:
        tail = log_result(log)
        headers["X-Amz-Log-Result"] = tail
        output["LogResult"] = tail
    return {
        **output,
        "Payload": parse_body(body),
        "SdkHttpMetadata": {
            "AllHttpHeaders": {name: [value] for name, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": status,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": status,
    }


class LambdaIntegration:
    """Registered under ``lambda`` (optimized) and ``lambda-function`` (function ARNs)."""

    def __init__(self, local: LocalHandlers | None = None, clients: ServiceCaller | None = None) -> None:
        self.local = local
        self.clients = clients

    async def close(self) -> None:
        if self.local is not None:
            await self.local.close()

    async def invoke(self, invocation: TaskInvocation) -> Json:
        from emulator.integrations.clients import ServiceError

        resource = invocation.resource
        region = resource.region or invocation.region
        if resource.kind == "lambda":
            function = parse_function(resource.arn, region, invocation.account)
            body = to_json_text(invocation.parameters)
            try:
                refused = service_refusal(function.name, None, body)
                if refused is not None:
                    raise refused
                reply, _version = await self._call(invocation, function, body, "RequestResponse")
            except ServiceError as error:
                raise optimized_failure(error) from None
            if reply.function_error:
                raise function_error(reply.body, legacy=True)
            return parse_body(reply.body)
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        name = parameters.get("FunctionName")
        if not isinstance(name, str):
            raise StatesError("States.Runtime", "The field 'FunctionName' is required for lambda:invoke")
        qualifier = parameters.get("Qualifier")
        function = parse_function(
            name, region, invocation.account, qualifier if isinstance(qualifier, str) else None
        )
        refusal = invoke_refusal(parameters)
        if refusal is not None:
            raise refusal
        invocation_type = parameters.get("InvocationType") or "RequestResponse"
        # Lambda returns the log tail only to a synchronous invocation that asks for it.
        tail = parameters.get("LogType") == "Tail" and invocation_type == "RequestResponse"
        body = payload_text(parameters.get("Payload"))
        try:
            refused = service_refusal(
                name, qualifier if isinstance(qualifier, str) else None, body, str(invocation_type)
            )
            if refused is not None:
                raise refused
            reply, version = await self._call(invocation, function, body, str(invocation_type), tail)
        except ServiceError as error:
            raise optimized_failure(error) from None
        if reply.function_error:
            raise function_error(reply.body, legacy=False)
        status = INVOCATION_TYPES.get(str(invocation_type), 200)
        log = (reply.log or "") if tail else None
        return invoke_output(reply.body, status, version, str(uuid.uuid4()), log)

    def is_local(self, function: str, region: str, account: str) -> bool:
        """Whether ``function`` (a name or ARN) is served by a local handler."""
        return self.local is not None and parse_function(function, region, account).name in self.local

    async def invoke_local(
        self,
        invocation: TaskInvocation,
        function: str,
        payload: str,
        invocation_type: str,
        tail: bool,
        qualifier: str | None = None,
    ) -> tuple[LambdaReply, str]:
        """Invoke a local function as the Lambda API would (``aws-sdk:lambda:invoke``); a request
        Lambda refuses raises ``ServiceError``."""
        region = invocation.resource.region or invocation.region
        target = parse_function(function, region, invocation.account, qualifier)
        return await self._call(invocation, target, payload, invocation_type, tail)

    async def call_function(self, invocation: TaskInvocation, function_arn: str, payload: str) -> LambdaReply:
        """Invoke ``function_arn`` synchronously for another integration (API Gateway's Lambda
        integrations); the function's answer, a function error included, is the caller's to judge."""
        from emulator.integrations.clients import ServiceError

        region = invocation.resource.region or invocation.region
        try:
            reply, _version = await self._call(
                invocation,
                parse_function(function_arn, region, invocation.account),
                payload,
                "RequestResponse",
            )
        except ServiceError as error:
            raise optimized_failure(error) from None
        return reply

    async def _call(
        self,
        invocation: TaskInvocation,
        function: FunctionRef,
        payload: str,
        invocation_type: str,
        tail: bool = False,
    ) -> tuple[LambdaReply, str]:
        version = function.qualifier if function.qualifier and function.qualifier.isdigit() else "$LATEST"
        if self.local is not None and function.name in self.local:
            if invocation_type != "RequestResponse":
                # Event / DryRun: accepted; an Event still runs, its answer is dropped.
                if invocation_type == "Event":
                    self.local.invoke_event(function.name, payload, str(uuid.uuid4()), function.arn)
                return LambdaReply(""), version
            # The function sees the ARN as invoked (with its qualifier) and Invoke's ClientContext.
            invoked = f"{function.arn}:{function.qualifier}" if function.qualifier else function.arn
            parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
            client_context = parameters.get("ClientContext") if invocation.resource.kind != "lambda" else None
            reply = await self.local.invoke(
                function.name,
                payload,
                str(uuid.uuid4()),
                invoked,
                tail,
                version,
                client_context if isinstance(client_context, str) else None,
            )
            return reply, version
        if self.clients is None:  # no Lambda service to ask: no function but the local ones
            raise not_found(function)
        return await self._call_service(invocation, function, payload, invocation_type, tail)

    async def _call_service(
        self,
        invocation: TaskInvocation,
        function: FunctionRef,
        payload: str,
        invocation_type: str,
        tail: bool = False,
    ) -> tuple[LambdaReply, str]:
        from emulator.integrations.clients import ServiceError

        request: dict[str, Any] = {
            "FunctionName": function.name,
            "Payload": payload.encode("utf-8", "replace"),
            "InvocationType": invocation_type,
        }
        if function.qualifier:
            request["Qualifier"] = function.qualifier
        if tail:
            request["LogType"] = "Tail"
        assert self.clients is not None
        try:
            response = await self.clients.call(
                "lambda", "Invoke", request, account=function.account, region=function.region
            )
        except ServiceError as error:
            if error.code == "ResourceNotFoundException":
                # the ARN Lambda looked for, in Lambda's words (the backend's own text may differ)
                raise not_found(function, error.request_id) from None
            raise
        output = response.output
        body = output.get("Payload", b"")
        text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else str(body or "")
        version = str(output.get("ExecutedVersion") or "$LATEST")
        log = None
        if tail and isinstance(output.get("LogResult"), str):
            log = base64.b64decode(output["LogResult"]).decode("utf-8", "replace")
        return LambdaReply(text, bool(output.get("FunctionError")), log), version
