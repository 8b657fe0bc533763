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

from typing import Any
from urllib.parse import quote, urlencode

from emulator.integrations.apigateway_http import (
    FORBIDDEN,
    INTERNAL_ERROR,
    INTERNAL_ERROR_HTTP,
    LAMBDA_URI,
    MISSING_TOKEN,
    NOT_FOUND,
    FunctionCaller,
    Request,
    Response,
    ServiceCaller,
    http_api_event,
    http_api_response,
    http_route,
    match_resource,
    mock_response,
    output_of,
    proxy_event,
    proxy_response,
    request_of,
    with_gateway_headers,
)
from emulator.integrations.registry import TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json


class ApiGatewayIntegration:
    """Registered under ``apigateway``."""

    def __init__(self, clients: ServiceCaller | None, functions: FunctionCaller) -> None:
        self.clients = clients
        self.functions = functions

    async def prepare(self, invocation: TaskInvocation) -> None:
        """Before the task is scheduled: parameters that cannot make a request fail the state
        (``States.Runtime``, no TaskScheduled; see ``request_of``)."""
        if invocation.resource.action == "invoke":
            parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
            request_of(parameters, invocation.resource.region or invocation.region)

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
        if kind in ("AWS_PROXY", "AWS") and LAMBDA_URI.search(uri):
            function_arn = LAMBDA_URI.search(uri).group(1)  # type: ignore[union-attr]
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
            return mock_response(integration, request)
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
        matched = LAMBDA_URI.search(uri)
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
