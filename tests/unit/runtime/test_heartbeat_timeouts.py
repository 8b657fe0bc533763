"""A missed heartbeat is ``States.Timeout``; Retry and Catch may also name it ``States.HeartbeatTimeout``.

Rows from https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html (HeartbeatSeconds:
"If more time than the specified seconds elapses between heartbeats from the task, this state fails
with a States.Timeout error name"; TimeoutSeconds: "… fails with a States.Timeout error name") and
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (States.Timeout: "A
Task state either ran longer than the TimeoutSeconds value, or failed to send a heartbeat for a
period longer than the HeartbeatSeconds value"; States.HeartbeatTimeout: "A Task state failed to send
a heartbeat for a period longer than the HeartbeatSeconds value … only available inside the Catch and
Retry fields"; States.TaskFailed matches "any known error name except for States.Timeout").
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import HeartbeatTimedOut, StatesError
from emulator.model.records import ExecutionStatus
from tests.fakes import StubIntegration
from tests.unit.runtime.harness import run_definition

SQS = "arn:aws:states:::sqs:sendMessage"


def _missed_heartbeat(invocation: TaskInvocation) -> Any:
    raise HeartbeatTimedOut()


def _ran_too_long(invocation: TaskInvocation) -> Any:
    raise StatesError("States.Timeout", None)


def _registry(respond: Any) -> IntegrationRegistry:
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(respond))
    return registry


def _caught(error_equals: list[str]) -> dict[str, Any]:
    return {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": SQS,
                "Parameters": {},
                "Catch": [{"ErrorEquals": error_equals, "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }


# (row, what the task raises, the catcher's ErrorEquals, caught?)
CATCH_ROWS = [
    ("HeartbeatTimeout names a missed heartbeat", _missed_heartbeat, ["States.HeartbeatTimeout"], True),
    ("Timeout names a missed heartbeat", _missed_heartbeat, ["States.Timeout"], True),
    ("ALL takes a missed heartbeat", _missed_heartbeat, ["States.ALL"], True),
    ("TaskFailed never takes a timeout", _missed_heartbeat, ["States.TaskFailed"], False),
    ("HeartbeatTimeout is not TimeoutSeconds", _ran_too_long, ["States.HeartbeatTimeout"], False),
    ("Timeout names TimeoutSeconds", _ran_too_long, ["States.Timeout"], True),
]


@pytest.mark.parametrize(
    ("row", "respond", "error_equals", "caught"), CATCH_ROWS, ids=[r[0] for r in CATCH_ROWS]
)
async def test_which_catchers_take_a_timed_out_task(
    row: str, respond: Any, error_equals: list[str], caught: bool
) -> None:
    execution = await run_definition(_caught(error_equals), integrations=_registry(respond))
    types = [event.type for event in execution.history.events]
    assert "TaskTimedOut" in types  # both kinds are recorded as timeouts
    if caught:
        assert execution.status == ExecutionStatus.SUCCEEDED
        # The error output names States.Timeout (what AWS records), whichever name caught it.
        assert json.loads(execution.output or "null") == {"Error": "States.Timeout", "Cause": ""}
    else:
        assert (execution.status, execution.error) == (ExecutionStatus.FAILED, "States.Timeout")


async def test_a_retrier_naming_heartbeat_timeout_retries_a_missed_heartbeat() -> None:
    attempts: list[int] = []

    def respond(invocation: TaskInvocation) -> Any:
        attempts.append(1)
        if len(attempts) == 1:
            raise HeartbeatTimedOut()
        return {"ok": True}

    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": SQS,
                "Parameters": {},
                "Retry": [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 1}],
                "End": True,
            }
        },
    }
    execution = await run_definition(definition, integrations=_registry(respond))
    assert (execution.status, len(attempts)) == (ExecutionStatus.SUCCEEDED, 2)
