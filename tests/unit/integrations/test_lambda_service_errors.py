"""Lambda's own (service-side) errors as a Task reports them, per kind of Lambda integration.

The optimized ``lambda:invoke`` and a function ARN as Resource call Lambda with the AWS SDK for
Java v1: ``Lambda.<modelled exception>`` (``Lambda.AWSLambdaException`` for a code the Lambda model
does not name), cause ``<message> (Service: AWSLambda; Status Code: N; Error Code: C; Request ID: R;
Proxy: null)``. ``aws-sdk:lambda:invoke`` calls it with the SDK v2: ``Lambda.<modelled exception>``
or ``Lambda.LambdaException``, cause ``<message> (Service: Lambda, Status Code: N, Request ID: R)``.
No HTTP answer at all is ``Lambda.SdkClientException`` with the Java SDK's transport text.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from emulator.integrations.aws_lambda import (
    MAX_REQUEST_BYTES,
    FunctionRef,
    LambdaIntegration,
    optimized_failure,
    parse_function,
)
from emulator.integrations.aws_sdk import AwsSdkIntegration
from emulator.integrations.clients import AwsClients, ServiceError, transport_failure
from emulator.integrations.lambda_handlers import LambdaReply
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource
from emulator.settings import Settings

ACCOUNT, REGION = "123456789012", "us-east-1"
OPTIMIZED = "arn:aws:states:::lambda:invoke"
SDK = "arn:aws:states:::aws-sdk:lambda:invoke"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"


def invocation(resource: str, parameters: Any) -> TaskInvocation:
    return TaskInvocation(parse_resource(resource), parameters, {}, REGION, ACCOUNT)


class Handlers:
    """A local function ``fn`` that answers ``{}``, or refuses as ``refusal`` says."""

    def __init__(self, refusal: ServiceError | None = None) -> None:
        self.refusal = refusal
        self.invoked: list[tuple[str, str]] = []

    def __contains__(self, name: str) -> bool:
        return name == "fn"

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
        if self.refusal is not None:
            raise self.refusal
        self.invoked.append((function_arn, version))
        return LambdaReply("{}")


@pytest.fixture
async def clients() -> AsyncIterator[AwsClients]:
    seam = AwsClients(Settings(port=1))
    yield seam
    seam.close()


def integrations(clients: AwsClients, handlers: Handlers) -> tuple[LambdaIntegration, AwsSdkIntegration]:
    functions = LambdaIntegration(handlers, clients)  # type: ignore[arg-type]
    sdk = AwsSdkIntegration(clients)
    sdk.functions = functions
    return functions, sdk


async def failure(integration: Any, resource: str, parameters: Any) -> StatesError:
    with pytest.raises(StatesError) as raised:
        await integration.invoke(invocation(resource, parameters))
    return raised.value


# Invoke's FunctionName: a name, a partial ARN or an ARN, with an optional version or alias; the
# ``function:`` segment is optional in the pattern.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax
@pytest.mark.parametrize(
    ("text", "qualifier", "expected"),
    [
        ("my-function", None, FunctionRef("my-function", None, REGION, ACCOUNT)),
        ("my-function:v1", None, FunctionRef("my-function", "v1", REGION, ACCOUNT)),
        ("my-function", "7", FunctionRef("my-function", "7", REGION, ACCOUNT)),
        ("my-function:$LATEST", None, FunctionRef("my-function", "$LATEST", REGION, ACCOUNT)),
        ("210987654321:function:my-function", None, FunctionRef("my-function", None, REGION, "210987654321")),
        (
            "210987654321:function:my.function:live",
            None,
            FunctionRef("my.function", "live", REGION, "210987654321"),
        ),
        (
            "arn:aws:lambda:eu-west-1:210987654321:function:my_function",
            None,
            FunctionRef("my_function", None, "eu-west-1", "210987654321"),
        ),
        (
            "arn:aws:lambda:us-gov-west-1:210987654321:function:fn:prod",
            None,
            FunctionRef("fn", "prod", "us-gov-west-1", "210987654321"),
        ),
        (
            "arn:aws:lambda:us-east-2:210987654321:fn",
            None,
            FunctionRef("fn", None, "us-east-2", "210987654321"),
        ),
    ],
)
def test_function_name_forms(text: str, qualifier: str | None, expected: FunctionRef) -> None:
    assert parse_function(text, REGION, ACCOUNT, qualifier) == expected


# Errors Lambda's Invoke answers (API reference, "Errors": each exception and its HTTP status) and
# the names Step Functions gives them; a code outside the model is the SDK's base exception.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
# https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
# https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html (aws-sdk names)
# The aws-sdk name is the AWS SDK for Java v2 exception class (its code generator cases acronyms as words:
# Ec2ThrottledException, KmsAccessDeniedException, EfsioException); the optimized integration's is the
# SDK v1 class, the shape's name as the model writes it.
SERVICE_ERRORS = [
    # code, HTTP status, optimized / function-ARN error, aws-sdk error
    (
        "ResourceNotFoundException",
        404,
        "Lambda.ResourceNotFoundException",
        "Lambda.ResourceNotFoundException",
    ),
    ("InvalidParameterValueException", 400, "Lambda.InvalidParameterValueException", None),
    ("InvalidRequestContentException", 400, "Lambda.InvalidRequestContentException", None),
    ("RequestTooLargeException", 413, "Lambda.RequestTooLargeException", None),
    ("UnsupportedMediaTypeException", 415, "Lambda.UnsupportedMediaTypeException", None),
    ("TooManyRequestsException", 429, "Lambda.TooManyRequestsException", None),
    ("ResourceConflictException", 409, "Lambda.ResourceConflictException", None),
    ("ResourceNotReadyException", 502, "Lambda.ResourceNotReadyException", None),
    ("ServiceException", 500, "Lambda.ServiceException", None),
    ("EC2AccessDeniedException", 502, "Lambda.EC2AccessDeniedException", "Lambda.Ec2AccessDeniedException"),
    ("EC2ThrottledException", 502, "Lambda.EC2ThrottledException", "Lambda.Ec2ThrottledException"),
    ("EC2UnexpectedException", 502, "Lambda.EC2UnexpectedException", "Lambda.Ec2UnexpectedException"),
    ("ENILimitReachedException", 502, "Lambda.ENILimitReachedException", "Lambda.EniLimitReachedException"),
    ("InvalidSubnetIDException", 502, "Lambda.InvalidSubnetIDException", "Lambda.InvalidSubnetIdException"),
    (
        "InvalidSecurityGroupIDException",
        502,
        "Lambda.InvalidSecurityGroupIDException",
        "Lambda.InvalidSecurityGroupIdException",
    ),
    (
        "SubnetIPAddressLimitReachedException",
        502,
        "Lambda.SubnetIPAddressLimitReachedException",
        "Lambda.SubnetIpAddressLimitReachedException",
    ),
    ("KMSAccessDeniedException", 502, "Lambda.KMSAccessDeniedException", "Lambda.KmsAccessDeniedException"),
    ("KMSDisabledException", 502, "Lambda.KMSDisabledException", "Lambda.KmsDisabledException"),
    ("KMSInvalidStateException", 502, "Lambda.KMSInvalidStateException", "Lambda.KmsInvalidStateException"),
    ("KMSNotFoundException", 502, "Lambda.KMSNotFoundException", "Lambda.KmsNotFoundException"),
    ("InvalidRuntimeException", 502, "Lambda.InvalidRuntimeException", None),
    ("InvalidZipFileException", 502, "Lambda.InvalidZipFileException", None),
    ("EFSIOException", 410, "Lambda.EFSIOException", "Lambda.EfsioException"),
    ("EFSMountTimeoutException", 408, "Lambda.EFSMountTimeoutException", "Lambda.EfsMountTimeoutException"),
    ("SnapStartException", 400, "Lambda.SnapStartException", None),
    ("SnapStartNotReadyException", 409, "Lambda.SnapStartNotReadyException", None),
    ("SnapStartTimeoutException", 408, "Lambda.SnapStartTimeoutException", None),
    ("RecursiveInvocationException", 400, "Lambda.RecursiveInvocationException", None),
    # not in Invoke's model: the 6 MB body quota's code, the API front end's validation, IAM
    ("RequestEntityTooLargeException", 413, "Lambda.AWSLambdaException", "Lambda.LambdaException"),
    ("ValidationException", 400, "Lambda.AWSLambdaException", "Lambda.LambdaException"),
    ("AccessDeniedException", 403, "Lambda.AWSLambdaException", "Lambda.LambdaException"),
]


def lambda_client_error(code: str, status: int) -> ServiceError:
    """What the client seam makes of Lambda's error answer (its model names the shape)."""
    client = botocore.session.get_session().create_client(
        "lambda", region_name=REGION, aws_access_key_id="k", aws_secret_access_key="s"
    )
    response: Any = {
        "Error": {"Code": code, "Message": f"m-{code}"},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "r-1"},
    }
    return AwsClients(Settings(port=1))._service_error(client, "lambda", ClientError(response, "Invoke"))


