"""What API Gateway does with the request an ``apigateway:invoke`` task makes (used by
``apigateway.py``): the request and response shapes, REST API resource matching and HTTP API route
selection, the Lambda proxy events (payload formats 1.0 and 2.0) and what API Gateway makes of a
function's answer. Pages: "Call API Gateway with Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html), "Set up Lambda proxy
integrations" (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html),
"HTTP API routes" / "Lambda integrations for HTTP APIs"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
"""

from __future__ import annotations

import base64
import email.utils
import re
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import urlencode

from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import type_problem, unusable_parameters
from emulator.language.errors import StatesError
from emulator.model.jsontext import from_json_text, to_json_text
from emulator.model.types import Json

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
PARAMETERS = (
    "ApiEndpoint",
    "Method",
    "Headers",
    "Stage",
    "Path",
    "QueryParameters",
    "RequestBody",
    "AuthType",
    "AllowNullValues",
)
AUTH_TYPES = ("NO_AUTH", "IAM_ROLE", "RESOURCE_POLICY")
_ENDPOINT = re.compile(r"^([0-9a-z]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_FORBIDDEN = frozenset(
    {
        "authorization",
        "connection",
        "content-md5",
        "expect",
        "host",
        "max-forwards",
        "proxy-authenticate",
        "server",
        "te",
        "transfer-encoding",
        "trailer",
        "upgrade",
        "via",
        "www-authenticate",
    }
)
_FORBIDDEN_PREFIXES = ("x-forwarded", "x-amz")
LAMBDA_URI = re.compile(r":lambda:path/[^/]+/functions/(arn:[^/]+)/invocations$")
MISSING_TOKEN = '{"message":"Missing Authentication Token"}'
FORBIDDEN = '{"message":"Forbidden"}'
INTERNAL_ERROR = '{"message": "Internal server error"}'


class FunctionCaller(Protocol):
    """The Lambda integration (``aws_lambda.LambdaIntegration.call_function``)."""

    async def call_function(self, invocation: TaskInvocation, function_arn: str, payload: str) -> Any: ...


class ServiceCaller(Protocol):
    """The client seam (``clients.AwsClients``)."""

    async def call(
        self, service: str, operation: str, parameters: Any, *, account: str, region: str
    ) -> Any: ...


@dataclass(slots=True)
class Request:
    """The HTTP request Step Functions makes of the API."""

    api_id: str
    region: str
    host: str
    method: str
    stage: str
    path: str  # with a leading "/", without the stage
    headers: dict[str, list[str]]
    query: dict[str, list[str]]
    body: str | None


@dataclass(slots=True)
class Response:
    status: int
    body: str
    headers: dict[str, list[str]] = field(default_factory=dict)


def request_of(parameters: dict[str, Json], region: str) -> Request:
    """The request the task's parameters describe. Parameters outside the documented forms fail the
    task before it is scheduled, as Step Functions' own validation does (``States.Runtime``): "The
    Parameters '<parameters>' could not be used to start the Task: [<problem>]", a value of the wrong
    JSON type being "The value of the field '<field>' has an invalid format" (the text AWS gives for a
    QueryParameters string)."""
    problem = _problem(parameters)
    if problem is not None:
        raise unusable_parameters(parameters, problem)
    endpoint = str(parameters["ApiEndpoint"])
    matched = _ENDPOINT.match(endpoint.strip().lower())
    assert matched is not None
    stage = parameters.get("Stage")
    path = parameters.get("Path")
    body = parameters.get("RequestBody")
    text: str | None = None
    if "RequestBody" in parameters and body is not None:
        text = body if isinstance(body, str) else to_json_text(body)
    return Request(
        api_id=matched.group(1),
        region=matched.group(2),
        host=endpoint,
        method=str(parameters["Method"]),
        stage=stage if isinstance(stage, str) else "",
        path="/" + (path if isinstance(path, str) else "").strip("/"),
        headers=_lists(parameters, "Headers"),
        query=_lists(parameters, "QueryParameters"),
        body=text,
    )


# The JSON type of each documented parameter (RequestBody takes any JSON value).
_STRINGS = ("ApiEndpoint", "Method", "Stage", "Path", "AuthType")
_OBJECTS = ("Headers", "QueryParameters")


def _problem(parameters: dict[str, Json]) -> str | None:
    """What keeps the parameters from making a request (None: they make one)."""
    problem = type_problem(parameters, _STRINGS, _OBJECTS, ("AllowNullValues",))
    if problem is not None:
        return problem
    endpoint = parameters.get("ApiEndpoint")
    if not isinstance(endpoint, str):
        return "The field 'ApiEndpoint' is required"
    if _ENDPOINT.match(endpoint.strip().lower()) is None:
        return f"The ApiEndpoint '{endpoint}' is not of the form <API ID>.execute-api.<region>.amazonaws.com"
    method = parameters.get("Method")
    if method not in METHODS:
        return f"The field 'Method' must be one of {', '.join(METHODS)}"
    auth = parameters.get("AuthType")
    if auth is not None and auth not in AUTH_TYPES:
        return f"The field 'AuthType' must be one of {', '.join(AUTH_TYPES)}"
    for name in _lists(parameters, "Headers"):
        lowered = name.lower()
        if lowered in _FORBIDDEN or lowered.startswith(_FORBIDDEN_PREFIXES):
            return f"The header '{name}' is not permitted"
    return None


