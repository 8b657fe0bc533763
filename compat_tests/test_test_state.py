"""TestState end to end: inspection levels, mocks, Retry -> RETRIABLE, Catch -> CAUGHT_ERROR, Choice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN

TASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "InputPath": "$.order",
    "Parameters": {"FunctionName": "price", "Payload.$": "$"},
    "ResultSelector": {"total.$": "$.Payload.total"},
    "ResultPath": "$.priced",
    "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 3, "MaxAttempts": 2}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
    "Next": "Ship",
}
INPUT = json.dumps({"order": {"id": 7}})
RESULT = json.dumps({"StatusCode": 200, "Payload": {"total": 42}})


def call_test_state(client: Any, definition: dict[str, Any], **members: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.test_state(definition=json.dumps(definition), roleArn=ROLE_ARN, **members)
    answer.pop("ResponseMetadata", None)
    return answer


@pytest.mark.parametrize("level", ["INFO", "DEBUG", "TRACE"])
def test_each_inspection_level_runs_the_task_with_a_mocked_result(sfn: Any, level: str) -> None:
    answer = call_test_state(sfn, TASK, input=INPUT, inspectionLevel=level, mock={"result": RESULT})
    assert answer["status"] == "SUCCEEDED"
    assert answer["nextState"] == "Ship"
    assert json.loads(answer["output"]) == {"order": {"id": 7}, "priced": {"total": 42}}
    if level == "INFO":
        assert "inspectionData" not in answer
        return
    data = answer["inspectionData"]
    assert json.loads(data["input"]) == {"order": {"id": 7}}
    assert json.loads(data["afterInputPath"]) == {"id": 7}
    assert json.loads(data["afterParameters"]) == {"FunctionName": "price", "Payload": {"id": 7}}
    assert json.loads(data["result"]) == json.loads(RESULT)
    assert json.loads(data["afterResultSelector"]) == {"total": 42}
    assert json.loads(data["afterResultPath"]) == {"order": {"id": 7}, "priced": {"total": 42}}


def test_a_retried_error_is_retriable_with_the_backoff(sfn: Any) -> None:
    error = {"error": "Lambda.TooManyRequestsException", "cause": "slow down"}
    answer = call_test_state(
        sfn,
        TASK,
        input=INPUT,
        inspectionLevel="DEBUG",
        mock={"errorOutput": error},
        stateConfiguration={"retrierRetryCount": 1},
    )
    assert (answer["status"], answer["error"], answer["cause"]) == ("RETRIABLE", error["error"], "slow down")
    assert answer["inspectionData"]["errorDetails"] == {"retryBackoffIntervalSeconds": 6, "retryIndex": 0}


def test_an_error_past_its_retries_is_caught(sfn: Any) -> None:
    error = {"error": "Lambda.TooManyRequestsException", "cause": "slow down"}
    answer = call_test_state(
        sfn,
        TASK,
        input=INPUT,
        inspectionLevel="DEBUG",
        mock={"errorOutput": error},
        stateConfiguration={"retrierRetryCount": 2},
    )
    assert answer["status"] == "CAUGHT_ERROR"
    assert answer["nextState"] == "Recover"
    assert json.loads(answer["output"]) == {
        "order": {"id": 7},
        "error": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"},
    }
    assert answer["inspectionData"]["errorDetails"] == {"retryIndex": 0, "catchIndex": 0}


def test_an_uncaught_error_fails(sfn: Any) -> None:
    definition = {key: value for key, value in TASK.items() if key != "Catch"}
    answer = call_test_state(
        sfn, definition, input=INPUT, mock={"errorOutput": {"error": "Boom", "cause": "c"}}
    )
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "Boom", "c")


def test_choice_reports_the_next_state(sfn: Any) -> None:
    machine = {
        "StartAt": "Route",
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
                "Default": "Small",
            },
            "Big": {"Type": "Succeed"},
            "Small": {"Type": "Succeed"},
        },
    }
    answer = call_test_state(sfn, machine, stateName="Route", input='{"n": 11}', inspectionLevel="TRACE")
    assert (answer["status"], answer["nextState"]) == ("SUCCEEDED", "Big")
    assert call_test_state(sfn, machine, stateName="Route", input='{"n": 1}')["nextState"] == "Small"


def test_a_mocked_parallel_state_does_not_run_its_branches(sfn: Any) -> None:
    definition = {
        "Type": "Parallel",
        "End": True,
        "ResultPath": "$.both",
        "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "NotRun"}}}],
    }
    answer = call_test_state(sfn, definition, input="{}", mock={"result": "[1, 2]"})
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == {"both": [1, 2]}


# --- mock.fieldValidationMode and the documented request rules -------------------------------------

START_EXECUTION = {
    "Type": "Task",
    "Resource": "arn:aws:states:::states:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Target"},
    "End": True,
}


def validation_message(client: Any, definition: dict[str, Any], **members: Any) -> str:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        call_test_state(client, definition, **members)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    return str(raised.value.response["Error"]["Message"])


def test_a_strict_mock_result_must_have_the_apis_required_fields(sfn: Any) -> None:
    message = validation_message(sfn, START_EXECUTION, mock={"result": "{}"})
    assert "SFN StartExecution" in message
    assert message.endswith("required field 'ExecutionArn' is missing")
    complete = json.dumps({"ExecutionArn": "arn", "StartDate": "2026-11-27T22:25:54.634585"})
    assert call_test_state(sfn, START_EXECUTION, mock={"result": complete})["status"] == "SUCCEEDED"


def test_a_present_mock_result_is_only_type_checked(sfn: Any) -> None:
    present = {"result": "{}", "fieldValidationMode": "PRESENT"}
    assert call_test_state(sfn, START_EXECUTION, mock=present)["status"] == "SUCCEEDED"
    wrong = {"result": json.dumps({"StartDate": True}), "fieldValidationMode": "PRESENT"}
    message = validation_message(sfn, START_EXECUTION, mock=wrong)
    assert message.endswith("field 'StartDate' must be a timestamp (a string or a number)")


def test_none_accepts_any_mock_result(sfn: Any) -> None:
    mock = {"result": json.dumps({"StartDate": True}), "fieldValidationMode": "NONE"}
    answer = call_test_state(sfn, START_EXECUTION, mock=mock)
    assert (answer["status"], json.loads(answer["output"])) == ("SUCCEEDED", {"StartDate": True})


def test_fields_the_api_does_not_know_are_accepted(sfn: Any) -> None:
    definition = {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents", "End": True}
    answer = call_test_state(sfn, definition, mock={"result": '{"random": "json"}'})
    assert answer["status"] == "SUCCEEDED"


def test_a_mock_is_only_for_task_map_and_parallel_states(sfn: Any) -> None:
    message = validation_message(sfn, {"Type": "Pass", "End": True}, mock={"result": "{}"})
    assert message.startswith("A mock can only be specified for Task, Map, or Parallel states")


def test_map_parallel_and_callback_tasks_need_a_mock(sfn: Any) -> None:
    parallel = {
        "Type": "Parallel",
        "End": True,
        "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}],
    }
    assert (
        validation_message(sfn, parallel)
        == "TestState only supports Parallel states when a mock is specified"
    )
    callback = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"},
        "End": True,
    }
    assert "waitForTaskToken" in validation_message(sfn, callback)


def test_context_needs_a_mock_and_state_name_a_whole_definition(sfn: Any) -> None:
    pass_state = {"Type": "Pass", "End": True}
    message = validation_message(sfn, pass_state, context="{}")
    assert message == "context may only be specified if a mock is specified in the same request"
    message = validation_message(sfn, pass_state, stateName="P")
    assert "stateName" in message


# --- TRACE for HTTP Tasks ------------------------------------------------------------------------


def http_task(live_server: Any, method: str = "GET") -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint": f"{live_server.url}/_emulator/health",
            "Method": method,
            "Headers": {"Authorization": "Bearer from-the-definition"},
            "QueryParameters": {"q": "1"},
        },
        "End": True,
    }


def test_trace_shows_an_http_tasks_request_and_response(live_server: Any, sfn: Any) -> None:
    answer = call_test_state(sfn, http_task(live_server), inspectionLevel="TRACE")
    assert answer["status"] == "SUCCEEDED"
    data = answer["inspectionData"]
    request, response = data["request"], data["response"]
    assert (request["method"], request["protocol"]) == ("GET", "HTTP/1.1")
    assert request["url"] == f"{live_server.url}/_emulator/health?q=1"
    # what the definition sends is never omitted (AWS hides only what an EventBridge connection adds)
    assert json.loads(request["headers"])["Authorization"] == "Bearer from-the-definition"
    assert (response["statusCode"], response["statusMessage"]) == ("200", "OK")
    assert "Content-Type" in json.loads(response["headers"])
    assert json.loads(answer["output"])["ResponseBody"] == json.loads(response["body"])
    revealed = call_test_state(sfn, http_task(live_server), inspectionLevel="TRACE", revealSecrets=True)
    assert revealed["inspectionData"]["request"]["headers"] == request["headers"]


def test_trace_shows_the_response_of_a_failed_http_call(live_server: Any, sfn: Any) -> None:
    answer = call_test_state(sfn, http_task(live_server, "DELETE"), inspectionLevel="TRACE")
    assert answer["status"] == "FAILED"
    assert answer["error"] == f"States.Http.StatusCode.{answer['inspectionData']['response']['statusCode']}"


def test_debug_does_not_show_the_http_exchange_and_secrets_need_trace(live_server: Any, sfn: Any) -> None:
    answer = call_test_state(sfn, http_task(live_server), inspectionLevel="DEBUG")
    assert "request" not in answer["inspectionData"] and "response" not in answer["inspectionData"]
    assert "TRACE" in validation_message(
        sfn, http_task(live_server), inspectionLevel="DEBUG", revealSecrets=True
    )


# --- Map inspection data and variables -----------------------------------------------------------


def test_a_mocked_map_shows_its_item_selector_and_batcher_results(sfn: Any) -> None:
    definition = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
        "ItemBatcher": {"MaxItemsPerBatch": 2},
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": True}},
        },
        "End": True,
    }
    answer = call_test_state(
        sfn, definition, input='{"items": ["a", "b", "c"]}', inspectionLevel="DEBUG", mock={"result": "[]"}
    )
    data = answer["inspectionData"]
    selected = [{"value": "a", "index": 0}, {"value": "b", "index": 1}, {"value": "c", "index": 2}]
    assert json.loads(data["afterItemsPath"]) == ["a", "b", "c"]
    assert json.loads(data["afterItemSelector"]) == selected
    assert json.loads(data["afterItemBatcher"]) == [{"Items": selected[:2]}, {"Items": selected[2:]}]


def test_inspection_variables_include_what_the_state_assigns(sfn: Any) -> None:
    definition = {"Type": "Pass", "Assign": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}
    answer = call_test_state(
        sfn, definition, input='{"n": 4}', inspectionLevel="DEBUG", variables='{"kept": true}'
    )
    assert json.loads(answer["inspectionData"]["variables"]) == {"kept": True, "doubled": 8}


# --- documented request rules and answers over the wire --------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html,
# API_MockErrorOutput.html, API_InspectionErrorDetails.html (retryBackoffIntervalSeconds: Integer),
# https://docs.aws.amazon.com/step-functions/latest/dg/test-state-isolation.html ("When you specify a
# mock, specifying the role becomes optional").

LAMBDA_TASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Parameters": {"FunctionName": "f"},
    "End": True,
}


@pytest.mark.parametrize(
    ("definition", "members", "code", "fragment"),
    [
        (LAMBDA_TASK, {"mock": {"errorOutput": {"cause": "c"}}}, "ValidationException", "errorOutput.error"),
        (LAMBDA_TASK, {"variables": "[1]", "mock": {"result": "{}"}}, "ValidationException", "variables"),
        ({"Type": "Pass", "Foo": 1, "End": True}, {}, "InvalidDefinition", "Field 'Foo' is not supported"),
        (
            LAMBDA_TASK,
            {"mock": {"result": "{}"}, "stateConfiguration": {"mapIterationFailureCount": 1}},
            "ValidationException",
            "mapIterationFailureCount",
        ),
    ],
)
def test_documented_rejections_over_the_wire(
    sfn: Any, definition: dict[str, Any], members: dict[str, Any], code: str, fragment: str
) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        call_test_state(sfn, definition, **members)
    assert raised.value.response["Error"]["Code"] == code
    assert fragment in raised.value.response["Error"]["Message"]


def test_an_unmocked_task_needs_a_role_a_mocked_one_does_not(sfn: Any) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        sfn.test_state(definition=json.dumps(LAMBDA_TASK))
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    answer = sfn.test_state(definition=json.dumps(LAMBDA_TASK), mock={"result": '{"StatusCode": 200}'})
    assert answer["status"] == "SUCCEEDED"


def test_the_backoff_interval_is_whole_seconds(sfn: Any) -> None:
    retry = [{"ErrorEquals": ["E"], "IntervalSeconds": 3, "BackoffRate": 1.5, "MaxAttempts": 4}]
    answer = call_test_state(
        sfn,
        {**LAMBDA_TASK, "Retry": retry},
        inspectionLevel="DEBUG",
        mock={"errorOutput": {"error": "E", "cause": "c"}},
        stateConfiguration={"retrierRetryCount": 2},
    )
    details = answer["inspectionData"]["errorDetails"]
    assert details == {"retryIndex": 0, "retryBackoffIntervalSeconds": 6}  # 3 * 1.5 ** 2 = 6.75
    assert isinstance(details["retryBackoffIntervalSeconds"], int)


def test_a_mocked_callback_task_reads_its_token_from_the_context(sfn: Any) -> None:
    definition = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
        "ResultPath": "$.answer",
        "End": True,
    }
    answer = call_test_state(sfn, definition, inspectionLevel="DEBUG", mock={"result": '{"ok": true}'})
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["inspectionData"]["afterParameters"])["MessageBody"]["token"]
    given = call_test_state(
        sfn,
        definition,
        inspectionLevel="DEBUG",
        mock={"result": '{"ok": true}'},
        context='{"Task": {"Token": "t"}}',
    )
    assert json.loads(given["inspectionData"]["afterParameters"])["MessageBody"] == {"token": "t"}


def test_a_distributed_map_shows_what_its_items_pointer_selects(sfn: Any) -> None:
    # API_InspectionData.html: afterItemsPointer, "The effective input after the ItemsPointer filter is
    # applied in a Map state"; API_TestStateConfiguration.html: mapItemReaderData, "The data read by
    # ItemReader in Distributed Map states as found in its original source".
    definition = {
        "Type": "Map",
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/orders/open"},
            "Parameters": {"Bucket": "b", "Key": "k"},
        },
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": True}},
        },
        "End": True,
    }
    answer = call_test_state(
        sfn,
        definition,
        inspectionLevel="DEBUG",
        mock={"result": "[]"},
        stateConfiguration={"mapItemReaderData": '{"orders": {"open": [{"id": 1}, {"id": 2}]}}'},
    )
    assert answer["status"] == "SUCCEEDED"
    assert answer["inspectionData"]["afterItemsPointer"] == '[{"id": 1}, {"id": 2}]'


def test_the_retry_attempt_under_test_is_the_context_retry_count(sfn: Any) -> None:
    # API_TestStateConfiguration.html: retrierRetryCount, "The number of retry attempts that have
    # occurred for the state's Retry that applies to the mocked error"; input-output-contextobject.html:
    # $$.State.RetryCount.
    definition = {**TASK, "Parameters": {"FunctionName": "price", "Payload.$": "$$.State.RetryCount"}}
    answer = call_test_state(
        sfn,
        definition,
        input=INPUT,
        inspectionLevel="DEBUG",
        mock={"result": RESULT},
        stateConfiguration={"retrierRetryCount": 1},
    )
    assert json.loads(answer["inspectionData"]["afterParameters"])["Payload"] == 1
