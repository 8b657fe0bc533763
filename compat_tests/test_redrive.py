"""RedriveExecution through boto3: the execution continues from the state that failed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.helpers import wait_finished
from compat_tests.test_executions import code, create, message, waiting_machine

# Fails while $$.Execution.RedriveCount is 0 (array index -1), succeeds once redriven.
FAILS_UNTIL_REDRIVEN = {
    "Type": "Pass",
    "Parameters": {
        "v.$": "States.ArrayGetItem(States.Array('ok'), States.MathAdd($$.Execution.RedriveCount, -1))",
        "count.$": "$$.Execution.RedriveCount",
    },
    "End": True,
}


def history(sfn: Any, execution: str) -> list[dict[str, Any]]:
    return list(sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"])


def test_a_failed_execution_is_redriven_from_the_failed_state(sfn: Any) -> None:
    definition = {
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Result": {"a": 1}, "Next": "Flaky"},
            "Flaky": FAILS_UNTIL_REDRIVEN,
        },
    }
    execution = sfn.start_execution(stateMachineArn=create(sfn, json.dumps(definition)))["executionArn"]
    described = wait_finished(sfn, execution)
    assert (described["status"], described["redriveStatus"], described["redriveCount"]) == (
        "FAILED",
        "REDRIVABLE",
        0,
    )
    before = history(sfn, execution)
    redriven = sfn.redrive_execution(executionArn=execution)
    assert "redriveDate" in redriven
    described = wait_finished(sfn, execution)
    assert described["status"] == "SUCCEEDED"
    assert described["redriveCount"] == 1 and described["redriveDate"] == redriven["redriveDate"]
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert described["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    assert json.loads(described["output"]) == {"v": "ok", "count": 1}
    events = history(sfn, execution)
    assert events[: len(before)] == before  # the history goes on
    after = events[len(before) :]
    assert [event["type"] for event in after] == [
        "ExecutionRedriven",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert after[0]["id"] == len(before) + 1
    assert after[0]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert after[1]["stateEnteredEventDetails"]["name"] == "Flaky"
    assert json.loads(after[1]["stateEnteredEventDetails"]["input"]) == {"a": 1}
    redriven_list = sfn.list_executions(
        stateMachineArn=described["stateMachineArn"], redriveFilter="REDRIVEN"
    )
    assert [item["executionArn"] for item in redriven_list["executions"]] == [execution]


def test_a_parallel_redrives_only_its_failed_branch(sfn: Any) -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {"StartAt": "Ok", "States": {"Ok": {"Type": "Pass", "Result": "fine", "End": True}}},
                    {"StartAt": "Flaky", "States": {"Flaky": FAILS_UNTIL_REDRIVEN}},
                ],
            }
        },
    }
    execution = sfn.start_execution(stateMachineArn=create(sfn, json.dumps(definition)))["executionArn"]
    assert wait_finished(sfn, execution)["status"] == "FAILED"
    sfn.redrive_execution(executionArn=execution)
    described = wait_finished(sfn, execution)
    assert json.loads(described["output"]) == ["fine", {"v": "ok", "count": 1}]
    types = [event["type"] for event in history(sfn, execution)]
    after = types[types.index("ExecutionRedriven") :]
    assert after.count("PassStateEntered") == 1  # branch 0 is not run again


def test_executions_that_cannot_be_redriven(sfn: Any) -> None:
    running = sfn.start_execution(stateMachineArn=waiting_machine(sfn))["executionArn"]
    with pytest.raises(ClientError) as raised:
        sfn.redrive_execution(executionArn=running)
    assert (code(raised), message(raised)) == (
        "ExecutionNotRedrivable",
        "Execution is RUNNING and cannot be redriven",
    )
    sfn.stop_execution(executionArn=running)
    sfn.redrive_execution(executionArn=running)  # ABORTED: redrivable, back in its activity Task
    assert sfn.describe_execution(executionArn=running)["status"] == "RUNNING"
    sfn.stop_execution(executionArn=running)
    types = [event["type"] for event in history(sfn, running)]
    redriven = types.index("ExecutionRedriven")
    assert types[redriven - 1] == "ExecutionAborted" and types[redriven + 1] == "TaskStateEntered"
    assert types[-1] == "ExecutionAborted"
    assert sfn.describe_execution(executionArn=running)["redriveCount"] == 1
