"""Lambda as Step Functions sees it, by class of behaviour, end to end: a live server runs real
handler files (compat_tests/handlers/behaviours) and boto3 reads the executions. Each table cites
the AWS page its rows come from."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import LiveServer
from emulator.settings import Settings

CODE = Path(__file__).parent / "handlers" / "behaviours"
ACCOUNT, REGION = "123456789012", "us-east-1"
FUNCTIONS = {"results": "results.handler", "echo": "echo.handler", "imports": "import_error.handler"}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    settings = Settings(
        wait_time_scale=0.0,
        lambda_handlers=FUNCTIONS,
        lambda_options={name: {"codeDir": str(CODE), "runtime": "python3.12"} for name in FUNCTIONS},
        lambda_trace_paths="lambda",
    )
    live = LiveServer(settings).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def sfn(server: LiveServer) -> Any:
    return aws_client(server, "stepfunctions")


def run_task(
    sfn: Any, task: dict[str, Any], payload: Any = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run a one-Task machine on ``payload``; DescribeExecution and the task's closing events."""
    definition = {"StartAt": "Call", "States": {"Call": dict(task, End=True)}}
    arn = sfn.create_state_machine(
        name=f"lambda-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload or {}))["executionArn"]
    described = wait_finished(sfn, execution)
    events = sfn.get_execution_history(executionArn=execution)["events"]
    return described, events


def legacy(function: str, payload: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}",
        "Parameters": payload,
    }


def optimized(function: str, **parameters: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, **parameters},
    }


def details(events: list[dict[str, Any]], event_type: str) -> dict[str, Any]:
    event = next(event for event in events if event["type"] == event_type)
    key = event_type[0].lower() + event_type[1:] + "EventDetails"
    return dict(event[key])


# A function error fails the task with the error document's errorType as its name; the cause is
# the document: as the runtime wrote it for a function ARN Resource (LambdaFunctionFailed), as
# compact JSON for lambda:invoke (TaskFailed) ("Invoke an AWS Lambda function with Step Functions":
# a raised exception fails the task; "AWS Lambda function errors in Python": the document).
# https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
FUNCTION_ERRORS = [
    ("results", {"case": "raise_builtin"}, "ValueError", "bad value"),
    ("results", {"case": "raise_custom"}, "CustomError", "custom text"),
    ("results", {"case": "raise_without_args"}, "MessageOnly", ""),
    ("results", {"case": "raise_unicode"}, "RuntimeError", "échec"),
    (
        "results",
        {"case": "datetime"},
        "Runtime.MarshalError",
        "Unable to marshal response: Object of type datetime is not JSON serializable",
    ),
    (
        "imports",
        {},
        "Runtime.ImportModuleError",
        "Unable to import module 'import_error': No module named 'a_module_nobody_installed'",
    ),
]


@pytest.mark.parametrize(("function", "payload", "error", "message"), FUNCTION_ERRORS)
def test_a_function_error_fails_the_task_with_its_error_type(
    sfn: Any, function: str, payload: dict[str, Any], error: str, message: str
) -> None:
    described, events = run_task(sfn, legacy(function, payload))
    failed = details(events, "LambdaFunctionFailed")
    document = json.loads(failed["cause"])
    assert (described["status"], failed["error"], document["errorType"], document["errorMessage"]) == (
        "FAILED",
        error,
        error,
        message,
    )
    assert failed["cause"] == json.dumps(document, ensure_ascii=False)  # the runtime's text

    described, events = run_task(sfn, optimized(function, Payload=payload))
    failed = details(events, "TaskFailed")
    assert (failed["error"], failed["resourceType"], failed["resource"]) == (error, "lambda", "invoke")
    assert failed["cause"] == json.dumps(
        json.loads(failed["cause"]), ensure_ascii=False, separators=(",", ":")
    )
    assert json.loads(failed["cause"])["errorMessage"] == message


# lambda:invoke's result: the Invoke response with the payload parsed from JSON, StatusCode 200,
# ExecutedVersion, and the HTTP facts (Content-Length: the body's bytes as the python3.12 runtime
# writes them) ("Invoke an AWS Lambda function with Step Functions": the Payload field is parsed
# from escaped JSON to JSON; Invoke's response syntax).
# https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
RESULTS = [
    ("none", None, "null"),
    ("true", True, "true"),
    ("int", 7, "7"),
    ("float", 1.5, "1.5"),
    ("string", "text", '"text"'),
    ("unicode", "café ☕", '"café ☕"'),
    ("list", [1, "a", None], '[1, "a", null]'),
    ("object", {"a": {"b": [1, 2]}}, '{"a": {"b": [1, 2]}}'),
    ("decimal", 1.10, "1.10"),
    ("bytes", {"raw": True}, '{"raw": true}'),
]


