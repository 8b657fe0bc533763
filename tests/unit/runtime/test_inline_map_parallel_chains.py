"""Parallel and inline Map event chains (types, order, ``previousEventId``) in every configuration.

Rows = configuration -> the whole history as (id, previousEventId, type). Sources:

* Event types and their details members: HistoryEvent, API reference
  https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
  (ParallelStateEntered/Started/Succeeded/Failed/Aborted/Exited, MapStateEntered/Started/Succeeded/
  Failed/Aborted/Exited, MapIterationStarted/Succeeded/Failed/Aborted with
  ``map_iteration_*EventDetails`` {name, index}, ``mapStateStartedEventDetails`` {length}; the only
  state-level abort events are TaskStateAborted, WaitStateAborted, MapStateAborted and
  ParallelStateAborted: a Pass / Choice / Succeed / Fail state records none).
* Parallel workflow state, https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
  (branches run concurrently; one failing branch fails the state and the others are stopped) and
  Map state in Inline mode, https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
  (MaxConcurrency: 1 one iteration at a time, 0 / absent as many as possible, N at most N; an empty
  array runs no iteration).
* Handling errors, https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
  (Retry / Catch on a Parallel or Map take a branch's / iteration's error; a retry starts the
  whole state again) and the ASL spec, https://states-language.net/spec.html (Parallel / Map).
* StopExecution, https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html
  and the state machine's ``TimeoutSeconds`` (statemachine-structure.html): what was running is
  aborted (ExecutionAborted / ExecutionTimedOut ends the history).
* Task ``TimeoutSeconds`` (state-task.html): ``States.Timeout``, TaskTimedOut.

The documentation does not give the links; the rules are the ones AWS's recorded histories follow
(the shared corpus, learned as rules, never per case):

  R1  A state's first event follows the event its flow ended on; MapStateStarted /
      ParallelStateStarted follow the Entered event; a retry's Started follows the failed attempt's
      last event (the failing branch's / iteration's last, not MapIterationFailed).
  R2  Branches start from ParallelStateStarted. With one iteration at a time (MaxConcurrency 1) an
      iteration's MapIterationStarted follows the event the previous iteration ended on; when
      several run at once, the first batch all follow MapStateStarted and all start before any
      runs, and a freed slot's next iteration follows the event the finished one ended on.
  R3  MapIterationSucceeded / MapIterationFailed follow the iteration's last event; MapStateSucceeded
      and MapStateExited follow the last MapIterationSucceeded (empty: MapStateStarted).
  R4  Concurrent flows run until they wait: every TaskStateEntered / TaskScheduled of the starting
      flows comes first, then their TaskStarted (recorded: timeouts/…map_timeout).
  R5  A failure (a Fail state, an uncaught Task error) aborts the rest, each abort following the
      failing event: the failed Task's own TaskStateAborted (not after a Fail state), then per
      running sibling MapIterationAborted (Map only) and its state's abort (Task / Wait /
      nested Map or Parallel with theirs); then MapStateFailed / ParallelStateFailed following the
      failing event. Flows that ended at the same moment (Tasks timing out together) are recorded
      first, and are aborted like the others.
  R6  StopExecution / the execution's TimeoutSeconds: each running flow's abort follows that flow's
      latest event, the Map's / Parallel's own abort follows its latest event; ExecutionAborted
      follows 0, ExecutionTimedOut the execution flow's latest event.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.records import Execution, ExecutionStatus, MapRun, MapRunStatus
from emulator.runtime.engine import Engine
from emulator.runtime.virtual_clock import VirtualClock, parking
from tests.fakes import StubIntegration
from tests.unit.runtime.harness import events, make_execution

Event = tuple[int, int, str]
START = 1_700_000_000.0
ANSWERS = "arn:aws:states:::sqs:sendMessage"  # answers at once ({"fail": true}: fails with Boom)
HANGS = "arn:aws:states:::sns:publish"  # never answers (until a timeout or an abort)


def _pass(name: str = "P") -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Pass", "End": True}}}


def _wait(seconds: int, name: str = "W") -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Wait", "Seconds": seconds, "End": True}}}


def _fail(name: str = "F", error: str = "X") -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Fail", "Error": error}}}


def _task(resource: str, name: str = "T", **fields: Any) -> dict[str, Any]:
    return {"StartAt": name, "States": {name: {"Type": "Task", "Resource": resource, "End": True, **fields}}}


def _map(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    state = {"Type": "Map", "ItemProcessor": processor, **fields}
    if "Next" not in fields:
        state["End"] = True
    return state


def _parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    state = {"Type": "Parallel", "Branches": list(branches), **fields}
    if "Next" not in fields:
        state["End"] = True
    return state


def _machine(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    states = {"S": state}
    if state.get("Next") == "After" or any(c.get("Next") == "After" for c in state.get("Catch", ())):
        states["After"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S", "States": states, **top}


# Items equal to 1 fail (Fail state), the others wait a minute.
ONE_FAILS = {
    "StartAt": "C",
    "States": {
        "C": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "F"}],
            "Default": "W",
        },
        "W": {"Type": "Wait", "Seconds": 60, "End": True},
        "F": {"Type": "Fail", "Error": "X"},
    },
}


@dataclass(frozen=True)
class Row:
    name: str
    definition: dict[str, Any]
    items: Any
    expected: list[Event]
    status: ExecutionStatus
    stop_after: float | None = None  # StopExecution after this many (virtual) seconds


# One line holds a few events: the chains read as the histories do.
# fmt: off
ROWS = [
    # --- Parallel ---------------------------------------------------------------------------
    Row(
        "Parallel: two branches of Pass states (R1, R2)",
        _machine(_parallel(_pass("A"), {"StartAt": "B1", "States": {
            "B1": {"Type": "Pass", "Next": "B2"}, "B2": {"Type": "Pass", "End": True}}}, Next="After")),
        {},
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "PassStateEntered"), (5, 4, "PassStateExited"),
            (6, 3, "PassStateEntered"), (7, 6, "PassStateExited"), (8, 7, "PassStateEntered"),
            (9, 8, "PassStateExited"), (10, 9, "ParallelStateSucceeded"), (11, 9, "ParallelStateExited"),
            (12, 11, "PassStateEntered"), (13, 12, "PassStateExited"), (14, 13, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Parallel: a Fail branch aborts a waiting branch (R5)",
        _machine(_parallel(_wait(60), _fail())),
        {},
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "WaitStateEntered"), (5, 3, "FailStateEntered"), (6, 5, "WaitStateAborted"),
            (7, 5, "ParallelStateFailed"), (8, 7, "ExecutionFailed"),
        ],
        ExecutionStatus.FAILED,
    ),
    Row(
        "Parallel: a failing Task aborts a running Task (R5)",
        _machine(_parallel(_task(HANGS, "H"), _task(ANSWERS, Parameters={"fail": True}))),
        {},
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "TaskStateEntered"), (5, 4, "TaskScheduled"), (6, 3, "TaskStateEntered"),
            (7, 6, "TaskScheduled"), (8, 5, "TaskStarted"), (9, 7, "TaskStarted"), (10, 9, "TaskFailed"),
            (11, 10, "TaskStateAborted"), (12, 10, "TaskStateAborted"), (13, 10, "ParallelStateFailed"),
            (14, 13, "ExecutionFailed"),
        ],
        ExecutionStatus.FAILED,
    ),
    Row(
        "Parallel: Retry then Catch (R1, R5)",
        _machine(_parallel(_wait(60), _fail(), Next="After",
                           Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 1, "IntervalSeconds": 2}],
                           Catch=[{"ErrorEquals": ["X"], "Next": "After"}])),
        {},
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "WaitStateEntered"), (5, 3, "FailStateEntered"), (6, 5, "WaitStateAborted"),
            (7, 5, "ParallelStateStarted"), (8, 7, "WaitStateEntered"), (9, 7, "FailStateEntered"),
            (10, 9, "WaitStateAborted"), (11, 9, "ParallelStateFailed"), (12, 11, "ParallelStateExited"),
            (13, 12, "PassStateEntered"), (14, 13, "PassStateExited"), (15, 14, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Parallel: StopExecution while both branches wait (R6)",
        _machine(_parallel(_wait(60), _wait(100, "W2"))),
        {},
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "WaitStateEntered"), (5, 3, "WaitStateEntered"), (6, 4, "WaitStateAborted"),
            (7, 5, "WaitStateAborted"), (8, 3, "ParallelStateAborted"), (9, 0, "ExecutionAborted"),
        ],
        ExecutionStatus.ABORTED,
        stop_after=10,
    ),
    Row(
        "Parallel: the execution's TimeoutSeconds while both branches wait (R6)",
        _machine(_parallel(_wait(60), _wait(100, "W2")), TimeoutSeconds=5),
        {},
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "WaitStateEntered"), (5, 3, "WaitStateEntered"), (6, 4, "WaitStateAborted"),
            (7, 5, "WaitStateAborted"), (8, 3, "ParallelStateAborted"), (9, 3, "ExecutionTimedOut"),
        ],
        ExecutionStatus.TIMED_OUT,
    ),
    # --- inline Map ----------------------------------------------------------------------------
    Row(
        "Map: MaxConcurrency 1 (R2, R3)",
        _machine(_map(_pass(), MaxConcurrency=1)),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 4, "PassStateEntered"), (6, 5, "PassStateExited"),
            (7, 6, "MapIterationSucceeded"), (8, 6, "MapIterationStarted"), (9, 8, "PassStateEntered"),
            (10, 9, "PassStateExited"), (11, 10, "MapIterationSucceeded"), (12, 11, "MapStateSucceeded"),
            (13, 11, "MapStateExited"), (14, 13, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: no MaxConcurrency, every iteration starts first (R2, R3)",
        _machine(_map(_pass())),
        [1, 2, 3],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"), (6, 3, "MapIterationStarted"),
            (7, 4, "PassStateEntered"), (8, 7, "PassStateExited"), (9, 8, "MapIterationSucceeded"),
            (10, 5, "PassStateEntered"), (11, 10, "PassStateExited"), (12, 11, "MapIterationSucceeded"),
            (13, 6, "PassStateEntered"), (14, 13, "PassStateExited"), (15, 14, "MapIterationSucceeded"),
            (16, 15, "MapStateSucceeded"), (17, 15, "MapStateExited"), (18, 17, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: MaxConcurrency 0 is no limit (R2)",
        _machine(_map(_pass(), MaxConcurrency=0)),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "PassStateEntered"), (7, 6, "PassStateExited"), (8, 7, "MapIterationSucceeded"),
            (9, 5, "PassStateEntered"), (10, 9, "PassStateExited"), (11, 10, "MapIterationSucceeded"),
            (12, 11, "MapStateSucceeded"), (13, 11, "MapStateExited"), (14, 13, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: MaxConcurrency 2 of 4 items, a freed slot starts the next (R2)",
        _machine(_map(_pass(), MaxConcurrency=2)),
        [1, 2, 3, 4],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "PassStateEntered"), (7, 6, "PassStateExited"), (8, 7, "MapIterationSucceeded"),
            (9, 7, "MapIterationStarted"),
            (10, 5, "PassStateEntered"), (11, 10, "PassStateExited"), (12, 11, "MapIterationSucceeded"),
            (13, 11, "MapIterationStarted"),
            (14, 9, "PassStateEntered"), (15, 14, "PassStateExited"), (16, 15, "MapIterationSucceeded"),
            (17, 13, "PassStateEntered"), (18, 17, "PassStateExited"), (19, 18, "MapIterationSucceeded"),
            (20, 19, "MapStateSucceeded"), (21, 19, "MapStateExited"), (22, 21, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: MaxConcurrency 2, iterations ending out of order (R2, R3)",
        _machine(_map({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$", "End": True}}},
                      MaxConcurrency=2)),
        [3, 1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "WaitStateEntered"), (7, 5, "WaitStateEntered"),
            (8, 7, "WaitStateExited"), (9, 8, "MapIterationSucceeded"), (10, 8, "MapIterationStarted"),
            (11, 10, "WaitStateEntered"), (12, 6, "WaitStateExited"), (13, 12, "MapIterationSucceeded"),
            (14, 11, "WaitStateExited"), (15, 14, "MapIterationSucceeded"),
            (16, 15, "MapStateSucceeded"), (17, 15, "MapStateExited"), (18, 17, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: empty items (R3)",
        _machine(_map(_pass())),
        [],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapStateSucceeded"), (5, 3, "MapStateExited"), (6, 5, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: Tasks in concurrent iterations (R4)",
        _machine(_map(_task(ANSWERS))),
        [{"n": 1}, {"n": 2}],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "TaskStateEntered"), (7, 6, "TaskScheduled"), (8, 5, "TaskStateEntered"),
            (9, 8, "TaskScheduled"), (10, 7, "TaskStarted"), (11, 10, "TaskSucceeded"),
            (12, 11, "TaskStateExited"), (13, 12, "MapIterationSucceeded"), (14, 9, "TaskStarted"),
            (15, 14, "TaskSucceeded"), (16, 15, "TaskStateExited"), (17, 16, "MapIterationSucceeded"),
            (18, 17, "MapStateSucceeded"), (19, 17, "MapStateExited"), (20, 19, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: every iteration's Task TimeoutSeconds at the same moment (R4, R5)",
        _machine(_map(_task(HANGS, TimeoutSeconds=5))),
        [1, 2, 3],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"), (6, 3, "MapIterationStarted"),
            (7, 4, "TaskStateEntered"), (8, 7, "TaskScheduled"), (9, 5, "TaskStateEntered"),
            (10, 9, "TaskScheduled"), (11, 6, "TaskStateEntered"), (12, 11, "TaskScheduled"),
            (13, 8, "TaskStarted"), (14, 10, "TaskStarted"), (15, 12, "TaskStarted"),
            (16, 13, "TaskTimedOut"), (17, 14, "TaskTimedOut"), (18, 15, "TaskTimedOut"),
            (19, 16, "MapIterationFailed"), (20, 16, "TaskStateAborted"),
            (21, 16, "MapIterationAborted"), (22, 16, "TaskStateAborted"),
            (23, 16, "MapIterationAborted"), (24, 16, "TaskStateAborted"),
            (25, 16, "MapStateFailed"), (26, 25, "ExecutionFailed"),
        ],
        ExecutionStatus.FAILED,
    ),
    Row(
        "Map: a Task's TimeoutSeconds caught inside the iteration (MaxConcurrency 1)",
        _machine(_map({"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": HANGS, "TimeoutSeconds": 5, "End": True,
                  "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "C"}]},
            "C": {"Type": "Pass", "End": True}}}, MaxConcurrency=1)),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 4, "TaskStateEntered"), (6, 5, "TaskScheduled"),
            (7, 6, "TaskStarted"), (8, 7, "TaskTimedOut"), (9, 8, "TaskStateExited"),
            (10, 9, "PassStateEntered"), (11, 10, "PassStateExited"), (12, 11, "MapIterationSucceeded"),
            (13, 11, "MapIterationStarted"), (14, 13, "TaskStateEntered"), (15, 14, "TaskScheduled"),
            (16, 15, "TaskStarted"), (17, 16, "TaskTimedOut"), (18, 17, "TaskStateExited"),
            (19, 18, "PassStateEntered"), (20, 19, "PassStateExited"), (21, 20, "MapIterationSucceeded"),
            (22, 21, "MapStateSucceeded"), (23, 21, "MapStateExited"), (24, 23, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: a failing iteration aborts the waiting ones (R5)",
        _machine(_map(ONE_FAILS)),
        [0, 1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"), (6, 3, "MapIterationStarted"),
            (7, 4, "ChoiceStateEntered"), (8, 7, "ChoiceStateExited"), (9, 8, "WaitStateEntered"),
            (10, 5, "ChoiceStateEntered"), (11, 10, "ChoiceStateExited"), (12, 11, "FailStateEntered"),
            (13, 6, "ChoiceStateEntered"), (14, 13, "ChoiceStateExited"), (15, 14, "WaitStateEntered"),
            (16, 12, "MapIterationFailed"), (17, 12, "MapIterationAborted"), (18, 12, "WaitStateAborted"),
            (19, 12, "MapIterationAborted"), (20, 12, "WaitStateAborted"), (21, 12, "MapStateFailed"),
            (22, 21, "ExecutionFailed"),
        ],
        ExecutionStatus.FAILED,
    ),
    Row(
        "Map: MaxConcurrency 1, a failing iteration: the later ones never start (R5)",
        _machine(_map(ONE_FAILS, MaxConcurrency=1)),
        [1, 0],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 4, "ChoiceStateEntered"), (6, 5, "ChoiceStateExited"),
            (7, 6, "FailStateEntered"), (8, 7, "MapIterationFailed"), (9, 7, "MapStateFailed"),
            (10, 9, "ExecutionFailed"),
        ],
        ExecutionStatus.FAILED,
    ),
    Row(
        "Map: Retry then Catch with concurrent iterations (R1, R5)",
        _machine(_map(ONE_FAILS, Next="After",
                      Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                      Catch=[{"ErrorEquals": ["X"], "Next": "After"}])),
        [0, 1],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "ChoiceStateEntered"), (7, 6, "ChoiceStateExited"), (8, 7, "WaitStateEntered"),
            (9, 5, "ChoiceStateEntered"), (10, 9, "ChoiceStateExited"), (11, 10, "FailStateEntered"),
            (12, 11, "MapIterationFailed"), (13, 11, "MapIterationAborted"), (14, 11, "WaitStateAborted"),
            (15, 11, "MapStateStarted"), (16, 15, "MapIterationStarted"), (17, 15, "MapIterationStarted"),
            (18, 16, "ChoiceStateEntered"), (19, 18, "ChoiceStateExited"), (20, 19, "WaitStateEntered"),
            (21, 17, "ChoiceStateEntered"), (22, 21, "ChoiceStateExited"), (23, 22, "FailStateEntered"),
            (24, 23, "MapIterationFailed"), (25, 23, "MapIterationAborted"), (26, 23, "WaitStateAborted"),
            (27, 23, "MapStateFailed"), (28, 27, "MapStateExited"), (29, 28, "PassStateEntered"),
            (30, 29, "PassStateExited"), (31, 30, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "Map: StopExecution during a MaxConcurrency 1 Map (R6)",
        _machine(_map(_wait(10), MaxConcurrency=1)),
        [1, 2, 3],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 4, "WaitStateEntered"), (6, 5, "WaitStateExited"),
            (7, 6, "MapIterationSucceeded"), (8, 6, "MapIterationStarted"), (9, 8, "WaitStateEntered"),
            (10, 3, "MapIterationAborted"), (11, 9, "WaitStateAborted"), (12, 3, "MapStateAborted"),
            (13, 0, "ExecutionAborted"),
        ],
        ExecutionStatus.ABORTED,
        stop_after=15,
    ),
    Row(
        "Map: the execution's TimeoutSeconds while Tasks run (R4, R6)",
        _machine(_map(_task(HANGS)), TimeoutSeconds=5),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "TaskStateEntered"), (7, 6, "TaskScheduled"), (8, 5, "TaskStateEntered"),
            (9, 8, "TaskScheduled"), (10, 7, "TaskStarted"), (11, 9, "TaskStarted"),
            (12, 3, "MapIterationAborted"), (13, 10, "TaskStateAborted"),
            (14, 3, "MapIterationAborted"), (15, 11, "TaskStateAborted"),
            (16, 3, "MapStateAborted"), (17, 3, "ExecutionTimedOut"),
        ],
        ExecutionStatus.TIMED_OUT,
    ),
    # --- nested ----------------------------------------------------------------------------------
    Row(
        "nested: Map in Map, MaxConcurrency 1 both (R2, R3)",
        _machine(_map({"StartAt": "I", "States": {"I": _map(_pass(), MaxConcurrency=1)}}, MaxConcurrency=1)),
        [[1], [2]],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 4, "MapStateEntered"), (6, 5, "MapStateStarted"),
            (7, 6, "MapIterationStarted"), (8, 7, "PassStateEntered"), (9, 8, "PassStateExited"),
            (10, 9, "MapIterationSucceeded"), (11, 10, "MapStateSucceeded"), (12, 10, "MapStateExited"),
            (13, 12, "MapIterationSucceeded"), (14, 12, "MapIterationStarted"), (15, 14, "MapStateEntered"),
            (16, 15, "MapStateStarted"), (17, 16, "MapIterationStarted"), (18, 17, "PassStateEntered"),
            (19, 18, "PassStateExited"), (20, 19, "MapIterationSucceeded"), (21, 20, "MapStateSucceeded"),
            (22, 20, "MapStateExited"), (23, 22, "MapIterationSucceeded"), (24, 23, "MapStateSucceeded"),
            (25, 23, "MapStateExited"), (26, 25, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "nested: Parallel in concurrent Map iterations (R2, R4)",
        _machine(_map({"StartAt": "P", "States": {"P": _parallel(_pass("A"), _wait(1, "B"))}})),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 3, "MapIterationStarted"),
            (6, 4, "ParallelStateEntered"), (7, 6, "ParallelStateStarted"),
            (8, 5, "ParallelStateEntered"), (9, 8, "ParallelStateStarted"),
            (10, 7, "PassStateEntered"), (11, 10, "PassStateExited"), (12, 7, "WaitStateEntered"),
            (13, 9, "PassStateEntered"), (14, 13, "PassStateExited"), (15, 9, "WaitStateEntered"),
            (16, 12, "WaitStateExited"), (17, 15, "WaitStateExited"),
            (18, 16, "ParallelStateSucceeded"), (19, 16, "ParallelStateExited"),
            (20, 19, "MapIterationSucceeded"), (21, 17, "ParallelStateSucceeded"),
            (22, 17, "ParallelStateExited"), (23, 22, "MapIterationSucceeded"),
            (24, 23, "MapStateSucceeded"), (25, 23, "MapStateExited"), (26, 25, "ExecutionSucceeded"),
        ],
        ExecutionStatus.SUCCEEDED,
    ),
    Row(
        "nested: a failing branch aborts a Map in the other branch (R5)",
        _machine(_parallel(
            {"StartAt": "M", "States": {"M": _map(_wait(60))}},
            {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 1, "Next": "F"},
                                         "F": {"Type": "Fail", "Error": "Y"}}},
        )),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "ParallelStateEntered"), (3, 2, "ParallelStateStarted"),
            (4, 3, "MapStateEntered"), (5, 4, "MapStateStarted"), (6, 3, "WaitStateEntered"),
            (7, 5, "MapIterationStarted"), (8, 5, "MapIterationStarted"),
            (9, 7, "WaitStateEntered"), (10, 8, "WaitStateEntered"),
            (11, 6, "WaitStateExited"), (12, 11, "FailStateEntered"),
            (13, 12, "MapIterationAborted"), (14, 12, "WaitStateAborted"),
            (15, 12, "MapIterationAborted"), (16, 12, "WaitStateAborted"), (17, 12, "MapStateAborted"),
            (18, 12, "ParallelStateFailed"), (19, 18, "ExecutionFailed"),
        ],
        ExecutionStatus.FAILED,
    ),
    Row(
        "nested: StopExecution aborts a Parallel inside a Map iteration (R6)",
        _machine(_map({"StartAt": "P", "States": {"P": _parallel(_wait(60, "A"), _wait(60, "B"))}},
                      MaxConcurrency=1)),
        [1],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"), (5, 4, "ParallelStateEntered"), (6, 5, "ParallelStateStarted"),
            (7, 6, "WaitStateEntered"), (8, 6, "WaitStateEntered"),
            (9, 3, "MapIterationAborted"), (10, 7, "WaitStateAborted"), (11, 8, "WaitStateAborted"),
            (12, 6, "ParallelStateAborted"), (13, 3, "MapStateAborted"), (14, 0, "ExecutionAborted"),
        ],
        ExecutionStatus.ABORTED,
        stop_after=10,
    ),
    # --- Distributed Map (its children are executions of their own) -------------------------------
    Row(
        "Distributed Map: the execution's TimeoutSeconds while the Map Run runs (R6)",
        _machine(_map(dict(_wait(60), ProcessorConfig={"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})),
                 TimeoutSeconds=5),
        [1, 2],
        [
            (1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "MapStateStarted"),
            (4, 3, "MapRunStarted"), (5, 4, "MapRunAborted"), (6, 4, "MapStateAborted"),
            (7, 4, "ExecutionTimedOut"),
        ],
        ExecutionStatus.TIMED_OUT,
    ),
]
# fmt: on


async def _run(row: Row) -> Execution:
    """The row's execution on a virtual clock moved by hand (every timer due fires, in order)."""
    clock = VirtualClock(START)

    async def answer(invocation: TaskInvocation) -> Any:
        if invocation.parameters == {"fail": True}:  # type: ignore[comparison-overlap]
            raise StatesError("Boom", "it broke")
        return {"ok": True}

    async def hang(invocation: TaskInvocation) -> Any:
        with parking(clock):  # out with the world: the clock may move on meanwhile
            await asyncio.Future()

    integrations = IntegrationRegistry()
    integrations.register("sqs", StubIntegration(answer))
    integrations.register("sns", StubIntegration(hang))
    engine = Engine(clock, integrations, random.Random(7))  # type: ignore[arg-type]
    execution = make_execution(row.definition, json.dumps(row.items), clock=clock)  # type: ignore[arg-type]
    engine.start(execution)
    await clock.advance(0)
    if row.stop_after is not None:
        await clock.advance(row.stop_after)
        engine.stop(execution, "Stopped", None)
    for _ in range(30):
        if execution.status is not ExecutionStatus.RUNNING:
            break
        await clock.advance(5)
    await engine.wait(execution)
    return execution


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_event_chain(row: Row) -> None:
    execution = await _run(row)
    assert events(execution) == row.expected
    assert execution.status is row.status


