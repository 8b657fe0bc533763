"""Amazon API Gateway optimized integration (``arn:aws:states:::apigateway:invoke[.waitForTaskToken]``).

From "Call API Gateway with Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html):

| parameter       | rule                                                                             |
|-----------------|----------------------------------------------------------------------------------|
| ApiEndpoint     | required: ``<API ID>.execute-api.<region>.amazonaws.com``                        |
| Method          | required: GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS                         |
| Headers         | object of header name -> list of values (forbidden names: see ``_FORBIDDEN``)    |
| Stage, Path     | the URL is ``https://<ApiEndpoint>/<Stage>/<Path>``                              |
| QueryParameters | object of name -> list of values                                                 |
| RequestBody     | a JSON value (sent as its JSON text) or a string (sent as it is)                 |
| AuthType        | NO_AUTH (default), IAM_ROLE, RESOURCE_POLICY (not enforced here)                 |
| AllowNullValues | accepted                                                                         |

The output is ``{ResponseBody, Headers, StatusCode, StatusText}``: a JSON body parsed, anything else as
text; each header a list of values. A status outside 2xx fails the task with ``ApiGateway.<status>``
and the response body as cause; a failure without an HTTP status is ``ApiGateway.<Exception>``.

The API is the in-process API Gateway's REST API or, when no REST API has the id, HTTP API (moto holds
their resources, routes and integrations; moto does not execute them, so this module does, as API
Gateway does). An HTTP API runs its route's Lambda proxy integration (payload format 2.0, or 1.0) on
the stage named (``$default`` when none is); a route or stage it lacks is ``404 {"message":"Not
Found"}``. A REST API's method integration:

* ``AWS_PROXY`` to a Lambda function: the REST API proxy event (payload format 1.0) goes to the function
  through the Lambda integration; its ``{statusCode, headers, multiValueHeaders, body,
  isBase64Encoded}`` answer is the response. A function error or an answer of another shape is API
  Gateway's ``502 {"message": "Internal server error"}``.
* ``AWS`` to a Lambda function: the request body is the event; the function's answer is a 200 body.
* ``MOCK``: the integration response of the status the request template names (200 by default), with
  its ``application/json`` template as the body.
* ``HTTP`` / ``HTTP_PROXY``: the request is sent to the integration's URI.

API Gateway's own answers: a path or method the API does not define is ``403 {"message":"Missing
Authentication Token"}``; an API or stage that does not exist is ``403 {"message":"Forbidden"}``. An
edge-optimized API (``endpointConfiguration`` ``EDGE``, create_rest_api's default) answers through
CloudFront, whose headers (``Via``, ``X-Amz-Cf-Id``, ``X-Amz-Cf-Pop``, ``X-Cache``) it carries.
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
from urllib.parse import quote, urlencode

from emulator.integrations.registry import TaskInvocation
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
_LAMBDA_URI = re.compile(r":lambda:path/[^/]+/functions/(arn:[^/]+)/invocations$")
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
    """The request the task's parameters describe; a parameter outside the documented forms fails
    the task as Step Functions' own validation does (``States.Runtime``)."""
    endpoint = parameters.get("ApiEndpoint")
    if not isinstance(endpoint, str):
        raise _invalid("The field 'ApiEndpoint' is required and must be a string")
    matched = _ENDPOINT.match(endpoint.strip().lower())
    if matched is None:
        raise _invalid(
            f"The ApiEndpoint '{endpoint}' is not of the form <API ID>.execute-api.<region>.amazonaws.com"
        )
    method = parameters.get("Method")
    if method not in METHODS:
        raise _invalid(f"The field 'Method' must be one of {', '.join(METHODS)}")
    auth = parameters.get("AuthType", "NO_AUTH")
    if auth is not None and auth not in AUTH_TYPES:
        raise _invalid(f"The field 'AuthType' must be one of {', '.join(AUTH_TYPES)}")
    headers = _lists(parameters, "Headers")
    for name in headers:
        lowered = name.lower()
        if lowered in _FORBIDDEN or lowered.startswith(_FORBIDDEN_PREFIXES):
            raise _invalid(f"The header '{name}' is not permitted")
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
        method=str(method),
        stage=stage if isinstance(stage, str) else "",
        path="/" + (path if isinstance(path, str) else "").strip("/"),
        headers=headers,
        query=_lists(parameters, "QueryParameters"),
        body=text,
    )