@pytest.mark.parametrize(("case", "payload", "body"), RESULTS)
def test_lambda_invoke_answers_the_invoke_response(sfn: Any, case: str, payload: Any, body: str) -> None:
    described, events = run_task(sfn, optimized("results", Payload={"case": case}))
    output = json.loads(described["output"])
    headers = output["SdkHttpMetadata"]["HttpHeaders"]
    assert (output["Payload"], output["StatusCode"], output["ExecutedVersion"]) == (payload, 200, "$LATEST")
    assert headers["Content-Length"] == str(len(body.encode()))
    legacy_described, _ = run_task(sfn, legacy("results", {"case": case}))
    assert json.loads(legacy_described["output"]) == payload


# The Payload Step Functions sends and the event the function receives: a JSON value as it is, a
# string as the JSON text it holds, no Payload (or null) as an empty payload, which reaches the
# function as {} (Invoke: Payload is the JSON to provide to the function).
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
PAYLOADS = [
    ({"Payload": {"a": 1}}, {"a": 1}),
    ({"Payload": [1, 2]}, [1, 2]),
    ({"Payload": '"quoted"'}, "quoted"),
    ({"Payload": '{"from": "text"}'}, {"from": "text"}),
    ({"Payload": 5}, 5),
    ({"Payload": None}, {}),
    ({}, {}),
]


@pytest.mark.parametrize(("parameters", "event"), PAYLOADS)
def test_the_payload_reaches_the_function_as_its_event(
    sfn: Any, parameters: dict[str, Any], event: Any
) -> None:
    described, _ = run_task(sfn, optimized("echo", **parameters))
    assert json.loads(described["output"])["Payload"] == {"event": event}


# Function name forms and qualifiers: a name, name:qualifier, a partial ARN, a full ARN with or
# without a qualifier, or Qualifier; ExecutedVersion is the version that ran (an alias runs the
# local code as $LATEST) and the function sees the ARN it was invoked by (Invoke: FunctionName
# formats and Qualifier; context object: invoked_function_arn).
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
# https://docs.aws.amazon.com/lambda/latest/dg/python-context.html
BASE = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:results"
QUALIFIERS = [
    ({"FunctionName": "results"}, "$LATEST", BASE),
    ({"FunctionName": "results:7"}, "7", BASE + ":7"),
    ({"FunctionName": "results", "Qualifier": "7"}, "7", BASE + ":7"),
    ({"FunctionName": "results:live"}, "$LATEST", BASE + ":live"),
    ({"FunctionName": f"{ACCOUNT}:function:results"}, "$LATEST", BASE),
    ({"FunctionName": BASE}, "$LATEST", BASE),
    ({"FunctionName": BASE + ":3"}, "3", BASE + ":3"),
]


@pytest.mark.parametrize(("parameters", "version", "invoked"), QUALIFIERS)
def test_name_forms_and_qualifiers(sfn: Any, parameters: dict[str, Any], version: str, invoked: str) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {**parameters, "Payload": {"case": "context"}},
    }
    described, _ = run_task(sfn, task)
    output = json.loads(described["output"])
    assert (output["ExecutedVersion"], output["Payload"]["arn"], output["Payload"]["version"]) == (
        version,
        invoked,
        version,
    )


# aws-sdk:lambda:invoke passes Invoke's Qualifier on: the function runs as invoked by the qualified
# ARN (Invoke: FunctionName and Qualifier).
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
# https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
@pytest.mark.parametrize(
    ("parameters", "version", "invoked"),
    [
        ({"FunctionName": "results", "Qualifier": "7"}, "7", BASE + ":7"),
        ({"FunctionName": f"{ACCOUNT}:function:results", "Qualifier": "live"}, "$LATEST", BASE + ":live"),
    ],
)
def test_the_sdk_integration_passes_the_qualifier_on(
    sfn: Any, parameters: dict[str, Any], version: str, invoked: str
) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:lambda:invoke",
        "Parameters": {**parameters, "Payload": json.dumps({"case": "context"})},
    }
    described, _ = run_task(sfn, task)
    output = json.loads(described["output"])
    assert output["ExecutedVersion"] == version
    assert json.loads(output["Payload"])["arn"] == invoked


