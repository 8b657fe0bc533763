"""A Python Lambda handler behind a ``lambda:invoke.waitForTaskToken`` task, through the pytest
plugin's fixtures as a user's test sees it: the handler gets the token in its event, the task waits
until the test (``sfn_emulator.send_task_success`` / the boto3 client) or the handler answers, and an
unanswered token times out on the virtual clock at its HeartbeatSeconds / TimeoutSeconds.

https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
https://docs.aws.amazon.com/step-functions/latest/dg/callback-task-sample-sqs.html
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

MS = timedelta(milliseconds=1)


def callback_machine(**task: Any) -> dict[str, Any]:
    return {
        "StartAt": "Approve",
        "States": {
            "Approve": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": "approve",
                    "Payload": {"order.$": "$.order", "token.$": "$$.Task.Token"},
                },
                "End": True,
                **task,
            }
        },
    }


def _events(history: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in history if event["type"] == kind]


def test_the_handler_gets_the_token_and_the_test_answers_it(sfn_emulator: Any) -> None:
    seen: list[Any] = []

    def approve(event: Any, context: Any) -> Any:
        seen.append(event)
        return {"queued": True}

    sfn_emulator.lambda_handler("approve", approve)
    execution = sfn_emulator.start(sfn_emulator.create_state_machine(callback_machine()), {"order": 7})
    token = sfn_emulator.task_token(execution)
    assert seen == [{"order": 7, "token": token}]
    assert sfn_emulator.task_tokens(execution) == {token: "Approve"}
    assert sfn_emulator.client().describe_execution(executionArn=execution)["status"] == "RUNNING"

    sfn_emulator.send_task_success(token, {"approved": True})
    described = sfn_emulator.wait(execution, timeout=5)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"approved": True}
    history = sfn_emulator.history(execution)
    submitted = json.loads(_events(history, "TaskSubmitted")[0]["taskSubmittedEventDetails"]["output"])
    assert submitted["StatusCode"] == 200 and submitted["Payload"] == {"queued": True}
    assert sfn_emulator.task_tokens(execution) == {}


def test_the_boto3_client_answers_a_token_and_a_failure_fails_the_task(sfn_emulator: Any) -> None:
    sfn_emulator.lambda_handler("approve", lambda event, context: None)
    machine = sfn_emulator.create_state_machine(callback_machine())
    sfn = sfn_emulator.client()

    first = sfn_emulator.start(machine, {"order": 1})
    sfn.send_task_success(taskToken=sfn_emulator.task_token(first), output='{"by": "boto3"}')
    assert json.loads(sfn_emulator.wait(first, timeout=5)["output"]) == {"by": "boto3"}

    second = sfn_emulator.start(machine, {"order": 2})
    sfn_emulator.send_task_failure(sfn_emulator.task_token(second), "Rejected", "out of stock")
    described = sfn_emulator.wait(second, timeout=5)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Rejected",
        "out of stock",
    )


def test_the_handler_may_answer_its_own_token(sfn_emulator: Any) -> None:
    def approve(event: Any, context: Any) -> None:  # runs on the emulator's loop: no boto3 call here
        sfn_emulator.send_task_heartbeat(event["token"])
        sfn_emulator.send_task_success(event["token"], {"order": event["order"], "auto": True})

    sfn_emulator.lambda_handler("approve", approve)
    described = sfn_emulator.run(callback_machine(), {"order": 3})
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"order": 3, "auto": True}


def test_a_function_error_fails_the_task_without_a_token_wait(sfn_emulator: Any) -> None:
    def approve(event: Any, context: Any) -> None:
        raise PermissionError("no approver on duty")

    sfn_emulator.lambda_handler("approve", approve)
    described = sfn_emulator.run(callback_machine(), {"order": 4})
    assert (described["status"], described["error"]) == ("FAILED", "PermissionError")
    history = sfn_emulator.history(described["executionArn"])
    assert not _events(history, "TaskSubmitted") and _events(history, "TaskFailed")


@pytest.mark.sfn_clock("virtual")
@pytest.mark.parametrize(
    ("task", "seconds"),
    [
        ({"HeartbeatSeconds": 60}, 60),
        ({"TimeoutSeconds": 300}, 300),
        ({"TimeoutSeconds": 300, "HeartbeatSeconds": 200}, 200),
    ],
)
def test_an_unanswered_token_times_out_on_the_virtual_clock(
    sfn_emulator: Any, sfn_clock: Any, task: dict[str, Any], seconds: int
) -> None:
    sfn_emulator.lambda_handler("approve", lambda event, context: None)
    execution = sfn_emulator.start(sfn_emulator.create_state_machine(callback_machine(**task)), {"order": 5})
    token = sfn_emulator.task_token(execution)
    sfn_clock.advance(seconds=seconds - 1)
    assert sfn_emulator.client().describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(seconds=1)
    described = sfn_emulator.wait(execution, timeout=5)
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    history = sfn_emulator.history(execution)
    submitted = _events(history, "TaskSubmitted")[0]["timestamp"]
    timed_out = _events(history, "TaskTimedOut")[0]["timestamp"]
    assert abs(timed_out - submitted - timedelta(seconds=seconds)) < MS
    with pytest.raises(Exception, match="TaskTimedOut"):  # AWS's answer to a token answered too late
        sfn_emulator.client().send_task_success(taskToken=token, output="{}")


@pytest.mark.sfn_clock("virtual")
def test_a_heartbeat_from_the_test_keeps_the_token_alive(sfn_emulator: Any, sfn_clock: Any) -> None:
    sfn_emulator.lambda_handler("approve", lambda event, context: None)
    execution = sfn_emulator.start(
        sfn_emulator.create_state_machine(callback_machine(HeartbeatSeconds=60)), {"order": 6}
    )
    token = sfn_emulator.task_token(execution)
    sfn_clock.advance(seconds=50)
    sfn_emulator.send_task_heartbeat(token)
    sfn_clock.advance(seconds=50)  # 100 s after the start, 50 after the beat
    sfn_emulator.send_task_success(token, '"late but alive"')
    assert json.loads(sfn_emulator.wait(execution, timeout=5)["output"]) == "late but alive"


def test_task_token_picks_a_state_and_reports_an_execution_that_ended_without_one(sfn_emulator: Any) -> None:
    sfn_emulator.lambda_handler("approve", lambda event, context: None)
    branch = callback_machine()
    left = {"StartAt": "Left", "States": {"Left": branch["States"]["Approve"]}}
    right = {"StartAt": "Right", "States": {"Right": branch["States"]["Approve"]}}
    parallel = {
        "StartAt": "Both",
        "States": {"Both": {"Type": "Parallel", "Branches": [left, right], "End": True}},
    }
    execution = sfn_emulator.start(sfn_emulator.create_state_machine(parallel), {"order": 8})
    right_token = sfn_emulator.task_token(execution, state="Right")
    left_token = sfn_emulator.task_token(execution, state="Left")
    assert right_token != left_token
    sfn_emulator.send_task_success(left_token, '"L"')
    sfn_emulator.send_task_success(right_token, '"R"')
    assert json.loads(sfn_emulator.wait(execution, timeout=5)["output"]) == ["L", "R"]

    ended = sfn_emulator.run({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(LookupError, match="ended \\(SUCCEEDED\\) with no task token waiting"):
        sfn_emulator.task_token(ended["executionArn"])
