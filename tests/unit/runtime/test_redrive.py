"""RedriveExecution in the engine: the history goes on from the state that stopped the execution."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.jsontext import from_json_text
from emulator.model.records import Execution, ExecutionStatus
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock, StubIntegration
from tests.unit.runtime.harness import events, make_execution

SQS = "arn:aws:states:::sqs:sendMessage"


class Flaky:
    """Fails every call whose parameters say ``fail`` until ``healed``; echoes the parameters."""

    def __init__(self) -> None:
        self.healed = False
        self.calls: list[Any] = []

    def __call__(self, invocation: TaskInvocation) -> Any:
        self.calls.append(invocation.parameters)
        if isinstance(invocation.parameters, dict) and invocation.parameters.get("fail") and not self.healed:
            raise StatesError("Boom", "not yet")
        return invocation.parameters


async def _run_then_redrive(definition: dict[str, Any], input_text: str = "{}") -> tuple[Execution, Flaky]:
    flaky = Flaky()
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(flaky))
    engine = Engine(ManualClock(), registry, random.Random(1))
    execution = make_execution(definition, input_text)
    engine.start(execution)
    await engine.wait(execution)
    assert execution.status is ExecutionStatus.FAILED
    flaky.healed = True
    execution.redrive_count += 1
    engine.redrive(execution)
    assert execution.status is ExecutionStatus.RUNNING
    await engine.wait(execution)
    return execution, flaky


def _types(execution: Execution) -> list[str]:
    return [event[2] for event in events(execution)]


def _task(parameters: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": SQS, "Parameters": parameters, **fields}


async def test_the_failed_state_runs_again_with_its_input_and_the_history_goes_on() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Result": {"fail": True, "n": 1}, "Next": "T"},
            "T": _task({"fail.$": "$.fail", "n.$": "$.n", "count.$": "$$.Execution.RedriveCount"}, End=True),
        },
    }
    execution, flaky = await _run_then_redrive(definition)
    assert execution.status is ExecutionStatus.SUCCEEDED
    recorded = events(execution)
    failed = next(event for event in recorded if event[2] == "ExecutionFailed")
    redriven = recorded[failed[0]]
    assert redriven[1:] == (failed[0], "ExecutionRedriven")
    assert execution.history.events[failed[0]].details == {"redriveCount": 1}
    assert recorded[failed[0] + 1] == (failed[0] + 2, failed[0] + 1, "TaskStateEntered")
    assert _types(execution).count("PassStateEntered") == 1  # A succeeded: not run again
    assert execution.history.events[failed[0] + 1].details["input"] == '{"fail":true,"n":1}'
    assert from_json_text(execution.output) == {"fail": True, "n": 1, "count": 1}
    assert [call["count"] for call in flaky.calls] == [0, 1]


async def test_variables_assigned_before_the_failure_are_kept() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"x": 42}, "Next": "T"},
            "T": _task({"fail": True, "x.$": "$x"}, End=True),
        },
    }
    execution, _ = await _run_then_redrive(definition)
    assert from_json_text(execution.output) == {"fail": True, "x": 42}


async def test_a_parallel_runs_again_only_the_branch_that_failed() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {"StartAt": "Ok", "States": {"Ok": _task({"ok": 1}, End=True)}},
                    {
                        "StartAt": "Pre",
                        "States": {
                            "Pre": {"Type": "Pass", "Result": {"fail": True}, "Next": "Bad"},
                            "Bad": _task({"fail.$": "$.fail"}, End=True),
                        },
                    },
                ],
            }
        },
    }
    execution, flaky = await _run_then_redrive(definition)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert from_json_text(execution.output) == [{"ok": 1}, {"fail": True}]
    assert flaky.calls == [{"ok": 1}, {"fail": True}, {"fail": True}]  # branch 0 ran once
    after = _types(execution)[_types(execution).index("ExecutionRedriven") :]
    assert after == [
        "ExecutionRedriven",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "TaskStateEntered",  # branch 1 continues at Bad (Pre is not run again)
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ParallelStateSucceeded",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ]


async def test_a_map_runs_again_only_the_iterations_that_failed() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "End": True,
                "ItemProcessor": {"StartAt": "T", "States": {"T": _task({"fail.$": "$.fail"}, End=True)}},
            }
        },
    }
    items = json.dumps([{"fail": False}, {"fail": True}, {"fail": False}])
    execution, flaky = await _run_then_redrive(definition, items)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert from_json_text(execution.output) == [{"fail": False}, {"fail": True}, {"fail": False}]
    redriven = execution.history.events[
        [e.type for e in execution.history.events].index("ExecutionRedriven") :
    ]
    started = [event.details["index"] for event in redriven if event.type == "MapIterationStarted"]
    assert started == [1, 2]  # index 0 succeeded; 2 never started before the failure
    assert len(flaky.calls) == 4


async def test_an_aborted_execution_continues_in_the_state_it_was_stopped_in() -> None:
    release = asyncio.Event()

    async def block(invocation: TaskInvocation) -> Any:
        await release.wait()
        return {"done": True}

    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(block))
    engine = Engine(ManualClock(), registry, random.Random(1))
    execution = make_execution({"StartAt": "T", "States": {"T": _task({"a": 1}, End=True)}})
    engine.start(execution)
    for _ in range(5):
        await asyncio.sleep(0)
    engine.stop(execution, None, None)
    await engine.wait(execution)
    release.set()
    execution.redrive_count += 1
    engine.redrive(execution)
    await engine.wait(execution)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert _types(execution)[-8:] == [
        "ExecutionAborted",
        "ExecutionRedriven",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]


async def test_a_running_execution_cannot_be_redriven() -> None:
    engine = Engine(ManualClock(), IntegrationRegistry(), random.Random(1))
    execution = make_execution({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": True}}})
    engine.start(execution)
    with pytest.raises(RuntimeError):
        engine.redrive(execution)
    await engine.wait(execution)
