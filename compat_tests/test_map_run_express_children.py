"""The child workflow executions of a Distributed Map through the execution APIs, for both
``ProcessorConfig.ExecutionType`` values.

Pages the rows come from:
- API_DescribeExecution (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html):
  "Executions of an EXPRESS state machine aren't supported by DescribeExecution unless a Map Run
  dispatched them"; it returns "the Map Run ARN if the execution was dispatched by a Map Run".
  Its redriveStatus enum has REDRIVABLE_BY_MAP_RUN for a Map Run's children.
- API_ListExecutions (…/API_ListExecutions.html), member mapRunArn: "a list of all of the child
  workflow executions started by a Map Run is returned".
- API_ExecutionListItem (…/API_ExecutionListItem.html): itemCount, "The total number of items
  processed in a child workflow execution", and mapRunArn are "returned only if mapRunArn was
  specified in the ListExecutions API action".
- API_GetExecutionHistory, API_StopExecution, API_RedriveExecution,
  API_DescribeStateMachineForExecution: "This API action is not supported by EXPRESS state machines"
  (no Map Run exception); an express ARN there is answered as for any express execution.
- "Viewing a Distributed Map Run execution" (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html):
  the children's labelled state machine ARN ``…:stateMachine:<stateMachineName>/<MapRunLabel>``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.helpers import wait_finished
from compat_tests.test_executions import create

LABEL = "Items"


def _machine(sfn: Any, execution_type: str, batch: int | None = None) -> str:
    """A Distributed Map whose children fail on a negative item (all failures tolerated)."""
    state: dict[str, Any] = {
        "Type": "Map",
        "Label": LABEL,
        "ToleratedFailurePercentage": 100,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": "Check",
            "States": {
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$[0]", "NumericLessThan": 0, "Next": "Fail"}],
                    "Default": "Done",
                },
                "Fail": {"Type": "Fail", "Error": "Negative", "Cause": "below zero"},
                "Done": {"Type": "Pass", "Result": "ok", "End": True},
            },
        },
        "End": True,
    }
    # Each child reads a list: a batch's Items, or the item wrapped by ItemSelector.
    if batch is None:
        state["ItemSelector"] = {"value.$": "States.Array($$.Map.Item.Value)"}
        state["ItemProcessor"]["States"]["Check"]["Choices"][0]["Variable"] = "$.value[0]"
    else:
        state["ItemBatcher"] = {"MaxItemsPerBatch": batch}
        state["ItemProcessor"]["States"]["Check"]["Choices"][0]["Variable"] = "$.Items[0]"
    return create(sfn, json.dumps({"StartAt": "Map", "States": {"Map": state}}))


def _run(sfn: Any, machine: str, items: list[int]) -> tuple[str, list[dict[str, Any]]]:
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    assert wait_finished(sfn, execution)["status"] == "SUCCEEDED"
    run_arn = sfn.list_map_runs(executionArn=execution)["mapRuns"][0]["mapRunArn"]
    return run_arn, sfn.list_executions(mapRunArn=run_arn)["executions"]


# ARN kind of each ExecutionType's children (API_DescribeExecution: express ones are still described).
KINDS = [("STANDARD", ":execution:"), ("EXPRESS", ":express:")]


@pytest.mark.parametrize(("execution_type", "kind"), KINDS)
def test_list_executions_by_map_run_lists_every_child_with_its_item_count(
    sfn: Any, execution_type: str, kind: str
) -> None:
    machine = _machine(sfn, execution_type, batch=2)
    run_arn, children = _run(sfn, machine, [1, 2, -3])
    assert len(children) == 2
    machine_name = machine.rsplit(":", 1)[1]
    for child in children:
        assert f"{kind}{machine_name}/{LABEL}:" in child["executionArn"]
        assert child["stateMachineArn"] == f"{machine}/{LABEL}"
        assert child["mapRunArn"] == run_arn
    assert sorted(child["itemCount"] for child in children) == [1, 2]
    assert sorted(child["status"] for child in children) == ["FAILED", "SUCCEEDED"]
    failed = sfn.list_executions(mapRunArn=run_arn, statusFilter="FAILED")["executions"]
    assert [child["itemCount"] for child in failed] == [1]
    # Listed by state machine, a parent has neither member.
    top = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert len(top) == 1 and "itemCount" not in top[0] and "mapRunArn" not in top[0]


@pytest.mark.parametrize(("execution_type", "kind"), KINDS)
def test_describe_execution_answers_for_a_map_run_child(sfn: Any, execution_type: str, kind: str) -> None:
    machine = _machine(sfn, execution_type)
    run_arn, children = _run(sfn, machine, [5, -1])
    by_status = {child["status"]: child for child in children}
    succeeded = sfn.describe_execution(executionArn=by_status["SUCCEEDED"]["executionArn"])
    assert kind in succeeded["executionArn"]
    assert succeeded["stateMachineArn"] == f"{machine}/{LABEL}"
    assert succeeded["mapRunArn"] == run_arn
    assert json.loads(succeeded["input"]) == {"value": [5]}
    assert json.loads(succeeded["output"]) == "ok"
    failed = sfn.describe_execution(executionArn=by_status["FAILED"]["executionArn"])
    assert (failed["error"], failed["cause"], failed["mapRunArn"]) == ("Negative", "below zero", run_arn)
    assert "output" not in failed
    # API_DescribeExecution, redriveStatus: for a Distributed Map's children (STANDARD or EXPRESS) it
    # "indicates whether or not the Map Run can redrive child workflow executions".
    assert (failed["redriveStatus"], "redriveStatusReason" in failed) == ("REDRIVABLE_BY_MAP_RUN", False)
    assert succeeded["redriveStatus"] == "NOT_REDRIVABLE"
    assert succeeded["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"


# Operations "not supported by EXPRESS state machines", with no Map Run exception (pages above).
EXPRESS_UNSUPPORTED = [
    "get_execution_history",
    "stop_execution",
    "redrive_execution",
    "describe_state_machine_for_execution",
]


@pytest.mark.parametrize("operation", EXPRESS_UNSUPPORTED)
def test_an_express_child_is_refused_where_express_executions_are(sfn: Any, operation: str) -> None:
    _, children = _run(sfn, _machine(sfn, "EXPRESS"), [1])
    with pytest.raises(ClientError) as raised:
        getattr(sfn, operation)(executionArn=children[0]["executionArn"])
    assert raised.value.response["Error"] == {
        "Code": "InvalidArn",
        "Message": "Invalid Arn: 'Resource type not valid in this context: express'",
    }


@pytest.mark.parametrize("operation", ["get_execution_history", "describe_state_machine_for_execution"])
def test_a_standard_child_answers_where_an_express_one_is_refused(sfn: Any, operation: str) -> None:
    _, children = _run(sfn, _machine(sfn, "STANDARD"), [1])
    assert getattr(sfn, operation)(executionArn=children[0]["executionArn"])["ResponseMetadata"]


# API_MapRunExecutionCounts, aborted: children "that were started by a Map Run and were running, but
# were either stopped by the user or by Step Functions because the Map Run failed".
@pytest.mark.parametrize("execution_type", ["STANDARD", "EXPRESS"])
def test_stopping_the_parent_aborts_its_running_children_counted_once(sfn: Any, execution_type: str) -> None:
    activity = sfn.create_activity(name=f"map-child-{uuid.uuid4().hex[:8]}")["activityArn"]
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}},
    }
    state = {"Type": "Map", "Label": LABEL, "ItemProcessor": processor, "End": True}
    machine = create(sfn, json.dumps({"StartAt": "Map", "States": {"Map": state}}))
    execution = sfn.start_execution(stateMachineArn=machine, input="[1, 2]")["executionArn"]
    children: list[dict[str, Any]] = []
    for _ in range(2000):
        runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
        children = sfn.list_executions(mapRunArn=runs[0]["mapRunArn"])["executions"] if runs else []
        if len(children) == 2:
            break
        time.sleep(0.005)
    assert [child["status"] for child in children] == ["RUNNING", "RUNNING"]
    running = sfn.describe_execution(executionArn=children[0]["executionArn"])
    assert running["status"] == "RUNNING" and "stopDate" not in running
    sfn.stop_execution(executionArn=execution)
    wait_finished(sfn, execution)
    for child in children:
        assert sfn.describe_execution(executionArn=child["executionArn"])["status"] == "ABORTED"
    counts = sfn.describe_map_run(mapRunArn=children[0]["mapRunArn"])["executionCounts"]
    assert (counts["aborted"], counts["total"]) == (2, 2)
