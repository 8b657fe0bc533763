"""The execution event hub: subscribers see every event as it is recorded; a watcher of one
execution gets its past events, then the new ones, and ends with the execution."""

from __future__ import annotations

import asyncio
import json

import pytest

from emulator.app import build_environment
from emulator.errors import ExecutionDoesNotExist
from emulator.service import executions, state_machines
from emulator.service.environment import RequestContext
from emulator.service.watch import watch_execution
from emulator.settings import Settings

CONTEXT = RequestContext("123456789012", "us-east-1", "r")
ROLE = "arn:aws:iam::123456789012:role/r"
# The Wait of 0 seconds hands control back to the loop between states.
DEFINITION = json.dumps(
    {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 0, "Next": "B"},
            "B": {"Type": "Pass", "End": True},
        },
    }
)


def _start(env, name: str = "m") -> str:
    arn = state_machines.create_state_machine(
        env, CONTEXT, {"name": name, "definition": DEFINITION, "roleArn": ROLE}
    )["stateMachineArn"]
    return executions.start_execution(env, CONTEXT, {"stateMachineArn": arn, "input": "{}"})["executionArn"]


async def test_subscribers_see_every_event_of_every_execution_in_order() -> None:
    env = build_environment(Settings())
    seen: list[tuple[str, int, str]] = []
    unsubscribe = env.execution_events.subscribe(
        lambda execution, event: seen.append((execution.name, event.id, event.type))
    )
    arn = _start(env)
    await env.engine.wait(executions.get_execution(env, CONTEXT, arn))
    unsubscribe()
    history = executions.get_execution(env, CONTEXT, arn).history.events
    name = arn.rsplit(":", 1)[1]
    assert seen == [(name, event.id, event.type) for event in history]
    assert seen[0][2] == "ExecutionStarted" and seen[-1][2] == "ExecutionSucceeded"
    _start(env, "other")
    await asyncio.sleep(0)
    assert len(seen) == len(history)  # unsubscribed: told nothing more


async def test_a_watcher_gets_past_and_new_events_and_ends_with_the_execution() -> None:
    env = build_environment(Settings())
    arn = _start(env)
    types = [event.type async for event in watch_execution(env, CONTEXT, arn)]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    ids = [event.id for event in executions.get_execution(env, CONTEXT, arn).history.events]
    assert len(types) == len(ids)
    # A finished execution: its whole history at once, then the end.
    again = [event.id async for event in watch_execution(env, CONTEXT, arn)]
    assert again == ids
    assert not env.execution_events._watchers


async def test_watching_an_unknown_execution_is_execution_does_not_exist() -> None:
    env = build_environment(Settings())
    with pytest.raises(ExecutionDoesNotExist):
        async for _ in watch_execution(
            env, CONTEXT, "arn:aws:states:us-east-1:123456789012:execution:m:nope"
        ):
            pass