class FailingLambda:
    """The client seam, answering every Lambda call with ``error``."""

    def __init__(self, error: ServiceError) -> None:
        self.error = error

    async def call(self, service: str, operation: str, parameters: Any, *, account: str, region: str) -> Any:
        raise self.error

    async def service_model(self, service: str) -> Any:
        return botocore.session.get_session().get_service_model(service)


@pytest.mark.parametrize(("code", "status", "optimized", "sdk"), SERVICE_ERRORS)
async def test_lambda_service_errors_per_integration(
    code: str, status: int, optimized: str, sdk: str | None
) -> None:
    error = lambda_client_error(code, status)
    seam = FailingLambda(error)
    functions = LambdaIntegration(None, seam)
    sdk_integration = AwsSdkIntegration(seam)  # type: ignore[arg-type]
    message = (
        "Function not found: " + FUNCTION_ARN + "other:$LATEST"
        if code == "ResourceNotFoundException"
        else f"m-{code}"
    )
    v1 = f"{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; Request ID: r-1; Proxy: null)"
    for resource in (OPTIMIZED, FUNCTION_ARN + "other"):
        failed = await failure(functions, resource, {"FunctionName": "other"})
        assert (failed.error, failed.cause) == (optimized, v1)
    failed = await failure(sdk_integration, SDK, {"FunctionName": "other"})
    assert failed.error == (sdk or optimized)
    assert (
        failed.cause
        == f"{message} (Service: Lambda, Status Code: {status}, Request ID: r-1) (SDK Attempt Count: 1)"
    )


