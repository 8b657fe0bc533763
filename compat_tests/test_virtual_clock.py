"""Virtual time through the pytest plugin's fixtures, as a user's test sees it: Wait states, Retry
intervals, HeartbeatSeconds / TimeoutSeconds and every timestamp follow the emulator's clock, and
histories are spaced exactly as the clock says (how fast these finish is measured by
``make bench``, not here)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

YEAR = 365 * 24 * 3600
MS = timedelta(milliseconds=1)


def _events(history: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in history if event["type"] == kind]


def test_a_one_year_wait_ends_with_its_exit_stamped_a_year_after_its_entry(sfn_emulator: Any) -> None:
    described = sfn_emulator.run(
        {
            "StartAt": "Sleep",
            "States": {
                "Sleep": {"Type": "Wait", "Seconds": YEAR, "Next": "Stamp"},
                "Stamp": {"Type": "Pass", "Parameters": {"entered.$": "$$.State.EnteredTime"}, "End": True},
            },
        }
    )
    assert described["status"] == "SUCCEEDED"
    history = sfn_emulator.history(described["executionArn"])
    entered = _events(history, "WaitStateEntered")[0]["timestamp"]
    exited = _events(history, "WaitStateExited")[0]["timestamp"]
    assert abs(exited - entered - timedelta(seconds=YEAR)) < MS
    assert abs(described["stopDate"] - described["startDate"] - timedelta(seconds=YEAR)) < MS
    output = sfn_emulator.history(described["executionArn"])[-1]["executionSucceededEventDetails"]["output"]
    stamped = datetime.fromisoformat(output.split('"')[3].replace("Z", "+00:00"))
    assert abs(stamped - exited) < MS  # $$.State.EnteredTime of the next state is the clock's time


def test_ten_retries_with_backoff_rate_two_are_spaced_one_to_512_seconds(sfn_emulator: Any) -> None:
    calls: list[Any] = []

    def flaky(event: Any, context: Any) -> Any:
        calls.append(event)
        raise ConnectionError("the downstream service is down")

    sfn_emulator.lambda_handler("flaky", flaky)
    described = sfn_emulator.run(
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "flaky", "Payload.$": "$"},
                    "Retry": [
                        {
                            "ErrorEquals": ["States.ALL"],
                            "IntervalSeconds": 1,
                            "BackoffRate": 2.0,
                            "MaxAttempts": 10,
                        }
                    ],
                    "End": True,
                }
            },
        },
        {"order": 7},
    )
    assert described["status"] == "FAILED"
    assert described["error"] == "ConnectionError"
    assert len(calls) == 11 and calls[0] == {"order": 7}
    history = sfn_emulator.history(described["executionArn"])
    scheduled = [event["timestamp"] for event in _events(history, "TaskScheduled")]
    failed = [event["timestamp"] for event in _events(history, "TaskFailed")]
    assert len(scheduled) == len(failed) == 11
    gaps = [
        (next_try - failure).total_seconds() for failure, next_try in zip(failed, scheduled[1:], strict=False)
    ]
    assert [round(gap, 3) for gap in gaps] == [float(2**n) for n in range(10)]
    total = history[-1]["timestamp"] - history[0]["timestamp"]
    assert abs(total - timedelta(seconds=1023)) < MS


@pytest.mark.sfn_clock("virtual")
def test_a_missed_activity_heartbeat_times_the_task_out_heartbeat_seconds_after_the_last_beat(
    sfn_emulator: Any, sfn_clock: Any
) -> None:
    sfn = sfn_emulator.client()
    activity = sfn.create_activity(name="pack-order")["activityArn"]
    machine = sfn_emulator.create_state_machine(
        {
            "StartAt": "Pack",
            "States": {
                "Pack": {
                    "Type": "Task",
                    "Resource": activity,
                    "HeartbeatSeconds": 60,
                    "TimeoutSeconds": 3600,
                    "End": True,
                }
            },
        }
    )
    execution = sfn_emulator.start(machine, {"order": 1})
    task = sfn.get_activity_task(activityArn=activity, workerName="packer")
    sfn_clock.advance(seconds=30)
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    beat = sfn_clock.now()
    sfn_clock.advance(seconds=59)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(seconds=1)
    described = sfn_emulator.wait(execution, timeout=5)
    # state-task.html (HeartbeatSeconds): "this state fails with a States.Timeout error name".
    assert described["status"] == "FAILED" and described["error"] == "States.Timeout"
    history = sfn_emulator.history(execution)
    assert [event["type"] for event in history] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivityTimedOut",
        "ExecutionFailed",
    ]
    timed_out = _events(history, "ActivityTimedOut")[0]["timestamp"]
    assert abs(timed_out - beat - timedelta(seconds=60)) < MS


@pytest.mark.sfn_clock("virtual")
def test_task_timeout_seconds_follows_the_clock_while_the_function_runs(
    sfn_emulator: Any, sfn_clock: Any
) -> None:
    async def never_answers(event: Any, context: Any) -> Any:
        await asyncio.Event().wait()

    sfn_emulator.lambda_handler("stuck", never_answers)
    machine = sfn_emulator.create_state_machine(
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "stuck"},
                    "TimeoutSeconds": 300,
                    "End": True,
                }
            },
        }
    )
    execution = sfn_emulator.start(machine)
    sfn_clock.advance(seconds=299)
    assert sfn_emulator.client().describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(seconds=1)
    described = sfn_emulator.wait(execution, timeout=5)
    assert described["status"] == "FAILED" and described["error"] == "States.Timeout"
    history = sfn_emulator.history(execution)
    started = _events(history, "TaskStarted")[0]["timestamp"]
    timed_out = _events(history, "TaskTimedOut")[0]["timestamp"]
    assert abs(timed_out - started - timedelta(seconds=300)) < MS


def test_the_execution_timeout_ends_a_longer_wait_at_its_own_deadline(sfn_emulator: Any) -> None:
    described = sfn_emulator.run(
        {
            "TimeoutSeconds": 3600,
            "StartAt": "W",
            "States": {"W": {"Type": "Wait", "Seconds": 7200, "End": True}},
        }
    )
    assert described["status"] == "TIMED_OUT"
    assert abs(described["stopDate"] - described["startDate"] - timedelta(hours=1)) < MS


@pytest.mark.sfn_clock("virtual")
def test_on_the_virtual_clock_an_execution_waits_until_the_test_moves_time(
    sfn_emulator: Any, sfn_clock: Any
) -> None:
    machine = sfn_emulator.create_state_machine(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": True}}}
    )
    start = sfn_clock.now()
    execution = sfn_emulator.start(machine)
    sfn = sfn_emulator.client()
    assert sfn_clock.pending == [start + timedelta(days=1)]
    sfn_clock.advance(hours=23)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.set(start + timedelta(days=1))
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
    with pytest.raises(TimeoutError):  # nothing moves the time: the wait gives up, saying why
        sfn_emulator.wait(sfn_emulator.start(machine), timeout=0.2)


@pytest.mark.sfn_clock("virtual")
def test_the_issue_example_with_the_wait_observed_before_the_advance(
    sfn_emulator: Any, sfn_clock: Any
) -> None:
    import json

    sfn = sfn_emulator.client()  # (compat_tests' own ``sfn`` fixture is another server's client)
    arn = sfn.create_state_machine(
        name="orders",
        roleArn="arn:aws:iam::123456789012:role/sfn",
        definition=json.dumps(
            {"StartAt": "Day", "States": {"Day": {"Type": "Wait", "Seconds": 86400, "End": True}}}
        ),
    )["stateMachineArn"]
    run = sfn.start_execution(stateMachineArn=arn, input='{"id": 1}')
    assert sfn.describe_execution(executionArn=run["executionArn"])["status"] == "RUNNING"
    sfn_clock.advance(hours=24)
    assert sfn.describe_execution(executionArn=run["executionArn"])["status"] == "SUCCEEDED"
    assert sfn_clock.now() > datetime.now(UTC) + timedelta(hours=23)


def test_a_parent_waiting_on_a_nested_execution_does_not_hold_the_auto_clock(sfn_emulator: Any) -> None:
    child = sfn_emulator.create_state_machine(
        {"StartAt": "Year", "States": {"Year": {"Type": "Wait", "Seconds": YEAR, "End": True}}}, name="child"
    )
    described = sfn_emulator.run(
        {
            "StartAt": "Run child",
            "States": {
                "Run child": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": child},
                    "End": True,
                }
            },
        }
    )
    assert described["status"] == "SUCCEEDED"
    assert abs(described["stopDate"] - described["startDate"] - timedelta(seconds=YEAR)) < timedelta(
        seconds=1
    )


@pytest.mark.sfn_clock("virtual")
def test_a_callback_tasks_heartbeat_runs_on_the_clock(sfn_emulator: Any, sfn_clock: Any) -> None:
    child = sfn_emulator.create_state_machine(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    )
    machine = sfn_emulator.create_state_machine(
        {
            "StartAt": "Wait for the token",
            "States": {
                "Wait for the token": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                    "Parameters": {"StateMachineArn": child, "Input": {"token.$": "$$.Task.Token"}},
                    "HeartbeatSeconds": 120,
                    "End": True,
                }
            },
        }
    )
    execution = sfn_emulator.start(machine)
    sfn_clock.advance(seconds=119)
    assert sfn_emulator.client().describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(seconds=1)
    described = sfn_emulator.wait(execution, timeout=5)
    assert described["status"] == "FAILED" and described["error"] == "States.Timeout"
    history = sfn_emulator.history(execution)
    submitted = _events(history, "TaskSubmitted")[0]["timestamp"]
    timed_out = _events(history, "TaskTimedOut")[0]["timestamp"]
    assert abs(timed_out - submitted - timedelta(seconds=120)) < MS


# https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html: TimeoutSeconds / HeartbeatSeconds
# "For Activities, the count begins when GetActivityTask receives a token and ActivityStarted is logged".
# (field, seconds, the failing history's last task event)
ACTIVITY_TIMERS = [
    ("TimeoutSeconds", 300, "ActivityTimedOut"),
    ("HeartbeatSeconds", 60, "ActivityTimedOut"),
]


@pytest.mark.sfn_clock("virtual")
@pytest.mark.parametrize(("field", "seconds", "timed_out_event"), ACTIVITY_TIMERS)
def test_activity_timers_count_from_the_worker_taking_the_task(
    sfn_emulator: Any, sfn_clock: Any, field: str, seconds: int, timed_out_event: str
) -> None:
    sfn = sfn_emulator.client()
    activity = sfn.create_activity(name=f"late-worker-{field}")["activityArn"]
    machine = sfn_emulator.create_state_machine(
        {
            "StartAt": "Work",
            "States": {"Work": {"Type": "Task", "Resource": activity, field: seconds, "End": True}},
        }
    )
    execution = sfn_emulator.start(machine, {"n": 1})
    sfn_clock.advance(seconds=seconds * 2)  # no worker yet: the task is still waiting for one
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    task = sfn.get_activity_task(activityArn=activity, workerName="late")
    taken = sfn_clock.now()
    sfn_clock.advance(seconds=seconds - 1)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn_clock.advance(seconds=1)
    described = sfn_emulator.wait(execution, timeout=5)
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    history = sfn_emulator.history(execution)
    timed_out = _events(history, timed_out_event)[0]
    assert timed_out["activityTimedOutEventDetails"] == {"error": "States.Timeout"}
    assert abs(timed_out["timestamp"] - taken - timedelta(seconds=seconds)) < MS
    with pytest.raises(sfn.exceptions.TaskTimedOut):
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
