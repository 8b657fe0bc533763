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