# Lambda's own errors, end to end: the name (Lambda.<exception>, the SDK's base exception for a code
# outside the model) and the SDK's cause form per integration; the function never runs.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
# https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
SERVICE_FAILURES = [
    (
        "arn:aws:states:::lambda:invoke",
        {"FunctionName": "results:live", "Qualifier": "blue"},
        "Lambda.InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier. (Service: "
        "AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException; Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:lambda:invoke",
        {"FunctionName": "results:live", "Qualifier": "blue"},
        "Lambda.InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier. (Service: "
        "Lambda, Status Code: 400, Request ID: ",
    ),
    (
        "arn:aws:states:::lambda:invoke",
        {"FunctionName": "no-such-function", "Qualifier": "7"},
        "Lambda.ResourceNotFoundException",
        f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:no-such-function:7 (Service: "
        "AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ",
    ),
    (
        "arn:aws:states:::aws-sdk:lambda:invoke",
        {"FunctionName": f"{ACCOUNT}:function:no-such-function"},
        "Lambda.ResourceNotFoundException",
        f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:no-such-function:$LATEST (Service: "
        "Lambda, Status Code: 404, Request ID: ",
    ),
    (
        "arn:aws:states:::lambda:invoke",
        {"FunctionName": "results", "Qualifier": "not.valid"},
        "Lambda.AWSLambdaException",
        "1 validation error detected: Value 'not.valid' at 'qualifier' failed to satisfy constraint: ",
    ),
    (
        "arn:aws:states:::aws-sdk:lambda:invoke",
        {"FunctionName": "results", "Qualifier": "not.valid"},
        "Lambda.LambdaException",
        "1 validation error detected: Value 'not.valid' at 'qualifier' failed to satisfy constraint: ",
    ),
]


@pytest.mark.parametrize(("resource", "parameters", "error", "cause"), SERVICE_FAILURES)
def test_lambda_service_errors(
    sfn: Any, resource: str, parameters: dict[str, Any], error: str, cause: str
) -> None:
    described, events = run_task(sfn, {"Type": "Task", "Resource": resource, "Parameters": parameters})
    failed = details(events, "TaskFailed")
    assert (described["status"], failed["error"]) == ("FAILED", error)
    assert failed["cause"].startswith(cause)


# InvocationType: RequestResponse answers 200, Event 202, DryRun 204 (Invoke: StatusCode).
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
@pytest.mark.parametrize(
    ("invocation_type", "status"), [("RequestResponse", 200), ("Event", 202), ("DryRun", 204)]
)
def test_invocation_types_answer_their_status_code(sfn: Any, invocation_type: str, status: int) -> None:
    described, _ = run_task(sfn, optimized("echo", Payload={"a": 1}, InvocationType=invocation_type))
    output = json.loads(described["output"])
    assert (output["StatusCode"], output["SdkHttpMetadata"]["HttpStatusCode"]) == (status, status)
    assert output["Payload"] == ({"event": {"a": 1}} if status == 200 else "")


# LogType Tail: LogResult is the base64 of the invocation's log (its last 4 KB): what the function
# printed and logged at INFO (Lambda's default log level), between START and REPORT (Invoke:
# LogType, LogResult; "Log and monitor Python Lambda functions").
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
# https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
def test_log_type_tail_answers_the_invocations_log(sfn: Any) -> None:
    described, _ = run_task(sfn, optimized("results", Payload={"case": "log"}, LogType="Tail"))
    output = json.loads(described["output"])
    log = base64.b64decode(output["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0].startswith("START RequestId: ") and lines[-1].startswith("REPORT RequestId: ")
    assert "printed line" in lines
    assert any(line.startswith("[INFO]\t") and line.endswith("\tinfo line") for line in lines)
    assert "debug line" not in log
    assert output["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Log-Result"] == output["LogResult"]


# ClientContext reaches the function as context.client_context (Invoke: ClientContext, base64 JSON;
# context object: client_context.custom / .client).
# https://docs.aws.amazon.com/lambda/latest/dg/python-context.html
def test_client_context_reaches_the_function(sfn: Any) -> None:
    context = base64.b64encode(
        json.dumps({"custom": {"tenant": "t1"}, "client": {"app_title": "shop"}}).encode()
    )
    described, _ = run_task(
        sfn, optimized("results", Payload={"case": "context"}, ClientContext=context.decode())
    )
    payload = json.loads(described["output"])["Payload"]
    assert (payload["custom"], payload["app_title"], payload["identity"]) == ({"tenant": "t1"}, "shop", None)
