"""A finished execution keeps its record and history only; what can still be redriven keeps its run."""

from __future__ import annotations

import asyncio
import random

from emulator.integrations.registry import IntegrationRegistry
from emulator.model.records import ExecutionStatus
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock
from tests.unit.runtime.harness import make_execution

PASSES = {
    "StartAt": "A",
    "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}},
}
FAILS = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}


def engine() -> Engine:
    return Engine(ManualClock(), IntegrationRegistry(), random.Random(1))


async def test_a_succeeded_execution_lets_its_run_go() -> None:
    runner = engine()
    execution = make_execution(PASSES, '{"a": [1, 2]}')
    runner.start(execution)
    assert execution.handle is not None
    await runner.wait(execution)
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert execution.handle is None
    assert [event.type for event in execution.history.events][-1] == "ExecutionSucceeded"
    await runner.wait(execution)  # waiting again returns at once
    runner.stop(execution, "late", None)  # and a late stop changes nothing
    assert execution.status is ExecutionStatus.SUCCEEDED


async def test_an_express_execution_lets_its_run_go_whatever_its_end() -> None:
    runner = engine()
    execution = make_execution(FAILS, express=True)
    runner.start(execution)
    await runner.wait(execution)
    assert (execution.status, execution.handle) == (ExecutionStatus.FAILED, None)


async def test_a_failed_standard_execution_keeps_its_run_for_redrive() -> None:
    runner = engine()
    execution = make_execution(FAILS)
    runner.start(execution)
    await runner.wait(execution)
    assert execution.status is ExecutionStatus.FAILED
    assert execution.handle is not None
    execution.redrive_count += 1
    runner.redrive(execution)
    await runner.wait(execution)
    assert execution.status is ExecutionStatus.FAILED
    assert [event.type for event in execution.history.events].count("ExecutionRedriven") == 1


async def test_several_waiters_are_all_woken() -> None:
    runner = engine()
    execution = make_execution(PASSES)
    runner.start(execution)
    await asyncio.gather(runner.wait(execution), runner.wait(execution))
    assert execution.status is ExecutionStatus.SUCCEEDED


async def test_state_events_share_their_type_names_and_truncation_details() -> None:
    runner = engine()
    first, second = make_execution(PASSES), make_execution(PASSES)
    for execution in (first, second):
        runner.start(execution)
        await runner.wait(execution)
    a, b = first.history.events[1], second.history.events[1]
    assert a.type == "PassStateEntered" and a.type is b.type
    assert a.details == {"name": "A", "input": "{}", "inputDetails": {"truncated": False}}
    assert a.details is not None and b.details is not None
    assert a.details["inputDetails"] is b.details["inputDetails"]
