"""What the console shows beyond the AWS API: the partitions in use and the task tokens waiting
for an answer (with the execution and state that handed each out), and queued activity tasks."""

from __future__ import annotations

import asyncio
import json

from emulator.app import build_environment
from emulator.service import activities, executions, state_machines, task_tokens
from emulator.service.environment import RequestContext
from emulator.service.overview import list_partitions, list_waiting_tasks
from emulator.settings import Settings

CONTEXT = RequestContext("123456789012", "us-east-1", "r")
ELSEWHERE = RequestContext("111122223333", "eu-west-1", "r")
ROLE = "arn:aws:iam::123456789012:role/r"
CHILD = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def _machine(env, context: RequestContext, name: str, definition: str) -> str:
    request = {"name": name, "definition": definition, "roleArn": ROLE}
    arn: str = state_machines.create_state_machine(env, context, request)["stateMachineArn"]
    return arn


def _callback(child_arn: str) -> str:
    """Waits on a token handed to a nested execution (in process: no backend needed)."""
    return json.dumps(
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
                    "Parameters": {"StateMachineArn": child_arn, "Input": {"token.$": "$$.Task.Token"}},
                    "End": True,
                }
            },
        }
    )


async def _until(condition) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


def test_the_configured_partition_comes_first_and_empty_ones_are_left_out() -> None:
    env = build_environment(Settings())
    env.store.partition("999999999999", "ap-south-1")  # asked for, holds nothing
    _machine(env, ELSEWHERE, "m", CHILD)
    rows = list_partitions(env)["partitions"]
    assert rows == [
        {"account": "123456789012", "region": "us-east-1", "stateMachines": 0, "executions": 0},
        {"account": "111122223333", "region": "eu-west-1", "stateMachines": 1, "executions": 0},
    ]


async def test_a_waiting_callback_names_its_execution_and_state_until_answered() -> None:
    env = build_environment(Settings())
    child = _machine(env, CONTEXT, "child", CHILD)
    parent = _machine(env, CONTEXT, "parent", _callback(child))
    arn = executions.start_execution(env, CONTEXT, {"stateMachineArn": parent, "input": "{}"})["executionArn"]
    await _until(lambda: len(env.task_tokens) == 1)
    waiting = list_waiting_tasks(env, CONTEXT)["callbacks"]
    assert len(waiting) == 1
    row = waiting[0]
    assert (row["executionArn"], row["stateMachineArn"], row["stateName"]) == (arn, parent, "Ask")
    assert (row["resourceType"], row["resource"]) == ("states", "startExecution.waitForTaskToken")
    assert list_waiting_tasks(env, ELSEWHERE)["callbacks"] == []  # tokens stay in their partition

    task_tokens.send_task_success(env, CONTEXT, {"taskToken": row["taskToken"], "output": "{}"})
    await env.engine.wait(executions.get_execution(env, CONTEXT, arn))
    assert list_waiting_tasks(env, CONTEXT)["callbacks"] == []


async def test_activities_show_their_queued_tasks() -> None:
    env = build_environment(Settings())
    activity = activities.create_activity(env, CONTEXT, {"name": "approve"})["activityArn"]
    definition = json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": activity, "End": True}}}
    )
    machine = _machine(env, CONTEXT, "worker", definition)
    executions.start_execution(env, CONTEXT, {"stateMachineArn": machine, "input": '{"n": 1}'})
    await _until(lambda: env.activities.queued(activity) == 1)
    listed = list_waiting_tasks(env, CONTEXT)
    assert listed["activities"] == [{"activityArn": activity, "name": "approve", "queued": 1}]
    # A queued activity task's token is pending but no callback task holds it in its parameters.
    assert [row.get("executionArn") for row in listed["callbacks"]] == [None]
