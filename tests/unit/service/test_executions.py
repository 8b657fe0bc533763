"""StartSyncExecution's response shape (fake engine: no interpreter)."""

from __future__ import annotations

import json
import random

from emulator.model.records import Execution, ExecutionStatus, StateMachineStatus
from emulator.service import executions, state_machines
from emulator.service.environment import ServiceEnvironment
from emulator.settings import Settings
from emulator.store.memory import MemoryStore
from tests.unit.service.test_control_plane import CONTEXT, PASS, ROLE, FakeEngine, FixedClock


class FailingEngine(FakeEngine):
    def start(self, execution: Execution) -> None:
        execution.status = ExecutionStatus.FAILED
        execution.error, execution.cause = "SomeFailure", "it failed"


async def test_a_failed_sync_execution_still_reports_output_details() -> None:
    env = ServiceEnvironment(
        settings=Settings(),
        store=MemoryStore(),
        clock=FixedClock(),
        engine=FailingEngine(),
        rng=random.Random(1),
    )
    arn = state_machines.create_state_machine(
        env, CONTEXT, {"name": "x", "definition": PASS, "roleArn": ROLE, "type": "EXPRESS"}
    )["stateMachineArn"]
    out = await executions.start_sync_execution(
        env, CONTEXT, {"stateMachineArn": arn, "input": json.dumps({})}
    )
    assert out["status"] == "FAILED" and "output" not in out
    assert out["outputDetails"] == {"included": True}
    assert (out["error"], out["cause"]) == ("SomeFailure", "it failed")


def _ended(status: ExecutionStatus, stop_date: float = 1_000.0) -> Execution:
    from tests.unit.runtime.harness import make_execution

    execution = make_execution({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    execution.status, execution.stop_date = status, stop_date
    return execution


def test_redrivable_reasons_follow_aws_texts() -> None:
    day = 24 * 60 * 60
    failed = _ended(ExecutionStatus.FAILED)
    assert executions.not_redrivable_reason(failed, 1_000.0 + 14 * day) is None
    assert (
        executions.not_redrivable_reason(failed, 1_001.0 + 14 * day)
        == "Execution redrivable period exceeded."
    )
    assert (
        executions.not_redrivable_reason(_ended(ExecutionStatus.SUCCEEDED))
        == "Execution is SUCCEEDED and cannot be redriven"
    )
    deleting = failed.state_machine
    deleting.status = StateMachineStatus.DELETING
    assert (
        executions.not_redrivable_reason(failed, 1_000.0, deleting) == "State machine is in DELETING status."
    )