def _details(execution: Execution, type_: str) -> list[Any]:
    return [event.details for event in execution.history.events if event.type == type_]


async def test_iteration_events_carry_the_map_state_name_and_the_item_index() -> None:
    # HistoryEvent: map_iteration_*_event_details are MapIterationEventDetails {name, index};
    # MapStateStarted carries mapStateStartedEventDetails {length}.
    row = next(row for row in ROWS if row.name.startswith("Map: a failing iteration aborts"))
    execution = await _run(row)
    assert _details(execution, "MapStateStarted") == [{"length": 3}]
    assert _details(execution, "MapIterationStarted") == [{"name": "S", "index": i} for i in range(3)]
    assert _details(execution, "MapIterationFailed") == [{"name": "S", "index": 1}]
    assert _details(execution, "MapIterationAborted") == [
        {"name": "S", "index": 0},
        {"name": "S", "index": 2},
    ]
    keys = {event.type: event.details_key for event in execution.history.events if event.details_key}
    assert keys["MapIterationStarted"] == "mapIterationStartedEventDetails"
    assert keys["MapIterationFailed"] == "mapIterationFailedEventDetails"
    assert keys["MapIterationAborted"] == "mapIterationAbortedEventDetails"


async def test_state_aborts_carry_no_details_and_exist_only_for_waiting_states() -> None:
    # The only <Type>StateAborted types HistoryEvent lists: Task, Wait, Map, Parallel.
    abortable = {"TaskStateAborted", "WaitStateAborted", "MapStateAborted", "ParallelStateAborted"}
    for row in ROWS:
        execution = await _run(row)
        for event in execution.history.events:
            if event.type.endswith("StateAborted"):
                assert event.type in abortable, (row.name, event.type)
                assert not event.details, (row.name, event.type)


