"""apigateway:invoke's request, resource matching and responses (integrations/apigateway.py)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.integrations.apigateway_http import (
    Response,
    match_resource,
    output_of,
    proxy_response,
    request_of,
    with_gateway_headers,
)
from emulator.language.errors import StatesError

ENDPOINT = "abc123.execute-api.eu-west-1.amazonaws.com"


# Request parameters of "Call API Gateway with Step Functions"
# (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html#connect-api-gateway-requests).
def test_the_request_is_built_from_the_documented_parameters() -> None:
    request = request_of(
        {
            "ApiEndpoint": ENDPOINT,
            "Method": "POST",
            "Stage": "prod",
            "Path": "bills/add",
            "Headers": {"key": ["value1", "value2"]},
            "QueryParameters": {"billId": ["123456"]},
            "RequestBody": {"billId": "my-new-bill"},
            "AuthType": "NO_AUTH",
        },
        "us-east-1",
    )
    assert (request.api_id, request.region, request.stage, request.path) == (
        "abc123",
        "eu-west-1",
        "prod",
        "/bills/add",
    )
    assert request.headers == {"key": ["value1", "value2"]} and request.query == {"billId": ["123456"]}
    assert request.body == '{"billId":"my-new-bill"}'
    assert (
        request_of({"ApiEndpoint": ENDPOINT, "Method": "GET", "RequestBody": "text"}, "us-east-1").body
        == "text"
    )


REFUSED = [
    {"Method": "GET"},
    {"ApiEndpoint": "example.com", "Method": "GET"},
    {"ApiEndpoint": ENDPOINT, "Method": "TRACE"},
    {"ApiEndpoint": ENDPOINT, "Method": "GET", "AuthType": "COGNITO"},
    # header keys Step Functions does not permit
    {"ApiEndpoint": ENDPOINT, "Method": "GET", "Headers": {"X-Amz-Date": ["x"]}},
    {"ApiEndpoint": ENDPOINT, "Method": "GET", "Headers": {"Host": ["x"]}},
    {"ApiEndpoint": ENDPOINT, "Method": "GET", "Headers": {"X-Forwarded-For": ["x"]}},
]


@pytest.mark.parametrize("parameters", REFUSED)
def test_parameters_outside_the_documented_forms_fail_the_task(parameters: dict[str, Any]) -> None:
    with pytest.raises(StatesError):
        request_of(parameters, "us-east-1")


RESOURCES = [
    {"id": "r", "path": "/"},
    {"id": "p", "path": "/pets"},
    {"id": "i", "path": "/pets/{id}"},
    {"id": "s", "path": "/pets/special"},
    {"id": "g", "path": "/files/{proxy+}"},
]
# A literal segment wins over a path parameter, which wins over a greedy one
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html).
MATCHES = [
    ("/", "r", {}),
    ("/pets", "p", {}),
    ("/pets/7", "i", {"id": "7"}),
    ("/pets/special", "s", {}),
    ("/files/a/b.txt", "g", {"proxy": "a/b.txt"}),
    ("/nowhere", None, None),
    ("/pets/7/toys", None, None),
]


@pytest.mark.parametrize(("path", "resource", "parameters"), MATCHES)
def test_the_resource_serving_a_path(
    path: str, resource: str | None, parameters: dict[str, str] | None
) -> None:
    found = match_resource(RESOURCES, path)
    if resource is None:
        assert found is None
    else:
        assert found is not None and (found[0]["id"], found[1]) == (resource, parameters)


# Output format and error handling of the integration's page; a Lambda proxy answer's shape from
# "Set up Lambda proxy integrations" (statusCode, headers, multiValueHeaders, body, isBase64Encoded).
def test_a_proxy_answer_becomes_the_documented_output() -> None:
    answer = '{"statusCode": 201, "headers": {"A": "1"}, "multiValueHeaders": {"B": ["2", "3"]}, "body": "{\\"ok\\": true}"}'
    output = output_of(with_gateway_headers(proxy_response(answer, function_error=False), edge=False))
    assert (output["StatusCode"], output["StatusText"], output["ResponseBody"]) == (
        201,
        "Created",
        {"ok": True},
    )
    headers = output["Headers"]
    assert isinstance(headers, dict) and headers["A"] == ["1"] and headers["B"] == ["2", "3"]
    assert headers["Content-Length"] == ["12"] and "Via" not in headers


FAILURES = [
    (proxy_response("", function_error=True), "ApiGateway.502", '{"message": "Internal server error"}'),
    (
        proxy_response('"not an object"', function_error=False),
        "ApiGateway.502",
        '{"message": "Internal server error"}',
    ),
    (Response(403, '{"message":"Forbidden"}'), "ApiGateway.403", '{"message":"Forbidden"}'),
    (Response(404, "plain text"), "ApiGateway.404", "plain text"),
]


@pytest.mark.parametrize(("response", "error", "cause"), FAILURES)
def test_a_status_outside_2xx_is_api_gateway_status_with_the_body_as_cause(
    response: Response, error: str, cause: str
) -> None:
    with pytest.raises(StatesError) as caught:
        output_of(response)
    assert (caught.value.error, caught.value.cause) == (error, cause)


def test_an_edge_optimized_api_answers_through_cloudfront() -> None:
    headers = with_gateway_headers(Response(200, "{}"), edge=True).headers
    assert {"Via", "X-Amz-Cf-Id", "X-Amz-Cf-Pop", "X-Cache"} <= set(headers)
    assert headers["X-Cache"] == ["Miss from cloudfront"]


HTTP_ROUTES = [
    {"RouteKey": "GET /pets"},
    {"RouteKey": "GET /pets/{id}"},
    {"RouteKey": "ANY /pets/{id}"},
    {"RouteKey": "ANY /files/{proxy+}"},
    {"RouteKey": "$default"},
]
# An HTTP API's route selection: the method's routes first, then ANY, then $default
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
ROUTE_CHOICES = [
    ("GET", "/pets", "GET /pets", {}),
    ("GET", "/pets/3", "GET /pets/{id}", {"id": "3"}),
    ("DELETE", "/pets/3", "ANY /pets/{id}", {"id": "3"}),
    ("PUT", "/files/a/b", "ANY /files/{proxy+}", {"proxy": "a/b"}),
    ("POST", "/elsewhere", "$default", {}),
]


@pytest.mark.parametrize(("method", "path", "key", "parameters"), ROUTE_CHOICES)
def test_an_http_api_picks_its_route(method: str, path: str, key: str, parameters: dict[str, str]) -> None:
    from emulator.integrations.apigateway_http import http_route

    found = http_route(HTTP_ROUTES, method, path)
    assert found is not None and (found[0]["RouteKey"], found[1]) == (key, parameters)
    assert http_route(HTTP_ROUTES[:-1], "POST", "/elsewhere") is None
