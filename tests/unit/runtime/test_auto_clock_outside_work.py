"""``--clock auto`` must not skip time while the emulator's own work is out (a nested ``.sync``
child running, a Distributed Map reading its items from S3): a parent's ``TimeoutSeconds`` fires
in virtual time only when everything really waits on a timer."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import pytest

from emulator.app import build_environment
from emulator.service import executions, state_machines, task_tokens
from emulator.service.emulator_control import close_environment, wait_for_execution
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.settings import Settings

ROLE = "arn:aws:iam::123456789012:role/r"
CONTEXT = RequestContext("123456789012", "us-east-1", "req")
HOUR = 3600


@pytest.fixture
async def env() -> Any:
    environment = build_environment(dataclasses.replace(Settings(), clock="auto"))
    try:
        yield environment
    finally:
        await close_environment(environment)


def create(env: ServiceEnvironment, name: str, definition: dict[str, Any]) -> str:
    request = {"name": name, "definition": json.dumps(definition), "roleArn": ROLE}
    return str(state_machines.create_state_machine(env, CONTEXT, request)["stateMachineArn"])


async def run(env: ServiceEnvironment, machine_arn: str, input_value: Any = None) -> dict[str, Any]:
    request = {"stateMachineArn": machine_arn, "input": json.dumps(input_value or {})}
    started = executions.start_execution(env, CONTEXT, request)
    return await wait_for_execution(env, CONTEXT, started["executionArn"])


def child_waiting(env: ServiceEnvironment, seconds: int) -> str:
    return create(
        env,
        "child",
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}}},
    )


def parent_of(env: ServiceEnvironment, child_arn: str, resource: str, timeout: int) -> str:
    task = {"Type": "Task", "Resource": resource, "Parameters": {"StateMachineArn": child_arn}, "End": True}
    return create(env, "parent", {"StartAt": "Run", "TimeoutSeconds": timeout, "States": {"Run": task}})


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:states:::states:startExecution.sync", "arn:aws:states:::states:startExecution.sync:2"],
)
async def test_a_sync_child_waiting_an_hour_ends_within_the_parents_two_hours(
    env: ServiceEnvironment, resource: str
) -> None:
    parent = parent_of(env, child_waiting(env, HOUR), resource, 2 * HOUR)
    described = await run(env, parent)
    assert described["status"] == "SUCCEEDED"
    assert described["stopDate"] - described["startDate"] == pytest.approx(HOUR, abs=1)


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:states:::states:startExecution.sync", "arn:aws:states:::states:startExecution.sync:2"],
)
async def test_a_sync_child_waiting_an_hour_outlives_the_parents_half_hour(
    env: ServiceEnvironment, resource: str
) -> None:
    parent = parent_of(env, child_waiting(env, HOUR), resource, HOUR // 2)
    described = await run(env, parent)
    assert described["status"] == "TIMED_OUT"
    assert described["stopDate"] - described["startDate"] == pytest.approx(HOUR // 2, abs=1)


# Loop steps a slow S3 takes: far more than the clock's QUIET_STEPS without reading the time, as a
# call answered on another thread (moto, an endpoint) looks to the idle detector.
SLOW_STEPS = 200


class SlowS3:
    """An S3 whose every call takes ``SLOW_STEPS`` event-loop steps (no wall clock)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    async def invoke(self, invocation: Any) -> Any:
        for _ in range(SLOW_STEPS):
            await asyncio.sleep(0)
        self.calls.append((invocation.resource.action, invocation.parameters))
        if invocation.resource.action == "getObject":
            return {"Body": json.dumps([{"n": 1}, {"n": 2}, {"n": 3}])}
        return {}


def distributed_map(writer: bool) -> dict[str, Any]:
    """A Distributed Map reading from S3 beside a branch that waits an hour."""
    mapper: dict[str, Any] = {
        "Type": "Map",
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": "items", "Key": "items.json"},
        },
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": True}},
        },
        "End": True,
    }
    if writer:
        mapper["ResultWriter"] = {
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "results", "Prefix": "out"},
        }
    waiter = {"Type": "Wait", "Seconds": HOUR, "End": True}
    branches = [
        {"StartAt": "M", "States": {"M": mapper}},
        {"StartAt": "W", "States": {"W": waiter}},
    ]
    return {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "Branches": branches, "End": True}}}