class _MapRuns:
    """The Map Run sink: the runs and child executions a Distributed Map starts."""

    def __init__(self) -> None:
        self.runs: list[MapRun] = []
        self.children: list[Execution] = []

    def map_run_started(self, account: str, region: str, map_run: MapRun) -> None:
        self.runs.append(map_run)

    def child_execution_started(self, account: str, region: str, execution: Execution) -> None:
        self.children.append(execution)


async def test_the_parents_timeout_aborts_the_map_run_and_its_children() -> None:
    # MapRunExecutionCounts (API reference): "aborted … stopped by the user or by Step Functions";
    # the run ends ABORTED (DescribeMapRun status) with the parent's TimeoutSeconds.
    clock = VirtualClock(START)
    sink = _MapRuns()
    engine = Engine(clock, IntegrationRegistry(), random.Random(7), map_runs=sink)  # type: ignore[arg-type]
    row = next(row for row in ROWS if row.name.startswith("Distributed Map: the execution's TimeoutSeconds"))
    execution = make_execution(row.definition, "[1, 2]", clock=clock)  # type: ignore[arg-type]
    engine.start(execution)
    await clock.advance(0)
    await clock.advance(10)
    await engine.wait(execution)
    assert execution.status is ExecutionStatus.TIMED_OUT
    [map_run] = sink.runs
    assert map_run.status is MapRunStatus.ABORTED
    assert map_run.stop_date == START + 5
    assert [child.status for child in sink.children] == [ExecutionStatus.ABORTED] * 2