# Requests Lambda refuses before running the function, for a local function too: a name or qualifier
# outside Invoke's patterns (ValidationException, not in the model), a qualifier in the name that
# differs from Qualifier (InvalidParameterValueException), a body over the 6 MB quota.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (invocation payload 6 MB)
REFUSALS = [
    # parameters, optimized error, aws-sdk error, status, error code, cause starts with
    (
        {"FunctionName": "fn:live", "Qualifier": "blue"},
        "Lambda.InvalidParameterValueException",
        "Lambda.InvalidParameterValueException",
        400,
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
    ),
    (
        {"FunctionName": "fn space"},
        "Lambda.AWSLambdaException",
        "Lambda.LambdaException",
        400,
        "ValidationException",
        "1 validation error detected: Value 'fn space' at 'functionName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ",
    ),
    (
        {"FunctionName": "fn", "Qualifier": "a.b"},
        "Lambda.AWSLambdaException",
        "Lambda.LambdaException",
        400,
        "ValidationException",
        "1 validation error detected: Value 'a.b' at 'qualifier' failed to satisfy constraint: ",
    ),
    (
        {"FunctionName": "fn", "Payload": '"' + "x" * (MAX_REQUEST_BYTES - 1) + '"'},  # one byte over
        "Lambda.AWSLambdaException",
        "Lambda.LambdaException",
        413,
        "RequestEntityTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation (",
    ),
]