def timestamps(env: ServiceEnvironment, execution_arn: str, *types: str) -> list[float]:
    answer = executions.get_execution_history(env, CONTEXT, {"executionArn": execution_arn})
    return [float(event["timestamp"]) for event in answer["events"] if event["type"] in types]


@pytest.mark.parametrize("writer", [False, True], ids=["item-reader", "item-reader-and-result-writer"])
async def test_the_clock_does_not_jump_to_a_siblings_wait_while_s3_is_read_or_written(
    env: ServiceEnvironment, writer: bool
) -> None:
    s3 = SlowS3()
    env.engine.integrations.register("s3", s3)
    described = await run(env, create(env, "mapper", distributed_map(writer)))
    assert described["status"] == "SUCCEEDED", described
    assert described["stopDate"] - described["startDate"] == pytest.approx(HOUR, abs=1)
    started, ended = timestamps(env, described["executionArn"], "MapStateStarted", "MapStateSucceeded")
    assert ended - started < 1  # the hour passed after the Map, not while S3 answered
    actions = [action for action, _ in s3.calls]
    assert actions[0] == "getObject"
    assert set(actions[1:]) == ({"putObject"} if writer else set())


TOKEN_TASK = "arn:aws:states:::states:startExecution.waitForTaskToken"


def token_parent(env: ServiceEnvironment, child_arn: str, task_timeout: int) -> str:
    task = {
        "Type": "Task",
        "Resource": TOKEN_TASK,
        "Parameters": {"StateMachineArn": child_arn, "Input": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": task_timeout,
        "End": True,
    }
    return create(env, "parent", {"StartAt": "Run", "States": {"Run": task}})


async def child_run(env: ServiceEnvironment, child_arn: str) -> dict[str, Any]:
    """The child execution, once it has ended."""
    for _ in range(1000):
        listed = executions.list_executions(env, CONTEXT, {"stateMachineArn": child_arn})["executions"]
        if listed:
            return await wait_for_execution(env, CONTEXT, listed[0]["executionArn"])
        await asyncio.sleep(0)
    raise AssertionError("the child never started")


async def settle(steps: int = 200) -> None:
    for _ in range(steps):
        await asyncio.sleep(0)


@pytest.mark.parametrize("child_wait", [0, HOUR])
async def test_a_token_parent_holds_the_clock_once_its_child_has_ended(
    env: ServiceEnvironment, child_wait: int
) -> None:
    child = (
        child_waiting(env, child_wait)
        if child_wait
        else create(env, "child", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    )
    parent = token_parent(env, child, task_timeout=2 * HOUR)
    started = executions.start_execution(env, CONTEXT, {"stateMachineArn": parent, "input": "{}"})
    ended = await child_run(env, child)
    assert ended["status"] == "SUCCEEDED"
    assert ended["stopDate"] - ended["startDate"] == pytest.approx(
        child_wait, abs=1
    )  # its Wait moved the clock
    await settle()
    moment = env.clock.now()
    await settle()  # the token is the test's to send: the parent's 2-hour timeout is not jumped to
    assert env.clock.now() == moment
    token = json.loads(ended["input"])["token"]
    task_tokens.send_task_success(env, CONTEXT, {"taskToken": token, "output": '{"ok": true}'})
    described = await wait_for_execution(env, CONTEXT, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"ok": True}
    assert described["stopDate"] - described["startDate"] == pytest.approx(child_wait, abs=1)


async def test_a_token_parents_timeout_fires_while_its_child_waits_on_a_timer(
    env: ServiceEnvironment,
) -> None:
    parent = token_parent(env, child_waiting(env, HOUR), task_timeout=HOUR // 2)
    described = await run(env, parent)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Timeout"
    assert described["stopDate"] - described["startDate"] == pytest.approx(HOUR // 2, abs=1)
