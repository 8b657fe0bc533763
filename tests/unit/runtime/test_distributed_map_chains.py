"""Distributed Map event chains (type order and ``previousEventId``) in every configuration.

The event types and what each carries come from the API reference:
https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
(MapStateEntered / MapStateStarted / MapRunStarted / MapRunSucceeded / MapRunFailed / MapRunAborted /
MapStateSucceeded / MapStateFailed / MapStateAborted / MapStateExited). What a Map Run is, and that
each child workflow execution has its own history, independent of the parent's:
https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
(ItemReader / ItemBatcher / ResultWriter / tolerated failure thresholds: input-output-itemreader.html,
input-output-itembatcher.html, input-output-resultwriter.html, state-map-distributed.html#maprun-fail-threshold).

The documentation does not spell out the links, so the rules below are the ones AWS's recorded
histories follow (learned from the shared corpus as rules, never as per-case expectations), and the
same rules AWS applies to the other states (an inline Map's retry / catch, a Task aborted by a
failing sibling). Each row is a configuration; its expected history is BUILT from the rules:

  R1  MapStateEntered follows the event the previous state exited on (0 for the first state).
  R2  MapStateStarted follows MapStateEntered; in a retry, the failed attempt's MapRunFailed.
  R3  MapRunStarted follows MapStateStarted. The ItemReader is read inside the run: its failure is a
      MapRunFailed, never a failure before the run starts.
  R4  MapRunSucceeded / MapRunFailed follow MapRunStarted.
  R5  MapStateSucceeded follows MapRunSucceeded; MapStateExited follows MapRunSucceeded (the corpus
      majority; DESIGN.md "Known deliberate choices": ``map_exit_follows_run_start`` gives the newer
      link to MapRunStarted).
  R6  MapStateFailed follows MapRunFailed. Uncaught, ExecutionFailed follows it; caught, MapStateExited
      follows MapStateFailed and the Catch's next state follows MapStateExited.
  R7  ItemsPath / MaxConcurrencyPath fail before MapStateStarted (ExecutionFailed follows
      MapStateEntered); the tolerated failure fields are read after MapStateStarted (ExecutionFailed
      follows MapStateStarted); neither records MapStateFailed. A JSONata ``Items`` failure records
      EvaluationFailed (following what MapStateEntered follows), then MapStateFailed.
  R8  StopExecution: MapRunAborted and MapStateAborted follow the flow's latest event (MapRunStarted);
      ExecutionAborted follows 0.
  R9  A failing sibling branch aborts the run: MapRunAborted and MapStateAborted follow the failing event.
  R10 Child executions' events never reach the parent's history; each child has its own chains (an
      inline Map or a Distributed Map in the processor records its chains in the child's history).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import pytest

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import StatesError
from emulator.model.records import Execution, MapRun
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock, StubIntegration
from tests.unit.runtime.harness import events, make_execution

Event = tuple[int, int, str]


class Expected:
    """An expected parent history built from the rules R1-R9."""

    def __init__(self) -> None:
        self.events: list[Event] = [(1, 0, "ExecutionStarted")]
        self.last = 0  # R1: the first state's entered event follows 0

    def add(self, type_: str, previous: int) -> int:
        event_id = len(self.events) + 1
        self.events.append((event_id, previous, type_))
        return event_id

    def simple(self, type_: str) -> Expected:
        entered = self.add(f"{type_}StateEntered", self.last)
        self.last = self.add(f"{type_}StateExited", entered)
        return self

    def map_entered(self) -> Expected:
        self.last = self.add("MapStateEntered", self.last)  # R1
        return self

    def map_run(self, succeeds: bool = True, exit_follows_run_start: bool = False) -> Expected:
        """MapStateStarted (R2) and the run (R3, R4); a success ends the state (R5)."""
        started = self.add("MapStateStarted", self.last)
        run_started = self.add("MapRunStarted", started)
        if not succeeds:
            self.last = self.add("MapRunFailed", run_started)
            return self
        succeeded = self.add("MapRunSucceeded", run_started)
        self.add("MapStateSucceeded", succeeded)
        self.last = self.add("MapStateExited", run_started if exit_follows_run_start else succeeded)
        return self

    def map_failed(self, caught: bool = False) -> Expected:
        self.last = self.add("MapStateFailed", self.last)  # R6
        if caught:
            self.last = self.add("MapStateExited", self.last)
        return self

    def execution_succeeded(self) -> list[Event]:
        self.add("ExecutionSucceeded", self.last)
        return self.events

    def execution_failed(self) -> list[Event]:
        self.add("ExecutionFailed", self.last)
        return self.events


def succeeded_run(previous_states: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> list[Event]:
    expected = Expected()
    for type_ in previous_states:
        expected.simple(type_)
    expected.map_entered().map_run()
    for type_ in after:
        expected.simple(type_)
    return expected.execution_succeeded()


def failed_run(caught_by: str | None = None, attempts: int = 1) -> list[Event]:
    expected = Expected().map_entered()
    for _ in range(attempts):
        expected.map_run(succeeds=False)
    expected.map_failed(caught=caught_by is not None)
    if caught_by is not None:
        return expected.simple(caught_by).execution_succeeded()
    return expected.execution_failed()


# --- definitions ------------------------------------------------------------------------------

PASS = {"P": {"Type": "Pass", "End": True}}
# Items that are negative numbers fail their child execution.
FAIL_NEGATIVE = {
    "C": {
        "Type": "Choice",
        "Choices": [{"Variable": "$", "NumericLessThan": 0, "Next": "F"}],
        "Default": "P",
    },
    "F": {"Type": "Fail", "Error": "Negative", "Cause": "below zero"},
    "P": {"Type": "Pass", "End": True},
}
READ_JSON = {
    "Resource": "arn:aws:states:::s3:getObject",
    "ReaderConfig": {"InputType": "JSON"},
    "Parameters": {"Bucket": "b", "Key": "items.json"},
}
READ_JSONL = dict(
    READ_JSON, ReaderConfig={"InputType": "JSONL"}, Parameters={"Bucket": "b", "Key": "i.jsonl"}
)
READ_CSV = dict(
    READ_JSON,
    ReaderConfig={"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
    Parameters={"Bucket": "b", "Key": "items.csv"},
)
LIST_OBJECTS = {
    "Resource": "arn:aws:states:::s3:listObjectsV2",
    "Parameters": {"Bucket": "b", "Prefix": "in/"},
}
WRITE = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "out"}}
MISSING = {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "missing.json"}}


def distributed(states: dict[str, Any] = PASS, start_at: str = "P", **fields: Any) -> dict[str, Any]:
    """A Distributed Map state (End unless ``Next`` is given)."""
    state: dict[str, Any] = {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": start_at,
            "States": states,
        },
        **fields,
    }
    if "Next" not in fields:
        state["End"] = True
    return state


def machine(map_state: dict[str, Any], before: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """``before`` (a Pass feeding the Map) → M [→ After, a Pass, when M has Next/Catch]."""
    states: dict[str, Any] = {}
    if before is not None:
        states["Before"] = dict(before, Next="M")
    states["M"] = map_state
    if map_state.get("Next") == "After" or any(c.get("Next") == "After" for c in map_state.get("Catch", ())):
        states["After"] = {"Type": "Pass", "End": True}
    return {"StartAt": "Before" if before is not None else "M", "States": states, **top}


def s3_objects(invocation: TaskInvocation) -> Any:
    """The S3 stand-in the ItemReader / ResultWriter call through the integration seam."""
    parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
    action = invocation.resource.action
    if action.startswith("putObject"):
        return {"ETag": '"0"'}
    if action.startswith("listObjectsV2"):
        return {"Contents": [{"Key": "in/a", "Size": 1}, {"Key": "in/b", "Size": 2}]}
    key = parameters.get("Key")
    bodies = {
        "items.json": '[{"n": 1}, {"n": 2}, {"n": 3}]',
        "i.jsonl": '{"n": 1}\n{"n": 2}\n',
        "items.csv": "n,m\n1,2\n3,4\n",
        "broken.json": "[1, 2",
    }
    if key not in bodies:
        raise StatesError("S3.NoSuchKeyException", "The specified key does not exist.")
    return bodies[key]


@dataclass(frozen=True)
class Row:
    name: str
    definition: dict[str, Any]
    input_text: str
    expected: list[Event]
    error: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


NESTED_INNER = distributed(ItemsPath="$.xs")
INLINE_INNER = {
    "Type": "Map",
    "ItemsPath": "$.xs",
    "ItemProcessor": {"StartAt": "P", "States": PASS},
    "End": True,
}
JSONATA = {"QueryLanguage": "JSONata"}

ROWS = [
    # Where the items come from.
    Row("items from the state input", machine(distributed()), "[1, 2, 3]", succeeded_run()),
    Row(
        "ItemsPath over a previous state's output",
        machine(
            distributed(ItemsPath="$.made"), before={"Type": "Pass", "Result": [1, 2], "ResultPath": "$.made"}
        ),
        "{}",
        succeeded_run(previous_states=("Pass",)),
    ),
    Row(
        "Items (JSONata) over the state input",
        machine(distributed(Items="{% $states.input.xs %}"), **JSONATA),
        '{"xs": [1, 2]}',
        succeeded_run(),
    ),
    Row(
        "ItemSelector / Parameters per item",
        machine(distributed(ItemSelector={"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"})),
        "[1, 2]",
        succeeded_run(),
    ),
    # Concurrency.
    Row("MaxConcurrency 1", machine(distributed(MaxConcurrency=1)), "[1, 2, 3]", succeeded_run()),
    Row(
        "MaxConcurrencyPath",
        machine(distributed(ItemsPath="$.xs", MaxConcurrencyPath="$.c")),
        '{"xs": [1, 2], "c": 2}',
        succeeded_run(),
    ),
    Row("MaxConcurrency 0 (no limit)", machine(distributed(MaxConcurrency=0)), "[1, 2]", succeeded_run()),
    # ItemReader / ItemBatcher / ResultWriter.
    Row("ItemReader getObject JSON", machine(distributed(ItemReader=READ_JSON)), "{}", succeeded_run()),
    Row("ItemReader getObject JSONL", machine(distributed(ItemReader=READ_JSONL)), "{}", succeeded_run()),
    Row("ItemReader getObject CSV", machine(distributed(ItemReader=READ_CSV)), "{}", succeeded_run()),
    Row("ItemReader listObjectsV2", machine(distributed(ItemReader=LIST_OBJECTS)), "{}", succeeded_run()),
    Row(
        "ItemReader with MaxItems and ItemBatcher",
        machine(
            distributed(
                ItemReader=dict(READ_JSON, ReaderConfig={"InputType": "JSON", "MaxItems": 2}),
                ItemBatcher={"MaxItemsPerBatch": 1, "BatchInput": {"b": 1}},
            )
        ),
        "{}",
        succeeded_run(),
    ),
    Row(
        "ItemReader, ItemBatcher and ResultWriter",
        machine(distributed(ItemReader=READ_CSV, ItemBatcher={"MaxItemsPerBatch": 2}, ResultWriter=WRITE)),
        "{}",
        succeeded_run(),
    ),
    Row("ResultWriter alone", machine(distributed(ResultWriter=WRITE)), "[1, 2]", succeeded_run()),
    Row(
        "ItemBatcher over input items (MaxInputBytesPerBatch)",
        machine(distributed(ItemBatcher={"MaxInputBytesPerBatch": 1024})),
        "[1, 2, 3]",
        succeeded_run(),
    ),
    # Tolerated failures.
    Row(
        "a failed child within ToleratedFailureCount",
        machine(distributed(FAIL_NEGATIVE, "C", ToleratedFailureCount=1)),
        "[1, -1]",
        succeeded_run(),
    ),
    Row(
        "a failed child within ToleratedFailurePercentage",
        machine(distributed(FAIL_NEGATIVE, "C", ToleratedFailurePercentage=50)),
        "[1, -1]",
        succeeded_run(),
    ),
    Row(
        "no threshold: one failed child fails the run",
        machine(distributed(FAIL_NEGATIVE, "C")),
        "[1, -1]",
        failed_run(),
        "States.ExceedToleratedFailureThreshold",
    ),
    Row(
        "ToleratedFailureCount exceeded",
        machine(distributed(FAIL_NEGATIVE, "C", ToleratedFailureCount=1)),
        "[-1, -2, 3]",
        failed_run(),
        "States.ExceedToleratedFailureThreshold",
    ),
    Row(
        "ToleratedFailurePercentage exceeded",
        machine(distributed(FAIL_NEGATIVE, "C", ToleratedFailurePercentage=10)),
        "[1, -1]",
        failed_run(),
        "States.ExceedToleratedFailureThreshold",
    ),
    Row(
        "ToleratedFailureCountPath exceeded",
        machine(distributed(FAIL_NEGATIVE, "C", ItemsPath="$.xs", ToleratedFailureCountPath="$.t")),
        '{"xs": [-1, -2], "t": 1}',
        failed_run(),
        "States.ExceedToleratedFailureThreshold",
    ),
    # A failing ItemReader / ResultWriter fails the run (R3).
    Row(
        "ItemReader object missing",
        machine(distributed(ItemReader=MISSING)),
        "{}",
        failed_run(),
        "States.ItemReaderFailed",
    ),
    Row(
        "ItemReader object not a JSON array",
        machine(distributed(ItemReader=dict(READ_JSON, Parameters={"Bucket": "b", "Key": "broken.json"}))),
        "{}",
        failed_run(),
        "States.ItemReaderFailed",
    ),
    Row(
        "ItemReader InputType MANIFEST (not supported: says so)",
        machine(distributed(ItemReader=dict(READ_JSON, ReaderConfig={"InputType": "MANIFEST"}))),
        "{}",
        failed_run(),
        "States.ItemReaderFailed",
    ),
    # Catch / Retry on the Map state (R2, R6).
    Row(
        "Catch takes the run's failure",
        machine(
            distributed(
                FAIL_NEGATIVE, "C", Next="After", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "After"}]
            )
        ),
        "[1, -1]",
        failed_run(caught_by="Pass"),
    ),
    Row(
        "Catch takes a failing ItemReader",
        machine(
            distributed(
                ItemReader=MISSING,
                Next="After",
                Catch=[{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "After"}],
            )
        ),
        "{}",
        failed_run(caught_by="Pass"),
    ),
    Row(
        "Retry runs the Map Run again",
        machine(distributed(FAIL_NEGATIVE, "C", Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}])),
        "[-1]",
        failed_run(attempts=3),
        "States.ExceedToleratedFailureThreshold",
    ),
    Row(
        "Retry, then Catch",
        machine(
            distributed(
                FAIL_NEGATIVE,
                "C",
                Next="After",
                Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
                Catch=[{"ErrorEquals": ["States.ALL"], "Next": "After"}],
            )
        ),
        "[-1]",
        failed_run(caught_by="Pass", attempts=2),
    ),
    # Failures before the run (R7).
    Row(
        "ItemsPath not found",
        machine(distributed(ItemsPath="$.nothing")),
        "{}",
        [(1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "ExecutionFailed")],
        "States.Runtime",
    ),
    Row(
        "MaxConcurrencyPath not found",
        machine(distributed(MaxConcurrencyPath="$.nothing")),
        "[1]",
        [(1, 0, "ExecutionStarted"), (2, 0, "MapStateEntered"), (3, 2, "ExecutionFailed")],
        "States.Runtime",
    ),
    Row(
        "ToleratedFailureCountPath not found",
        machine(distributed(ToleratedFailureCountPath="$.nothing")),
        "[1]",
        [
            (1, 0, "ExecutionStarted"),
            (2, 0, "MapStateEntered"),
            (3, 2, "MapStateStarted"),
            (4, 3, "ExecutionFailed"),
        ],
        "States.Runtime",
    ),
    Row(
        "Items (JSONata) not an array",
        machine(distributed(Items="{% 'text' %}"), **JSONATA),
        "{}",
        [
            (1, 0, "ExecutionStarted"),
            (2, 0, "MapStateEntered"),
            (3, 0, "EvaluationFailed"),
            (4, 3, "MapStateFailed"),
            (5, 4, "ExecutionFailed"),
        ],
        "States.QueryEvaluationError",
    ),
    # Nested configurations (R10: the parent's chain is the same; the child has its own).
    Row(
        "a Distributed Map in a Distributed Map's processor",
        machine(distributed({"I": NESTED_INNER}, "I")),
        '[{"xs": [1, 2]}]',
        succeeded_run(),
    ),
    Row(
        "an inline Map in a Distributed Map's processor",
        machine(distributed({"I": INLINE_INNER}, "I", MaxConcurrency=1)),
        '[{"xs": [1, 2]}]',
        succeeded_run(),
    ),
    # The newer link (DESIGN.md "Known deliberate choices").
    Row(
        "MapStateExited after MapRunStarted (map_exit_follows_run_start)",
        machine(distributed(), before={"Type": "Pass"}),
        "[1]",
        Expected().simple("Pass").map_entered().map_run(exit_follows_run_start=True).execution_succeeded(),
        options={"map_exit_follows_run_start": True},
    ),
]


class Children:
    """The Map Run sink: the child executions each run starts (their histories are their own)."""

    def __init__(self) -> None:
        self.executions: list[Execution] = []

    def map_run_started(self, account: str, region: str, map_run: MapRun) -> None:
        return None

    def child_execution_started(self, account: str, region: str, execution: Execution) -> None:
        self.executions.append(execution)


async def run(row_definition: dict[str, Any], input_text: str, **options: Any) -> tuple[Execution, Children]:
    integrations = IntegrationRegistry()
    integrations.register("s3", StubIntegration(s3_objects))
    children = Children()
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(5), map_runs=children, **options)
    execution = make_execution(row_definition, input_text, clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    return execution, children


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_distributed_map_event_chain(row: Row) -> None:
    execution, _ = await run(row.definition, row.input_text, **row.options)
    assert events(execution) == row.expected
    assert execution.error == row.error


async def test_a_nested_distributed_map_records_its_own_map_run_in_the_child_history() -> None:
    execution, children = await run(machine(distributed({"I": NESTED_INNER}, "I")), '[{"xs": [1, 2]}]')
    assert events(execution) == succeeded_run()
    outer_child = next(
        child for child in children.executions if child.history.events[1].type == "MapStateEntered"
    )
    # R1-R5 inside the child: its Map is its first state.
    assert events(outer_child) == succeeded_run()
    grandchildren = [child for child in children.executions if child is not outer_child]
    assert len(grandchildren) == 2
    assert all(child.map_run_arn != outer_child.map_run_arn for child in grandchildren)
    assert all(events(child) == succeeded_run_of_pass() for child in grandchildren)


def succeeded_run_of_pass() -> list[Event]:
    return Expected().simple("Pass").execution_succeeded()


async def test_an_inline_map_in_a_distributed_map_records_iterations_in_the_child_history() -> None:
    execution, children = await run(machine(distributed({"I": INLINE_INNER}, "I")), '[{"xs": [1, 2]}]')
    assert events(execution) == succeeded_run()
    [child] = children.executions
    # The inline Map's own chain (no MaxConcurrency: both iterations start, each following
    # MapStateStarted, before either runs; see tests/unit/runtime/test_inline_map_parallel_chains.py).
    assert events(child) == [
        (1, 0, "ExecutionStarted"),
        (2, 0, "MapStateEntered"),
        (3, 2, "MapStateStarted"),
        (4, 3, "MapIterationStarted"),
        (5, 3, "MapIterationStarted"),
        (6, 4, "PassStateEntered"),
        (7, 6, "PassStateExited"),
        (8, 7, "MapIterationSucceeded"),
        (9, 5, "PassStateEntered"),
        (10, 9, "PassStateExited"),
        (11, 10, "MapIterationSucceeded"),
        (12, 11, "MapStateSucceeded"),
        (13, 11, "MapStateExited"),
        (14, 13, "ExecutionSucceeded"),
    ]


def hanging_processor() -> tuple[dict[str, Any], asyncio.Event, IntegrationRegistry]:
    started = asyncio.Event()

    async def hang(invocation: TaskInvocation) -> Any:
        started.set()
        await asyncio.Future()

    integrations = IntegrationRegistry()
    integrations.register("sqs", StubIntegration(hang))
    states = {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}}
    return states, started, integrations


async def test_stop_execution_aborts_the_map_run_then_the_map_state() -> None:
    states, started, integrations = hanging_processor()
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(5))
    execution = make_execution(machine(distributed(states, "T"), before={"Type": "Pass"}), "[1]", clock=clock)
    engine.start(execution)
    await started.wait()
    engine.stop(execution, "Stopped", None)
    await engine.wait(execution)
    expected = Expected().simple("Pass").map_entered().map_run(succeeds=False)
    # R8: the run's abort replaces its outcome; both aborts follow MapRunStarted.
    events_so_far = expected.events[:-1]
    run_started = events_so_far[-1][0]
    assert events(execution) == [
        *events_so_far,
        (run_started + 1, run_started, "MapRunAborted"),
        (run_started + 2, run_started, "MapStateAborted"),
        (run_started + 3, 0, "ExecutionAborted"),
    ]


@pytest.mark.parametrize("container", ["Parallel", "inline Map"])
async def test_a_failing_sibling_aborts_a_map_run_in_a_branch(container: str) -> None:
    states, started, integrations = hanging_processor()

    async def fail_once_the_run_is_busy(invocation: TaskInvocation) -> Any:
        await started.wait()
        raise StatesError("Boom", "the sibling failed")

    integrations.register("sns", StubIntegration(fail_once_the_run_is_busy))
    failing_task = {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True}
    if container == "Parallel":
        outer: dict[str, Any] = {
            "Type": "Parallel",
            "End": True,
            "Branches": [
                {"StartAt": "M", "States": {"M": distributed(states, "T")}},
                {"StartAt": "S", "States": {"S": failing_task}},
            ],
        }
    else:
        outer = {
            "Type": "Map",
            "End": True,
            "ItemProcessor": {
                "StartAt": "C",
                "States": {
                    "C": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "M"}],
                        "Default": "S",
                    },
                    "M": distributed(states, "T", ItemsPath="$$.Execution.Input"),
                    "S": failing_task,
                },
            },
        }
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(5))
    execution = make_execution({"StartAt": "O", "States": {"O": outer}}, "[0, 1]", clock=clock)
    engine.start(execution)
    await engine.wait(execution)
    recorded = events(execution)
    by_id = {event_id: (previous, type_) for event_id, previous, type_ in recorded}
    types = [type_ for _, _, type_ in recorded]
    failing = types.index("TaskFailed") + 1
    aborted_run = types.index("MapRunAborted") + 1
    # R9: the run's abort, then the Map state's, both follow the failing event.
    assert by_id[aborted_run] == (failing, "MapRunAborted")
    assert by_id[aborted_run + 1] == (failing, "MapStateAborted")
    run_started = types.index("MapRunStarted") + 1
    assert by_id[by_id[run_started][0]][1] == "MapStateStarted"
    assert execution.error == "Boom"