@pytest.mark.parametrize(("parameters", "optimized", "sdk", "status", "code", "cause"), REFUSALS)
async def test_requests_lambda_refuses(
    clients: AwsClients,
    parameters: dict[str, Any],
    optimized: str,
    sdk: str,
    status: int,
    code: str,
    cause: str,
) -> None:
    handlers = Handlers()
    functions, sdk_integration = integrations(clients, handlers)
    failed = await failure(functions, OPTIMIZED, parameters)
    assert failed.error == optimized
    assert failed.cause is not None and failed.cause.startswith(cause)
    assert f"(Service: AWSLambda; Status Code: {status}; Error Code: {code}; Request ID: " in failed.cause
    failed = await failure(sdk_integration, SDK, parameters)
    assert failed.error == sdk
    assert failed.cause is not None and failed.cause.startswith(cause)
    assert f"(Service: Lambda, Status Code: {status}, Request ID: " in failed.cause
    assert handlers.invoked == []  # never ran


def test_an_asynchronous_invocation_has_a_1_mb_quota() -> None:
    from emulator.integrations.aws_lambda import MAX_EVENT_BYTES, service_refusal

    assert service_refusal("fn", None, "x" * MAX_EVENT_BYTES, "Event") is None
    assert service_refusal("fn", None, "x" * (MAX_EVENT_BYTES + 1), "RequestResponse") is None
    refused = service_refusal("fn", None, "x" * (MAX_EVENT_BYTES + 1), "Event")
    assert refused is not None
    assert (refused.code, refused.status, refused.error_shape) == (
        "RequestEntityTooLargeException",
        413,
        None,
    )
    assert (
        refused.message
        == "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"
    )


def test_a_body_of_exactly_the_quota_is_accepted() -> None:
    from emulator.integrations.aws_lambda import service_refusal

    assert service_refusal("fn", None, "x" * MAX_REQUEST_BYTES) is None
    assert (
        service_refusal("fn", None, "é" * (MAX_REQUEST_BYTES // 2 + 1)) is not None
    )  # bytes, not characters
    assert service_refusal("fn:live", "live", "{}") is None  # the same qualifier twice


# A function that does not exist (or a qualifier it lacks): the ARN Lambda looked for, $LATEST when
# none was named, whichever name form the state used.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors (ResourceNotFoundException)
NOT_FOUND = [
    ({"FunctionName": "nosuch"}, FUNCTION_ARN + "nosuch:$LATEST"),
    ({"FunctionName": "nosuch", "Qualifier": "7"}, FUNCTION_ARN + "nosuch:7"),
    ({"FunctionName": "nosuch:live"}, FUNCTION_ARN + "nosuch:live"),
    ({"FunctionName": f"{ACCOUNT}:function:nosuch"}, FUNCTION_ARN + "nosuch:$LATEST"),
    ({"FunctionName": FUNCTION_ARN + "nosuch:prod"}, FUNCTION_ARN + "nosuch:prod"),
]


@pytest.mark.parametrize(("parameters", "arn"), NOT_FOUND)
async def test_a_function_lambda_does_not_have(
    clients: AwsClients, parameters: dict[str, Any], arn: str
) -> None:
    functions, sdk_integration = integrations(clients, Handlers())
    failed = await failure(functions, OPTIMIZED, parameters)
    assert failed.error == "Lambda.ResourceNotFoundException"
    assert failed.cause is not None
    assert failed.cause.startswith(f"Function not found: {arn} (Service: AWSLambda; Status Code: 404; ")
    failed = await failure(sdk_integration, SDK, parameters)
    assert failed.error == "Lambda.ResourceNotFoundException"
    assert failed.cause is not None
    assert failed.cause.startswith(f"Function not found: {arn} (Service: Lambda, Status Code: 404, ")


# aws-sdk:lambda:invoke passes Invoke's members on, Qualifier included: the function sees the
# qualified ARN and the version that ran. https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
@pytest.mark.parametrize(
    ("parameters", "arn", "version"),
    [
        ({"FunctionName": "fn", "Qualifier": "7"}, FUNCTION_ARN + "fn:7", "7"),
        ({"FunctionName": "fn:7", "Qualifier": "7"}, FUNCTION_ARN + "fn:7", "7"),
        (
            {"FunctionName": f"{ACCOUNT}:function:fn", "Qualifier": "live"},
            FUNCTION_ARN + "fn:live",
            "$LATEST",
        ),
        ({"FunctionName": FUNCTION_ARN + "fn"}, FUNCTION_ARN + "fn", "$LATEST"),
    ],
)
async def test_the_sdk_integration_passes_the_qualifier_on(
    clients: AwsClients, parameters: dict[str, Any], arn: str, version: str
) -> None:
    handlers = Handlers()
    _functions, sdk_integration = integrations(clients, handlers)
    output = await sdk_integration.invoke(invocation(SDK, parameters))
    assert handlers.invoked == [(arn, version)]
    assert isinstance(output, dict) and output["ExecutedVersion"] == version


# Lambda refusing to run a local function (throttled past its reserved concurrency, its runtime
# unable to start) is a service error, in each integration's SDK form.
# https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("TooManyRequestsException", 429, "Rate Exceeded."),
        ("ServiceException", 500, "Lambda could not start the function's runtime: boom"),
        ("InvalidRuntimeException", 502, "no such runtime"),
    ],
)
async def test_a_local_function_lambda_refuses_to_run(
    clients: AwsClients, code: str, status: int, message: str
) -> None:
    refusal = ServiceError("lambda", code, message, status, "req-9", code)
    functions, sdk_integration = integrations(clients, Handlers(refusal))
    failed = await failure(functions, OPTIMIZED, {"FunctionName": "fn"})
    assert (failed.error, failed.cause) == (
        f"Lambda.{code}",
        f"{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; Request ID: req-9; Proxy: null)",
    )
    failed = await failure(sdk_integration, SDK, {"FunctionName": "fn"})
    assert (failed.error, failed.cause) == (
        f"Lambda.{code}",
        f"{message} (Service: Lambda, Status Code: {status}, Request ID: req-9) (SDK Attempt Count: 1)",
    )


