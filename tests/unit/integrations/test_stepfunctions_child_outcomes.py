"""Every child outcome of a ``.sync`` / ``.sync:2`` parent Task, one row each.

Doc: "Start workflow executions from a task state in Step Functions" and "Discover service
integration patterns in Step Functions" (Run a Job, .sync): a child that does not succeed fails the
task with ``States.TaskFailed``, the cause being the child's DescribeExecution description (``.sync``:
Input as JSON text; ``.sync:2``: as a JSON value); Error/Cause appear only when the child has them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.integrations.registry import TaskInvocation
from emulator.integrations.stepfunctions import StepFunctionsIntegration
from emulator.language.errors import StatesError
from emulator.language.states.task_state import parse_resource

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:child:run"


class OutcomeStarter:
    def __init__(self, status: str, error: str | None, cause: str | None) -> None:
        self.described: dict[str, Any] = {
            "executionArn": EXECUTION,
            "stateMachineArn": MACHINE,
            "name": "run",
            "status": status,
            "startDate": 1_700_000_000.5,
            "stopDate": 1_700_000_001.0,
            "input": '{"a":1}',
            "redriveCount": 0,
            "redriveStatus": "REDRIVABLE",
        }
        if error is not None:
            self.described["error"] = error
        if cause is not None:
            self.described["cause"] = cause

    async def start_execution(self, account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("not started here")

    async def wait_for_execution(self, account: str, region: str, execution_arn: str) -> dict[str, Any]:
        return dict(self.described)

    async def stop_execution(self, account: str, region: str, execution_arn: str) -> None:
        raise AssertionError("not stopped here")


# Doc: "Start workflow executions from a task state in Step Functions" (child outcomes × patterns).
OUTCOMES = [
    ("FAILED", "Boom", "it broke"),
    ("FAILED", "Boom", None),
    ("FAILED", None, "it broke"),
    ("FAILED", None, None),
    ("ABORTED", None, None),
    ("ABORTED", "Stopped", "by hand"),
    ("TIMED_OUT", None, None),
    ("TIMED_OUT", "States.Timeout", None),
]
PATTERNS = [
    ("arn:aws:states:::states:startExecution.sync", '{"a":1}'),
    ("arn:aws:states:::states:startExecution.sync:2", {"a": 1}),
]


@pytest.mark.parametrize("resource, expected_input", PATTERNS)
@pytest.mark.parametrize("status, error, cause", OUTCOMES)
async def test_a_child_that_does_not_succeed_fails_the_task(
    resource: str, expected_input: Any, status: str, error: str | None, cause: str | None
) -> None:
    integration = StepFunctionsIntegration(OutcomeStarter(status, error, cause))
    task = TaskInvocation(parse_resource(resource), {}, {}, "us-east-1", "123456789012")
    with pytest.raises(StatesError) as raised:
        await integration.run_job(task, {"ExecutionArn": EXECUTION})
    assert raised.value.error == "States.TaskFailed"
    described = json.loads(raised.value.cause or "")
    assert described["Status"] == status
    assert described["ExecutionArn"] == EXECUTION
    assert described["StateMachineArn"] == MACHINE
    assert described["Input"] == expected_input
    assert "Output" not in described
    assert ("Error" in described, "Cause" in described) == (error is not None, cause is not None)
    if error is not None:
        assert described["Error"] == error
    if cause is not None:
        assert described["Cause"] == cause
    assert not {"RedriveCount", "RedriveStatus", "RedriveStatusReason"} & described.keys()
    assert list(described)[:3] == ["ExecutionArn", "Input", "InputDetails"]
