"""Distributed Map runs through the API: ListMapRuns, DescribeMapRun, ListExecutions(mapRunArn),
UpdateMapRun, and the Map Run events of the parent's history."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.helpers import wait_finished
from compat_tests.test_executions import create

DISTRIBUTED = json.dumps(
    {
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "Label": "Doubler",
                "MaxConcurrency": 2,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Item",
                    "States": {"Item": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
)


def test_a_distributed_map_run_is_visible_through_the_map_run_operations(sfn: Any) -> None:
    machine = create(sfn, DISTRIBUTED)
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps([1, 2, 3]))["executionArn"]
    described = wait_finished(sfn, execution)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == [1, 2, 3]

    runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert len(runs) == 1
    run_arn = runs[0]["mapRunArn"]
    machine_name = machine.rsplit(":", 1)[1]
    assert f":mapRun:{machine_name}/Doubler:" in run_arn
    assert runs[0]["executionArn"] == execution

    run = sfn.describe_map_run(mapRunArn=run_arn)
    assert run["status"] == "SUCCEEDED"
    assert run["maxConcurrency"] == 2
    assert run["itemCounts"]["total"] == 3 and run["itemCounts"]["succeeded"] == 3
    assert run["executionCounts"]["succeeded"] == 3

    children = sfn.list_executions(mapRunArn=run_arn)["executions"]
    assert len(children) == 3
    assert all(child["status"] == "SUCCEEDED" for child in children)
    assert all(child["stateMachineArn"] == f"{machine}/Doubler" for child in children)

    types = [event["type"] for event in sfn.get_execution_history(executionArn=execution)["events"]]
    assert types[:4] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted"]
    assert "MapRunSucceeded" in types and types[-1] == "ExecutionSucceeded"
    started = next(
        event
        for event in sfn.get_execution_history(executionArn=execution)["events"]
        if event["type"] == "MapRunStarted"
    )
    assert started["mapRunStartedEventDetails"]["mapRunArn"] == run_arn

    # "Updates an in-progress Map Run's configuration" (API_UpdateMapRun): an ended one is refused
    # with the model's reason CANNOT_UPDATE_COMPLETED_MAP_RUN.
    with pytest.raises(ClientError) as raised:
        sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=5)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert raised.value.response["reason"] == "CANNOT_UPDATE_COMPLETED_MAP_RUN"
    assert sfn.describe_map_run(mapRunArn=run_arn)["maxConcurrency"] == 2


def test_a_running_map_run_can_be_updated(sfn: Any) -> None:
    activity = sfn.create_activity(name=f"map-run-worker-{uuid.uuid4().hex[:8]}")["activityArn"]
    waiting = json.loads(DISTRIBUTED)
    waiting["States"]["Map"]["ItemProcessor"]["States"] = {
        "Item": {"Type": "Task", "Resource": activity, "End": True}
    }
    machine = create(sfn, json.dumps(waiting))
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps([1, 2]))["executionArn"]
    run_arn = ""
    for _ in range(2000):
        runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
        if runs:
            run_arn = runs[0]["mapRunArn"]
            break
        time.sleep(0.005)
    assert sfn.describe_map_run(mapRunArn=run_arn)["status"] == "RUNNING"
    sfn.update_map_run(mapRunArn=run_arn, maxConcurrency=5, toleratedFailurePercentage=50.0)
    described = sfn.describe_map_run(mapRunArn=run_arn)
    assert (described["maxConcurrency"], described["toleratedFailurePercentage"]) == (5, 50.0)
    sfn.stop_execution(executionArn=execution)
