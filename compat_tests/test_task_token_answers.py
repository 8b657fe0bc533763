"""SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat through boto3, for every way a callback task
can end, and what the execution records (virtual clock: nothing waits on the wall clock).

Rows from the API reference: https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html,
API_SendTaskFailure.html, API_SendTaskHeartbeat.html (errors InvalidToken, TaskDoesNotExist,
TaskTimedOut: "The task token has either expired or the task associated with the token has already
been closed"), and the developer guide's
https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
(a waiting task pauses until SendTaskSuccess / SendTaskFailure; HeartbeatSeconds: "If the waiting
task doesn't receive a valid task token within that … period, the task fails with a States.Timeout
error name").
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

CALLS: dict[str, Callable[[Any, str], Any]] = {
    "SendTaskSuccess": lambda sfn, token: sfn.send_task_success(taskToken=token, output="{}"),
    "SendTaskFailure": lambda sfn, token: sfn.send_task_failure(taskToken=token, error="E"),
    "SendTaskHeartbeat": lambda sfn, token: sfn.send_task_heartbeat(taskToken=token),
}


def _machine(sfn_emulator: Any, task: dict[str, Any], **top: Any) -> str:
    child = sfn_emulator.create_state_machine(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    )
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
        "Parameters": {"StateMachineArn": child, "Input": {"token.$": "$$.Task.Token"}},
        "End": True,
        **task,
    }
    return str(sfn_emulator.create_state_machine({"StartAt": "Wait", "States": {"Wait": state}, **top}))


def _error_code(call: Callable[[], Any]) -> str:
    try:
        call()
    except Exception as error:  # botocore ClientError
        return str(error.response["Error"]["Code"])  # type: ignore[attr-defined]
    return "OK"


# (how the task ended, the task's fields, the machine's top-level fields, what ends it)
ENDINGS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("answered with success", {}, {}, "success"),
    ("answered with failure", {}, {}, "failure"),
    ("execution stopped", {}, {}, "stop"),
    ("TimeoutSeconds passed", {"TimeoutSeconds": 60}, {}, "advance"),
    ("HeartbeatSeconds passed", {"HeartbeatSeconds": 60}, {}, "advance"),
    ("execution TimeoutSeconds passed", {}, {"TimeoutSeconds": 60}, "advance"),
]


@pytest.mark.sfn_clock("virtual")
@pytest.mark.parametrize(("ending", "task", "top", "how"), ENDINGS, ids=[row[0] for row in ENDINGS])
def test_a_closed_task_answers_task_timed_out_to_every_call(
    sfn_emulator: Any, sfn_clock: Any, ending: str, task: dict[str, Any], top: dict[str, Any], how: str
) -> None:
    sfn = sfn_emulator.client()
    execution = sfn_emulator.start(_machine(sfn_emulator, task, **top))
    token = sfn_emulator.task_token(execution)
    if how == "success":
        sfn.send_task_success(taskToken=token, output='{"done": true}')
    elif how == "failure":
        sfn.send_task_failure(taskToken=token, error="Worker.Broke", cause="disk full")
    elif how == "stop":
        sfn.stop_execution(executionArn=execution)
    else:
        sfn_clock.advance(seconds=60)
    described = sfn_emulator.wait(execution, timeout=5)
    assert described["status"] != "RUNNING"
    assert {name: _error_code(lambda call=call: call(sfn, token)) for name, call in CALLS.items()} == {
        name: "TaskTimedOut" for name in CALLS
    }


def test_tokens_never_issued_or_malformed_are_refused(sfn_emulator: Any) -> None:
    sfn = sfn_emulator.client()
    execution = sfn_emulator.start(_machine(sfn_emulator, {}))
    token = sfn_emulator.task_token(execution)
    other_region = sfn_emulator.client(region="eu-west-1")
    rows = [
        ("not a token", "not-a-token", sfn, "InvalidToken"),
        # a token of the same form that was never issued
        (
            "never issued",
            token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
            sfn,
            "TaskDoesNotExist",
        ),
        # task tokens belong to the account and Region of their execution
        ("another Region", token, other_region, "TaskDoesNotExist"),
    ]
    found = {
        row: _error_code(lambda c=client, t=value: c.send_task_heartbeat(taskToken=t))
        for row, value, client, _ in rows
    }
    assert found == {row: code for row, _, _, code in rows}
    sfn.send_task_success(taskToken=token, output="{}")


# SendTaskFailure's error and cause are optional; the TaskFailed event carries exactly those sent and an
# uncaught failure becomes the execution's error and cause.
FAILURES = [
    ("error and cause", {"error": "Worker.Broke", "cause": "disk full"}),
    ("error only", {"error": "Worker.Broke"}),
    ("cause only", {"cause": "disk full"}),
    ("neither", {}),
]


@pytest.mark.parametrize("kind", ["callback", "activity"])
@pytest.mark.parametrize(("row", "sent"), FAILURES, ids=[row[0] for row in FAILURES])
def test_send_task_failure_fields_become_the_task_and_execution_failure(
    sfn_emulator: Any, row: str, sent: dict[str, str], kind: str
) -> None:
    sfn = sfn_emulator.client()
    if kind == "activity":
        activity = sfn.create_activity(name=f"fails-{uuid.uuid4().hex[:8]}")["activityArn"]
        states = {"Work": {"Type": "Task", "Resource": activity, "End": True}}
        execution = sfn_emulator.start(
            sfn_emulator.create_state_machine({"StartAt": "Work", "States": states})
        )
        token = sfn.get_activity_task(activityArn=activity)["taskToken"]
        failed_type, details_key = "ActivityFailed", "activityFailedEventDetails"
    else:
        execution = sfn_emulator.start(_machine(sfn_emulator, {}))
        token = sfn_emulator.task_token(execution)
        failed_type, details_key = "TaskFailed", "taskFailedEventDetails"
    sfn.send_task_failure(taskToken=token, **sent)
    described = sfn_emulator.wait(execution, timeout=5)
    assert described["status"] == "FAILED"
    assert {key: described[key] for key in ("error", "cause") if key in described} == sent
    failed = next(e for e in sfn_emulator.history(execution) if e["type"] == failed_type)[details_key]
    assert {key: failed[key] for key in ("error", "cause") if key in failed} == sent


@pytest.mark.sfn_clock("virtual")
def test_heartbeats_extend_the_wait_but_never_past_timeout_seconds(sfn_emulator: Any, sfn_clock: Any) -> None:
    # SendTaskHeartbeat: "The Timeout of a task … is its maximum allowed duration, regardless of the
    # number of SendTaskHeartbeat requests received."
    sfn = sfn_emulator.client()
    execution = sfn_emulator.start(_machine(sfn_emulator, {"HeartbeatSeconds": 60, "TimeoutSeconds": 150}))
    token = sfn_emulator.task_token(execution)
    for _ in range(2):
        sfn_clock.advance(seconds=50)
        sfn.send_task_heartbeat(taskToken=token)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"  # 100 s: beats kept it
    sfn_clock.advance(seconds=50)
    described = sfn_emulator.wait(execution, timeout=5)
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    history = sfn_emulator.history(execution)
    # "This action does not in itself create an event in the execution history. However, if the task
    # times out, the execution history contains … a TaskTimedOut entry" (API_SendTaskHeartbeat.html).
    assert [event["type"] for event in history] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskTimedOut",
        "ExecutionFailed",
    ]
    assert history[5]["taskTimedOutEventDetails"] == {
        "resourceType": "states",
        "resource": "startExecution.waitForTaskToken",
        "error": "States.Timeout",
    }


# A retrier takes a missed heartbeat when it names States.HeartbeatTimeout, States.Timeout or States.ALL,
# never States.TaskFailed (concepts-error-handling.html); each attempt waits on a token of its own, the
# closed one answering TaskTimedOut.
RETRIERS = [
    (["States.HeartbeatTimeout"], True),
    (["States.Timeout"], True),
    (["States.ALL"], True),
    (["States.TaskFailed"], False),
]


@pytest.mark.sfn_clock("virtual")
@pytest.mark.parametrize(("error_equals", "retried"), RETRIERS, ids=[row[0][0] for row in RETRIERS])
def test_a_missed_heartbeat_is_retried_with_a_new_token(
    sfn_emulator: Any, sfn_clock: Any, error_equals: list[str], retried: bool
) -> None:
    sfn = sfn_emulator.client()
    retry = {"Retry": [{"ErrorEquals": error_equals, "IntervalSeconds": 5, "MaxAttempts": 1}]}
    execution = sfn_emulator.start(_machine(sfn_emulator, {"HeartbeatSeconds": 60, **retry}))
    first = sfn_emulator.task_token(execution)
    sfn_clock.advance(seconds=60)
    if not retried:
        described = sfn_emulator.wait(execution, timeout=5)
        assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
        return
    sfn_clock.advance(seconds=5)
    second = sfn_emulator.task_token(execution)
    assert second != first
    assert _error_code(lambda: sfn.send_task_success(taskToken=first, output="{}")) == "TaskTimedOut"
    sfn.send_task_success(taskToken=second, output='{"attempt": 2}')
    described = sfn_emulator.wait(execution, timeout=5)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"attempt": 2})
    types = [event["type"] for event in sfn_emulator.history(execution)]
    assert types.count("TaskTimedOut") == 1 and types.count("TaskSubmitted") == 2


# TimeoutSeconds / HeartbeatSeconds given as a path (JSONPath: TimeoutSecondsPath, HeartbeatSecondsPath)
# or an expression (JSONata), state-task.html: resolved from the state input when the state runs,
# recorded in TaskScheduled (timeoutInSeconds / heartbeatInSeconds) and enforced as literals are.
# (row, query language, the task's fields, input, recorded timeout, recorded heartbeat, second it ends)
DYNAMIC_TIMERS: list[tuple[str, str, dict[str, Any], dict[str, Any], int | None, int | None, int]] = [
    ("TimeoutSecondsPath", "JSONPath", {"TimeoutSecondsPath": "$.t"}, {"t": 40}, 40, None, 40),
    ("HeartbeatSecondsPath", "JSONPath", {"HeartbeatSecondsPath": "$.h"}, {"h": 25}, None, 25, 25),
    (
        "both paths",
        "JSONPath",
        {"TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h"},
        {"t": 90, "h": 30},
        90,
        30,
        30,
    ),
    (
        "TimeoutSeconds expression",
        "JSONata",
        {"TimeoutSeconds": "{% $states.input.t %}"},
        {"t": 40},
        40,
        None,
        40,
    ),
    (
        "HeartbeatSeconds expression",
        "JSONata",
        {"HeartbeatSeconds": "{% $states.input.h * 2 %}"},
        {"h": 10},
        None,
        20,
        20,
    ),
]


@pytest.mark.sfn_clock("virtual")
@pytest.mark.parametrize(
    ("row", "language", "fields", "given", "timeout", "heartbeat", "ends_at"),
    DYNAMIC_TIMERS,
    ids=[row[0] for row in DYNAMIC_TIMERS],
)
def test_timers_from_the_input_are_recorded_and_enforced(
    sfn_emulator: Any,
    sfn_clock: Any,
    row: str,
    language: str,
    fields: dict[str, Any],
    given: dict[str, Any],
    timeout: int | None,
    heartbeat: int | None,
    ends_at: int,
) -> None:
    child = sfn_emulator.create_state_machine(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    )
    if language == "JSONata":
        arguments = {"StateMachineArn": child, "Input": {"token": "{% $states.context.Task.Token %}"}}
        task = {"Arguments": arguments, **fields}
    else:
        task = {"Parameters": {"StateMachineArn": child, "Input": {"token.$": "$$.Task.Token"}}, **fields}
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
        "End": True,
    }
    definition = {"QueryLanguage": language, "StartAt": "Wait", "States": {"Wait": {**state, **task}}}
    execution = sfn_emulator.start(sfn_emulator.create_state_machine(definition), given)
    sfn_emulator.task_token(execution)
    sfn_clock.advance(seconds=ends_at - 1)
    assert sfn_emulator.client().describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(seconds=1)
    described = sfn_emulator.wait(execution, timeout=5)
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    scheduled = next(e for e in sfn_emulator.history(execution) if e["type"] == "TaskScheduled")
    details = scheduled["taskScheduledEventDetails"]
    assert (details.get("timeoutInSeconds"), details.get("heartbeatInSeconds")) == (timeout, heartbeat)