def _lists(parameters: dict[str, Json], name: str) -> dict[str, list[str]]:
    """``Headers`` / ``QueryParameters``: name -> list of values (a single value stands for a list of one)."""
    value = parameters.get(name)
    if not isinstance(value, dict):
        return {}
    result: dict[str, list[str]] = {}
    for key, item in value.items():
        items = item if isinstance(item, list) else [item]
        result[str(key)] = [entry if isinstance(entry, str) else to_json_text(entry) for entry in items]
    return result


def output_of(response: Response) -> dict[str, Json]:
    """The task's result (or, outside 2xx, its failure)."""
    try:
        status_text = HTTPStatus(response.status).phrase
    except ValueError:
        status_text = ""
    if not 200 <= response.status < 300:
        raise StatesError(f"ApiGateway.{response.status}", response.body)
    body: Json = response.body
    if response.body:
        try:
            body = from_json_text(response.body)
        except ValueError:
            body = response.body
    headers: dict[str, Json] = {name: list(values) for name, values in response.headers.items()}
    return {
        "Headers": headers,
        "ResponseBody": body,
        "StatusCode": response.status,
        "StatusText": status_text,
    }


def match_resource(
    resources: list[dict[str, Any]], path: str
) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The API resource serving ``path`` and its path parameters: a literal path first, then
    ``{name}`` segments, then a greedy ``{name+}``."""
    segments = [part for part in path.split("/") if part]
    best: tuple[int, dict[str, Any], dict[str, str]] | None = None
    for resource in resources:
        template = [part for part in str(resource.get("path", "/")).split("/") if part]
        found = _match(template, segments)
        if found is None:
            continue
        score = sum(3 if not part.startswith("{") else (1 if part.endswith("+}") else 2) for part in template)
        score = score * 100 + len(template)
        if best is None or score > best[0]:
            best = (score, resource, found)
    return None if best is None else (best[1], best[2])


def _match(template: list[str], segments: list[str]) -> dict[str, str] | None:
    parameters: dict[str, str] = {}
    for index, part in enumerate(template):
        if part.startswith("{") and part.endswith("+}"):
            if index >= len(segments):
                return None
            parameters[part[1:-2]] = "/".join(segments[index:])
            return parameters
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            parameters[part[1:-1]] = segments[index]
        elif part != segments[index]:
            return None
    return parameters if len(template) == len(segments) else None


def proxy_event(
    request: Request, resource: dict[str, Any], parameters: dict[str, str], account: str
) -> dict[str, Json]:
    """The REST API Lambda proxy event (payload format 1.0)."""
    now = time.time()
    request_id = str(uuid.uuid4())
    single_headers = {name: values[-1] for name, values in request.headers.items()} or None
    single_query = {name: values[-1] for name, values in request.query.items()} or None
    return {
        "resource": resource.get("path", "/"),
        "path": request.path,
        "httpMethod": request.method,
        "headers": single_headers,  # type: ignore[dict-item]
        "multiValueHeaders": request.headers or None,  # type: ignore[dict-item]
        "queryStringParameters": single_query,  # type: ignore[dict-item]
        "multiValueQueryStringParameters": request.query or None,  # type: ignore[dict-item]
        "pathParameters": parameters or None,  # type: ignore[dict-item]
        "stageVariables": None,
        "requestContext": {
            "resourceId": resource.get("id"),
            "resourcePath": resource.get("path", "/"),
            "httpMethod": request.method,
            "extendedRequestId": request_id[:16],
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "path": f"/{request.stage}{request.path}" if request.stage else request.path,
            "accountId": account,
            "protocol": "HTTP/1.1",
            "stage": request.stage,
            "domainPrefix": request.api_id,
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": None},
            "domainName": request.host,
            "apiId": request.api_id,
        },
        "body": request.body,
        "isBase64Encoded": False,
    }


def proxy_response(body: str, function_error: bool) -> Response:
    """A Lambda proxy integration's answer; anything but the documented shape is a 502."""
    if function_error:
        return Response(502, INTERNAL_ERROR, {"Content-Type": ["application/json"]})
    try:
        answer = from_json_text(body) if body else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("statusCode", 200), int):
        return Response(502, INTERNAL_ERROR, {"Content-Type": ["application/json"]})
    headers: dict[str, list[str]] = {}
    for name, value in (answer.get("headers") or {}).items():  # type: ignore[union-attr]
        headers[str(name)] = [value if isinstance(value, str) else to_json_text(value)]
    for name, values in (answer.get("multiValueHeaders") or {}).items():  # type: ignore[union-attr]
        items = values if isinstance(values, list) else [values]
        headers.setdefault(str(name), []).extend(v if isinstance(v, str) else to_json_text(v) for v in items)
    payload = answer.get("body")
    text = "" if payload is None else payload if isinstance(payload, str) else to_json_text(payload)
    if answer.get("isBase64Encoded") and text:
        text = base64.b64decode(text).decode("utf-8", "replace")
    headers.setdefault("Content-Type", ["application/json"])
    return Response(int(answer.get("statusCode", 200)), text, headers)  # type: ignore[arg-type]