def _invalid(message: str) -> StatesError:
    return StatesError("States.Runtime", message)


def _lists(parameters: dict[str, Json], name: str) -> dict[str, list[str]]:
    """``Headers`` / ``QueryParameters``: name -> list of values (a single value stands for a list of one)."""
    value = parameters.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"The field '{name}' must be a JSON object of names to lists of values")
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


class ApiGatewayIntegration:
    """Registered under ``apigateway``."""

    def __init__(self, clients: ServiceCaller | None, functions: FunctionCaller) -> None:
        self.clients = clients
        self.functions = functions

    async def invoke(self, invocation: TaskInvocation) -> Json:
        if invocation.resource.action != "invoke":
            raise StatesError(
                "States.Runtime",
                f"The resource '{invocation.resource.arn}' is not supported by Step Functions.",
            )
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        request = request_of(parameters, invocation.resource.region or invocation.region)
        api = await self._rest_api(request, invocation.account)
        if api is None:
            http_api = await self._call(
                "GetApi", {"ApiId": request.api_id}, request.region, invocation.account, "apigatewayv2"
            )
            if not isinstance(http_api, dict) or http_api.get("ProtocolType") != "HTTP":
                return output_of(with_gateway_headers(Response(403, FORBIDDEN), edge=False))
            answer = await self._http_api_answer(request, invocation)
            return output_of(with_gateway_headers(answer, edge=False))
        edge = "EDGE" in ((api.get("endpointConfiguration") or {}).get("types") or ["EDGE"])
        response = await self._answer(request, invocation)
        return output_of(with_gateway_headers(response, edge))

    async def _call(
        self, operation: str, request: dict[str, Any], region: str, account: str, service: str = "apigateway"
    ) -> Any:
        from emulator.integrations.clients import ServiceError

        if self.clients is None:
            return None
        try:
            response = await self.clients.call(service, operation, request, account=account, region=region)
        except ServiceError as error:
            if error.code in ("NotFoundException", "NotFound"):
                return None
            raise StatesError(f"ApiGateway.{error.error_shape or error.code}", error.message) from None
        return response.output

    async def _rest_api(self, request: Request, account: str) -> dict[str, Any] | None:
        api = await self._call("GetRestApi", {"restApiId": request.api_id}, request.region, account)
        return api if isinstance(api, dict) else None

    async def _answer(self, request: Request, invocation: TaskInvocation) -> Response:
        account, region = invocation.account, request.region
        stages = await self._call("GetStages", {"restApiId": request.api_id}, region, account)
        names = {str(stage.get("stageName")) for stage in (stages or {}).get("item") or []}
        if request.stage not in names:
            return Response(403, FORBIDDEN)
        listed = await self._call(
            "GetResources", {"restApiId": request.api_id, "embed": ["methods"], "limit": 500}, region, account
        )
        resources = list((listed or {}).get("items") or [])
        matched = match_resource(resources, request.path)
        if matched is None:
            return Response(403, MISSING_TOKEN)
        resource, path_parameters = matched
        methods = resource.get("resourceMethods") or {}
        method = methods.get(request.method) or methods.get("ANY")
        if not isinstance(method, dict):
            return Response(403, MISSING_TOKEN)
        integration = method.get("methodIntegration") or {}
        kind = integration.get("type")
        uri = str(integration.get("uri") or "")
        if kind in ("AWS_PROXY", "AWS") and _LAMBDA_URI.search(uri):
            function_arn = _LAMBDA_URI.search(uri).group(1)  # type: ignore[union-attr]
            payload = (
                to_json_text(proxy_event(request, resource, path_parameters, account))
                if kind == "AWS_PROXY"
                else request.body or "{}"
            )
            try:
                reply = await self.functions.call_function(invocation, function_arn, payload)
            except StatesError:  # the function cannot be invoked (missing, no permission)
                return Response(500, INTERNAL_ERROR, {"Content-Type": ["application/json"]})
            if kind == "AWS_PROXY":
                return proxy_response(reply.body, reply.function_error)
            return Response(200, reply.body, {"Content-Type": ["application/json"]})
        if kind == "MOCK":
            return _mock_response(integration, request)
        if kind in ("HTTP", "HTTP_PROXY"):
            return await _http_response(uri, path_parameters, request)
        raise StatesError(
            "ApiGateway.UnsupportedIntegration",
            f"The emulator does not run API Gateway integrations of type {kind} ({uri or 'no URI'})",
        )

    async def _http_api_answer(self, request: Request, invocation: TaskInvocation) -> Response:
        """An HTTP API: the stage named (``$default`` when none is), the route ``_http_route`` picks and
        its Lambda proxy integration (payload format 2.0 or 1.0). HTTP API answers a route or stage it
        does not have with ``404 {"message":"Not Found"}``."""
        account, region = invocation.account, request.region
        stages = await self._call("GetStages", {"ApiId": request.api_id}, region, account, "apigatewayv2")
        names = {str(stage.get("StageName")) for stage in (stages or {}).get("Items") or []}
        stage = request.stage or "$default"
        if stage not in names:
            return Response(404, NOT_FOUND)
        routes = await self._call("GetRoutes", {"ApiId": request.api_id}, region, account, "apigatewayv2")
        found = http_route(list((routes or {}).get("Items") or []), request.method, request.path)
        if found is None:
            return Response(404, NOT_FOUND)
        route, path_parameters = found
        target = str(route.get("Target") or "").removeprefix("integrations/")
        integration = await self._call(
            "GetIntegration",
            {"ApiId": request.api_id, "IntegrationId": target},
            region,
            account,
            "apigatewayv2",
        )
        integration = integration if isinstance(integration, dict) else {}
        uri = str(integration.get("IntegrationUri") or "")
        matched = _LAMBDA_URI.search(uri)
        function_arn = matched.group(1) if matched else uri
        if integration.get("IntegrationType") != "AWS_PROXY" or ":lambda:" not in function_arn:
            raise StatesError(
                "ApiGateway.UnsupportedIntegration",
                "The emulator does not run HTTP API integrations of type "
                f"{integration.get('IntegrationType')} ({uri or 'no URI'})",
            )
        key = str(route.get("RouteKey") or "")
        legacy = str(integration.get("PayloadFormatVersion") or "2.0") == "1.0"
        if legacy:
            event = proxy_event(request, {"path": key.partition(" ")[2] or "/"}, path_parameters, account)
        else:
            event = http_api_event(request, key, stage, path_parameters, account)
        try:
            reply = await self.functions.call_function(invocation, function_arn, to_json_text(event))
        except StatesError:
            return Response(500, INTERNAL_ERROR_HTTP, {"Content-Type": ["application/json"]})
        if legacy:
            return proxy_response(reply.body, reply.function_error)
        return http_api_response(reply.body, reply.function_error)


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


def _mock_response(integration: dict[str, Any], request: Request) -> Response:
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


async def _http_response(uri: str, path_parameters: dict[str, str], request: Request) -> Response:
    import aiohttp

    url = uri
    for name, value in path_parameters.items():
        url = url.replace("{" + name + "+}", value).replace("{" + name + "}", quote(value))
    query = urlencode([(name, value) for name, values in request.query.items() for value in values])
    if query:
        url += ("&" if "?" in url else "?") + query
    headers = {name: ",".join(values) for name, values in request.headers.items()}
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.request(request.method, url, headers=headers, data=request.body) as reply,
        ):
            text = await reply.text()
            answered: dict[str, list[str]] = {}
            for name, value in reply.headers.items():
                if name.lower() not in (
                    "content-length",
                    "connection",
                    "date",
                    "transfer-encoding",
                    "server",
                ):
                    answered.setdefault(name, []).append(value)
            return Response(reply.status, text, answered)
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return Response(504, '{"message": "Endpoint request timed out"}')