# No HTTP answer (LAMBDA_ENDPOINT down, its host unknown, too slow): Lambda.SdkClientException with
# the Java SDK's (Apache HttpClient's) text. https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
def refusing_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed: nothing listens there any more


async def test_an_unreachable_lambda_endpoint_is_an_sdk_client_exception() -> None:
    port = refusing_port()
    seam = AwsClients(Settings(port=1, endpoints={"lambda": f"http://127.0.0.1:{port}"}))
    try:
        functions = LambdaIntegration(None, seam)
        expected = f"Unable to execute HTTP request: Connect to 127.0.0.1:{port} [/127.0.0.1] failed: Connection refused"
        for resource in (OPTIMIZED, FUNCTION_ARN + "other"):
            failed = await failure(functions, resource, {"FunctionName": "other"})
            assert (failed.error, failed.cause) == ("Lambda.SdkClientException", expected)
        failed = await failure(AwsSdkIntegration(seam), SDK, {"FunctionName": "other"})
        assert (failed.error, failed.cause) == ("Lambda.SdkClientException", expected)
    finally:
        seam.close()


def test_transport_failures_in_the_java_sdk_words(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "http://lambda.local:3001/2015-03-31/functions/f/invocations"

    def resolve(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "lambda.local":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 0))]
        raise socket.gaierror(host)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    prefix = "Unable to execute HTTP request: "
    assert transport_failure(EndpointConnectionError(endpoint_url=url)) == (
        prefix + "Connect to lambda.local:3001 [lambda.local/10.0.0.5] failed: Connection refused"
    )
    assert transport_failure(ConnectTimeoutError(endpoint_url=url)) == (
        prefix + "Connect to lambda.local:3001 [lambda.local/10.0.0.5] failed: connect timed out"
    )
    assert transport_failure(EndpointConnectionError(endpoint_url="https://gone.example/x")) == (
        prefix + "gone.example: Name or service not known"
    )
    assert transport_failure(EndpointConnectionError(endpoint_url="http://[::1]:9/x")) == (
        prefix + "Connect to ::1:9 [/0:0:0:0:0:0:0:1] failed: Connection refused"
    )
    assert transport_failure(ReadTimeoutError(endpoint_url=url)) == prefix + "Read timed out"


def test_an_unreachable_service_error_is_named_sdk_client_exception() -> None:
    error = ServiceError(
        "lambda", "SdkClientException", "Unable to execute HTTP request: x", 0, reachable=False
    )
    assert (optimized_failure(error).error, optimized_failure(error).cause) == (
        "Lambda.SdkClientException",
        "Unable to execute HTTP request: x",
    )