def with_gateway_headers(response: Response, edge: bool) -> Response:
    """The headers API Gateway adds to every answer (and CloudFront's, for an edge-optimized API)."""
    request_id = str(uuid.uuid4())
    headers: dict[str, list[str]] = {
        "Connection": ["keep-alive"],
        "Content-Length": [str(len(response.body.encode("utf-8", "replace")))],
        "Content-Type": ["application/json"],
        "Date": [email.utils.formatdate(usegmt=True)],
        "x-amz-apigw-id": [base64.b64encode(uuid.uuid4().bytes[:12]).decode()[:16]],
        "x-amzn-RequestId": [request_id],
        "X-Amzn-Trace-Id": [f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"],
    }
    for name, values in response.headers.items():
        existing = next((key for key in headers if key.lower() == name.lower()), name)
        headers[existing] = list(values)
    if edge:
        headers["Via"] = [f"1.1 {uuid.uuid4().hex}.cloudfront.net (CloudFront)"]
        headers["X-Amz-Cf-Id"] = [base64.urlsafe_b64encode(uuid.uuid4().bytes * 3).decode()[:56]]
        headers["X-Amz-Cf-Pop"] = ["IAD89-C1"]
        headers["X-Cache"] = ["Miss from cloudfront" if response.status < 400 else "Error from cloudfront"]
    return Response(response.status, response.body, headers)


NOT_FOUND = '{"message":"Not Found"}'
INTERNAL_ERROR_HTTP = '{"message":"Internal Server Error"}'


def http_route(
    routes: list[dict[str, Any]], method: str, path: str
) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The route an HTTP API picks for a request: the most specific path among ``METHOD /path`` routes,
    then among ``ANY /path`` routes, then ``$default``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html)."""
    for wanted in (method, "ANY"):
        candidates = [
            {"path": str(route.get("RouteKey")).partition(" ")[2], "route": route}
            for route in routes
            if str(route.get("RouteKey") or "").partition(" ")[0] == wanted
        ]
        found = match_resource(candidates, path)
        if found is not None:
            return found[0]["route"], found[1]
    default = next((route for route in routes if route.get("RouteKey") == "$default"), None)
    return (default, {}) if default is not None else None


def http_api_event(
    request: Request, route_key: str, stage: str, parameters: dict[str, str], account: str
) -> dict[str, Json]:
    """The HTTP API Lambda proxy event, payload format 2.0
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html)."""
    now = time.time()
    headers = {name.lower(): ",".join(values) for name, values in request.headers.items()}
    raw_path = request.path if stage == "$default" else f"/{stage}{request.path}"
    context: dict[str, Json] = {
        "accountId": account,
        "apiId": request.api_id,
        "domainName": request.host,
        "domainPrefix": request.api_id,
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route_key,
        "stage": stage,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    event: dict[str, Json] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": urlencode(
            [(name, value) for name, values in request.query.items() for value in values]
        ),
        "headers": dict(headers),
        "requestContext": context,
        "isBase64Encoded": False,
    }
    if request.query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in request.query.items()}
    if parameters:
        event["pathParameters"] = dict(parameters)
    if request.body is not None:
        event["body"] = request.body
    return event


def http_api_response(body: str, function_error: bool) -> Response:
    """Payload format 2.0's answer: an object with ``statusCode`` is a proxy answer; any other JSON
    value is a 200 whose body is its JSON text."""
    if function_error:
        return Response(500, INTERNAL_ERROR_HTTP, {"Content-Type": ["application/json"]})
    try:
        answer = from_json_text(body) if body else None
    except ValueError:
        return Response(500, INTERNAL_ERROR_HTTP, {"Content-Type": ["application/json"]})
    if isinstance(answer, dict) and "statusCode" in answer:
        return proxy_response(body, False)
    return Response(200, body, {"Content-Type": ["application/json"]})


def mock_response(integration: dict[str, Any], request: Request) -> Response:
    status = "200"
    template = (integration.get("requestTemplates") or {}).get("application/json")
    if isinstance(template, str):
        found = re.search(r'"statusCode"\s*:\s*(\d{3})', template)
        if found:
            status = found.group(1)
    responses = integration.get("integrationResponses") or {}
    chosen = responses.get(status) or next(
        (r for r in responses.values() if not r.get("selectionPattern")), None
    )
    body = ""
    if isinstance(chosen, dict):
        body = str((chosen.get("responseTemplates") or {}).get("application/json") or "")
    return Response(int(status), body, {"Content-Type": ["application/json"]})
