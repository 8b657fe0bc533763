"""One INFO line per execution start and end; a failure names its state, error and cause."""

from __future__ import annotations

import logging

import pytest

from emulator.model.history import History
from emulator.model.records import Execution, StateMachine, StateMachineType
from emulator.service.execution_log_lines import execution_event

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"


def execution(map_run_arn: str | None = None) -> tuple[Execution, History]:
    machine = StateMachine(MACHINE, "orders", "{}", "role", StateMachineType.STANDARD, 0.0, None)
    history = History()
    record = Execution(
        f"{MACHINE}:run-1", "run-1", machine, MACHINE, "{}", 100.0, history=history, map_run_arn=map_run_arn
    )
    return record, history


def test_start_and_failure_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator.executions")
    record, history = execution()
    execution_event(record, history.add("ExecutionStarted", 100.0, 0))
    history.add("TaskStateEntered", 100.1, 1, "stateEnteredEventDetails", {"name": "Charge"})
    cause = "x" * 500
    failed = history.add(
        "ExecutionFailed",
        100.25,
        2,
        "executionFailedEventDetails",
        {"error": "Lambda.Unknown", "cause": cause},
    )
    execution_event(record, failed)
    started, ended = caplog.records
    assert started.getMessage() == "execution started: machine=orders execution=run-1"
    assert ended.levelno == logging.WARNING
    message = ended.getMessage()
    assert message.startswith(
        "execution failed: machine=orders execution=run-1 duration=250.0ms state=Charge error=Lambda.Unknown cause='xxx"
    )
    assert len(ended.cause) == 200  # type: ignore[attr-defined]
    assert (ended.state, ended.duration_ms) == ("Charge", 250.0)  # type: ignore[attr-defined]


def test_a_distributed_maps_children_log_only_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator.executions")
    record, history = execution(map_run_arn="arn:aws:states:us-east-1:123456789012:mapRun:orders/m:1")
    execution_event(record, history.add("ExecutionStarted", 100.0, 0))
    execution_event(record, history.add("ExecutionSucceeded", 100.1, 1))
    assert caplog.records == []
