"""The Express workflow duration limit, with a fake clock (no wall-clock sleeps).

Rows from "Choosing workflow type in Step Functions" (concepts-standard-vs-express.html,
https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html): Express workflows
have a maximum duration of five minutes; Standard workflows up to one year. An Express execution
that runs longer ends TIMED_OUT (StartSyncExecution's ``status`` TIMED_OUT, API_StartSyncExecution).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry
from emulator.model.records import ExecutionStatus
from emulator.runtime.engine import EXPRESS_MAX_DURATION_SECONDS, Engine, time_limit
from tests.fakes import ManualClock
from tests.unit.runtime.harness import events, make_execution

# (TimeoutSeconds in the definition, express?, the execution's time limit)
LIMITS = [
    (None, False, None),
    (10, False, 10),
    (400, False, 400),
    (None, True, 300),
    (10, True, 10),
    (300, True, 300),
    (400, True, 300),
]


@pytest.mark.parametrize(("timeout_seconds", "express", "limit"), LIMITS)
def test_the_time_limit_of_an_execution(
    timeout_seconds: int | None, express: bool, limit: int | None
) -> None:
    assert time_limit(timeout_seconds, express) == limit


def _wait(seconds: int, timeout_seconds: int | None = None) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}},
    }
    if timeout_seconds is not None:
        definition["TimeoutSeconds"] = timeout_seconds
    return definition


# (Wait seconds, TimeoutSeconds, express?, final status, seconds the execution lasted)
RUNS = [
    (400, None, True, ExecutionStatus.TIMED_OUT, 300),
    (400, 1000, True, ExecutionStatus.TIMED_OUT, 300),
    (400, 60, True, ExecutionStatus.TIMED_OUT, 60),
    (299, None, True, ExecutionStatus.SUCCEEDED, 299),
    (400, None, False, ExecutionStatus.SUCCEEDED, 400),
]


@pytest.mark.parametrize(("wait", "timeout_seconds", "express", "status", "lasted"), RUNS)
async def test_an_express_execution_ends_timed_out_after_five_minutes(
    wait: int, timeout_seconds: int | None, express: bool, status: ExecutionStatus, lasted: int
) -> None:
    clock = ManualClock()
    engine = Engine(clock, IntegrationRegistry(), random.Random(7))
    execution = make_execution(_wait(wait, timeout_seconds), express=express, clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    assert execution.status is status
    assert execution.stop_date is not None
    assert execution.stop_date - execution.start_date == pytest.approx(lasted)
    expected_end = "ExecutionTimedOut" if status is ExecutionStatus.TIMED_OUT else "ExecutionSucceeded"
    assert events(execution)[-1][2] == expected_end


def test_the_documented_express_limit_is_five_minutes() -> None:
    assert EXPRESS_MAX_DURATION_SECONDS == 5 * 60
