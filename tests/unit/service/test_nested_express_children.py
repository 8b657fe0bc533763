"""EXPRESS children started by a ``states:startExecution`` task: followed by the ``.sync`` wait,
never kept past a while once ended (a request-response task never waits for its child)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from emulator.model.records import ExecutionStatus
from emulator.service.nested_executions import EXPRESS_CHILD_KEPT_SECONDS, ControlPlaneStarter
from tests.fakes import ManualClock


def _child(status: ExecutionStatus, stop_date: float | None) -> Any:
    return SimpleNamespace(status=status, stop_date=stop_date, express=True)


def test_ended_express_children_are_forgotten_after_a_while() -> None:
    clock = ManualClock()
    starter = ControlPlaneStarter(SimpleNamespace(clock=clock))  # type: ignore[arg-type]
    now = clock.now()
    starter._express = {
        "running": _child(ExecutionStatus.RUNNING, None),
        "just-ended": _child(ExecutionStatus.SUCCEEDED, now - 1),
        "ended-long-ago": _child(ExecutionStatus.FAILED, now - EXPRESS_CHILD_KEPT_SECONDS - 1),
    }
    starter._forget_ended_express()
    assert sorted(starter._express) == ["just-ended", "running"]
