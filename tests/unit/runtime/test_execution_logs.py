"""Execution logging: level filtering, log-event shaping, stream names, batched delivery."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry
from emulator.model.history import History, HistoryEvent
from emulator.runtime.engine import Engine
from emulator.runtime.execution_logs import (
    ExecutionLogs,
    LoggedHistory,
    LogGroup,
    destination_of,
    level_selects,
    log_event,
    log_stream_name,
    parse_log_group_arn,
)
from tests.fakes import ManualClock
from tests.unit.runtime.harness import make_execution

GROUP_ARN = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/vendedlogs/states/demo:*"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}


def logging(level: str, include: bool = True) -> dict[str, Any]:
    return {
        "level": level,
        "includeExecutionData": include,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": GROUP_ARN}}],
    }


class RecordingWriter:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[tuple[LogGroup, str, list[tuple[int, str]]]] = []
        self.fail = fail

    async def put(self, group: LogGroup, stream: str, events: list[tuple[int, str]]) -> None:
        if self.fail:
            raise RuntimeError("logs unavailable")
        self.batches.append((group, stream, events))

    async def group_exists(self, group: LogGroup) -> bool:
        return True

    def documents(self) -> list[dict[str, Any]]:
        return [json.loads(message) for _, _, events in self.batches for _, message in events]


@pytest.mark.parametrize(
    ("level", "event_type", "selected"),
    [
        ("ALL", "PassStateEntered", True),
        ("ALL", "ExecutionStarted", True),
        ("ERROR", "FailStateEntered", True),
        ("ERROR", "TaskFailed", True),
        ("ERROR", "ExecutionFailed", True),
        ("ERROR", "ExecutionSucceeded", False),
        ("ERROR", "TaskStateEntered", False),
        ("FATAL", "ExecutionTimedOut", True),
        ("FATAL", "ExecutionAborted", True),
        ("FATAL", "FailStateEntered", False),
        ("FATAL", "TaskFailed", False),
        ("OFF", "ExecutionFailed", False),
    ],
)
def test_levels_select_the_event_types_of_aws_table(level: str, event_type: str, selected: bool) -> None:
    assert level_selects(level, event_type) is selected


def test_log_group_arns_with_and_without_the_star_suffix() -> None:
    group = parse_log_group_arn(GROUP_ARN)
    assert group == LogGroup(GROUP_ARN, "111111111111", "us-east-1", "/aws/vendedlogs/states/demo")
    assert parse_log_group_arn("arn:aws:logs:eu-west-1:222222222222:log-group:g").name == "g"  # type: ignore[union-attr]
    assert parse_log_group_arn("arn:aws:sqs:us-east-1:111111111111:q") is None
    assert parse_log_group_arn(None) is None


def test_off_or_missing_destination_logs_nothing() -> None:
    assert destination_of({"level": "OFF", "includeExecutionData": False}) is None
    assert destination_of(None) is None
    destination = destination_of(logging("ERROR", include=False))
    assert destination is not None
    assert (destination.level, destination.include_execution_data) == ("ERROR", False)


def test_log_event_has_aws_fields_with_numbers_as_text() -> None:
    event = HistoryEvent(
        4,
        3,
        "ExecutionSucceeded",
        1_700_000_000.1234,
        "executionSucceededEventDetails",
        {"output": '{"a":1}', "outputDetails": {"truncated": False}},
    )
    document = log_event(event, "arn:x", 0, include_execution_data=True)
    assert document == {
        "id": "4",
        "type": "ExecutionSucceeded",
        "details": {"output": '{"a":1}', "outputDetails": {"truncated": False}},
        "previous_event_id": "3",
        "event_timestamp": "1700000000123",
        "execution_arn": "arn:x",
        "redrive_count": "0",
    }


def test_without_execution_data_payloads_are_dropped_but_errors_kept() -> None:
    entered = HistoryEvent(
        2,
        0,
        "PassStateEntered",
        1.0,
        "stateEnteredEventDetails",
        {"name": "P", "input": "{}", "inputDetails": {"truncated": False}},
    )
    failed = HistoryEvent(
        3, 2, "ExecutionFailed", 1.0, "executionFailedEventDetails", {"error": "E", "cause": "C"}
    )
    assert log_event(entered, "a", 1, False)["details"] == {"name": "P", "inputDetails": {"truncated": False}}
    assert log_event(failed, "a", 1, False)["details"] == {"error": "E", "cause": "C"}
    assert log_event(failed, "a", 1, False)["redrive_count"] == "1"
    assert log_event(HistoryEvent(1, 0, "X", 1.0), "a", 0, True)["details"] == {}


def test_stream_names_follow_aws_pattern() -> None:
    name = log_stream_name("Machine", 1_700_000_000.0, random.Random(1))
    prefix, minute, suffix = name.rsplit("/", 2)
    assert (prefix, minute) == ("states/Machine", "2023-11-14-22-13")
    assert len(suffix) == 8 and int(suffix, 16) >= 0


def test_a_machine_that_does_not_log_keeps_the_plain_history() -> None:
    logs = ExecutionLogs(RecordingWriter())
    execution = make_execution(PASS)
    logs.attach(execution, execution.start_date)
    assert type(execution.history) is History


async def test_level_all_delivers_every_event_in_order() -> None:
    writer = RecordingWriter()
    logs = ExecutionLogs(writer)
    execution = make_execution(PASS)
    execution.state_machine.logging_configuration = logging("ALL")
    logs.attach(execution, execution.start_date)
    assert isinstance(execution.history, LoggedHistory)
    for event in ("ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"):
        execution.history.add(event, execution.start_date, 0)
    await logs.flush()
    assert [d["type"] for d in writer.documents()] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    group, stream, _ = writer.batches[0]
    assert group.name == "/aws/vendedlogs/states/demo"
    assert stream.startswith("states/unit_machine_0123/")
    assert {d["execution_arn"] for d in writer.documents()} == {execution.arn}


async def test_level_fatal_delivers_only_the_execution_failure() -> None:
    writer = RecordingWriter()
    logs = ExecutionLogs(writer)
    execution = make_execution(FAIL)
    execution.state_machine.logging_configuration = logging("FATAL")
    logs.attach(execution, execution.start_date)
    for event in ("ExecutionStarted", "FailStateEntered", "ExecutionFailed"):
        execution.history.add(event, execution.start_date, 0, "d", {"error": "E"})
    await logs.flush()
    assert [d["type"] for d in writer.documents()] == ["ExecutionFailed"]


async def test_events_of_one_loop_turn_go_out_in_one_batch() -> None:
    writer = RecordingWriter()
    logs = ExecutionLogs(writer)
    execution = make_execution(PASS)
    execution.state_machine.logging_configuration = logging("ALL")
    logs.attach(execution, execution.start_date)
    for event_id in range(5):
        execution.history.add("PassStateEntered", execution.start_date + event_id, 0)
    await logs.flush()
    assert len(writer.batches) == 1 and len(writer.batches[0][2]) == 5


async def test_a_failing_delivery_never_reaches_the_execution() -> None:
    logs = ExecutionLogs(RecordingWriter(fail=True))
    execution = make_execution(PASS)
    execution.state_machine.logging_configuration = logging("ALL")
    logs.attach(execution, execution.start_date)
    execution.history.add("ExecutionStarted", execution.start_date, 0)
    await logs.flush()  # logged and dropped


async def test_an_engine_run_with_a_logged_history_delivers_its_events() -> None:
    writer = RecordingWriter()
    logs = ExecutionLogs(writer)
    clock = ManualClock()
    execution = make_execution(PASS, clock=clock)
    execution.state_machine.logging_configuration = logging("ALL")
    logs.attach(execution, execution.start_date)
    engine = Engine(clock, IntegrationRegistry(), random.Random(1))
    engine.start(execution)
    await engine.wait(execution)
    await logs.flush()
    documents = writer.documents()
    assert [d["id"] for d in documents] == ["1", "2", "3", "4"]
    assert documents[-1]["details"]["output"] == '{"a":1}'
    assert execution.status.value == "SUCCEEDED"
