"""``arn:aws:states:::apigateway:invoke`` against a REST API of the in-process API Gateway.

Rows from "Call API Gateway with Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html): request parameters,
output format ``{ResponseBody, Headers, StatusCode, StatusText}``, errors ``ApiGateway.<status>`` with
the body as cause; the proxy event from "Set up Lambda proxy integrations in API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings

FUNCTIONS = Path(__file__).parent / "handlers" / "functions.py"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer(
        Settings(wait_time_scale=0.0, lambda_handlers={"api-proxy": f"{FUNCTIONS}:api_proxy"})
    ).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def api(server: LiveServer) -> str:
    """A REST API: ``/pets`` and ``/pets/{id}`` (Lambda proxy), ``/mock`` (MOCK), stage ``dev``."""
    gateway = aws_client(server, "apigateway", access_key=ACCOUNT)
    api_id = str(gateway.create_rest_api(name=f"api-{uuid.uuid4().hex[:6]}")["id"])
    root = gateway.get_resources(restApiId=api_id)["items"][0]["id"]
    pets = gateway.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    pet = gateway.create_resource(restApiId=api_id, parentId=pets, pathPart="{id}")["id"]
    mock = gateway.create_resource(restApiId=api_id, parentId=root, pathPart="mock")["id"]
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:api-proxy"
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"
    for resource in (pets, pet):
        gateway.put_method(restApiId=api_id, resourceId=resource, httpMethod="ANY", authorizationType="NONE")
        gateway.put_integration(
            restApiId=api_id,
            resourceId=resource,
            httpMethod="ANY",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=uri,
        )
    gateway.put_method(restApiId=api_id, resourceId=mock, httpMethod="GET", authorizationType="NONE")
    gateway.put_integration(
        restApiId=api_id,
        resourceId=mock,
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    gateway.put_method_response(restApiId=api_id, resourceId=mock, httpMethod="GET", statusCode="200")
    gateway.put_integration_response(
        restApiId=api_id,
        resourceId=mock,
        httpMethod="GET",
        statusCode="200",
        responseTemplates={"application/json": '{"mocked": true}'},
    )
    gateway.create_deployment(restApiId=api_id, stageName="dev")
    return api_id


def run(server: LiveServer, parameters: dict[str, Any]) -> dict[str, Any]:
    sfn = aws_client(server, "stepfunctions", access_key=ACCOUNT)
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::apigateway:invoke",
                "Parameters": parameters,
                "End": True,
            }
        },
    }
    machine = sfn.create_state_machine(
        name=f"apigw-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    return wait_finished(sfn, execution)


def endpoint(api_id: str) -> str:
    return f"{api_id}.execute-api.us-east-1.amazonaws.com"


def test_a_lambda_proxy_resource_answers_with_the_documented_output(server: LiveServer, api: str) -> None:
    described = run(
        server,
        {
            "ApiEndpoint": endpoint(api),
            "Method": "POST",
            "Stage": "dev",
            "Path": "pets/7",
            "QueryParameters": {"kind": ["cat", "dog"]},
            "RequestBody": {"name": "Rex"},
            "AuthType": "NO_AUTH",
        },
    )
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert set(output) == {"Headers", "ResponseBody", "StatusCode", "StatusText"}
    assert (output["StatusCode"], output["StatusText"]) == (200, "OK")
    assert output["ResponseBody"] == {
        "method": "POST",
        "path": "/pets/7",
        "resource": "/pets/{id}",
        "query": {"kind": ["cat", "dog"]},
        "pathParameters": {"id": "7"},
        "body": {"name": "Rex"},
        "stage": "dev",
    }
    assert all(isinstance(values, list) for values in output["Headers"].values())
    assert output["Headers"]["Content-Type"] == ["application/json"]


# (parameters beyond ApiEndpoint/Stage, error, cause): a status outside 2xx is ApiGateway.<status>
# with the response body as cause; an unknown path API Gateway answers 403 "Missing Authentication Token".
FAILURES = [
    (
        {"Method": "POST", "Path": "pets", "RequestBody": {"fail": True}},
        "ApiGateway.400",
        '{"errors": ["Errors.Failure"]}',
    ),
    ({"Method": "GET", "Path": "nowhere"}, "ApiGateway.403", '{"message":"Missing Authentication Token"}'),
    ({"Method": "POST", "Path": "mock"}, "ApiGateway.403", '{"message":"Missing Authentication Token"}'),
]


@pytest.mark.parametrize(("parameters", "error", "cause"), FAILURES)
def test_a_failing_call_is_api_gateway_status(
    server: LiveServer, api: str, parameters: dict[str, Any], error: str, cause: str
) -> None:
    described = run(server, {"ApiEndpoint": endpoint(api), "Stage": "dev", **parameters})
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", error, cause)


def test_an_unknown_stage_is_forbidden(server: LiveServer, api: str) -> None:
    described = run(server, {"ApiEndpoint": endpoint(api), "Method": "GET", "Stage": "prod", "Path": "pets"})
    assert (described["error"], described["cause"]) == ("ApiGateway.403", '{"message":"Forbidden"}')


def test_a_mock_integration_answers_its_integration_response(server: LiveServer, api: str) -> None:
    described = run(server, {"ApiEndpoint": endpoint(api), "Method": "GET", "Stage": "dev", "Path": "/mock"})
    assert json.loads(described["output"])["ResponseBody"] == {"mocked": True}


@pytest.fixture(scope="module")
def http_api(server: LiveServer) -> str:
    """An HTTP API with a ``$default`` stage: ``POST /pets/{id}`` to the Lambda function (payload 2.0)."""
    gateway = aws_client(server, "apigatewayv2", access_key=ACCOUNT)
    api_id = str(gateway.create_api(Name=f"http-{uuid.uuid4().hex[:6]}", ProtocolType="HTTP")["ApiId"])
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:api-proxy"
    integration = gateway.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=function, PayloadFormatVersion="2.0"
    )["IntegrationId"]
    gateway.create_route(ApiId=api_id, RouteKey="POST /pets/{id}", Target=f"integrations/{integration}")
    gateway.create_stage(ApiId=api_id, StageName="$default")
    return api_id


# HTTP APIs (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html: "Stage ... optional
# for any HTTP API that uses the $default stage"; routes and the 2.0 payload:
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
def test_an_http_api_route_reaches_its_lambda_proxy(server: LiveServer, http_api: str) -> None:
    described = run(
        server,
        {
            "ApiEndpoint": endpoint(http_api),
            "Method": "POST",
            "Path": "pets/9",
            "RequestBody": {"name": "Rex"},
        },
    )
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["StatusCode"] == 200
    assert output["ResponseBody"] == {
        "route": "POST /pets/{id}",
        "pathParameters": {"id": "9"},
        "body": {"name": "Rex"},
    }
    missing = run(server, {"ApiEndpoint": endpoint(http_api), "Method": "GET", "Path": "pets/9"})
    assert (missing["error"], missing["cause"]) == ("ApiGateway.404", '{"message":"Not Found"}')


# Step Functions checks an apigateway:invoke task's parameters before it starts the task: a value of
# the wrong JSON type fails the state with States.Runtime, "The Parameters '<parameters>' could not be
# used to start the Task: [The value of the field '<field>' has an invalid format]" (AWS's text for a
# QueryParameters string), nothing scheduled. Field types from "Call API Gateway with Step Functions"
# (https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html): Headers and
# QueryParameters are maps of lists, Stage / Path / Method / AuthType strings, AllowNullValues a boolean.
INVALID_FORMATS = [
    ("QueryParameters", "?symbol=BTC&token=t"),
    ("Headers", ["x-a"]),
    ("Stage", 1),
    ("Path", {"p": 1}),
    ("AllowNullValues", "yes"),
]


@pytest.mark.parametrize(("field", "value"), INVALID_FORMATS)
def test_a_parameter_of_the_wrong_type_fails_before_the_task_starts(
    server: LiveServer, api: str, field: str, value: Any
) -> None:
    parameters = {"ApiEndpoint": endpoint(api), "Method": "GET", "Stage": "dev", "Path": "pets", field: value}
    described = run(server, parameters)
    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")
    sent = json.dumps(parameters, separators=(",", ":"))
    assert described["cause"] == (
        "An error occurred while executing the state 'Call' (entered at the event id #2). "
        f"The Parameters '{sent}' could not be used to start the Task: "
        f"[The value of the field '{field}' has an invalid format]"
    )
    sfn = aws_client(server, "stepfunctions", access_key=ACCOUNT)
    types = [e["type"] for e in sfn.get_execution_history(executionArn=described["executionArn"])["events"]]
    assert types == ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]
