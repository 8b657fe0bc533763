"""The engine never leaves an execution RUNNING, never lets an exception escape into asyncio's log,
and always ends a history well formed — for hand-picked hazards and for random definitions."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import DefinitionError, StatesError
from emulator.language.parse import compile_definition
from emulator.language.validate import validate_definition
from emulator.model.records import Execution, ExecutionStatus
from emulator.runtime.engine import Engine
from tests.fakes import ManualClock, StubIntegration
from tests.fuzzing import FUZZ_EXAMPLES, INPUTS, corpus_definitions, mutate, random_definition
from tests.unit.runtime.harness import make_execution, run_definition

TERMINAL = {ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT}
# A real-time guard only: a run that has not ended by then is stuck (the clock is virtual).
STUCK_AFTER_SECONDS = 20


def assert_well_formed(execution: Execution) -> None:
    events = execution.history.events
    assert [event.id for event in events] == list(range(1, len(events) + 1))
    assert all(event.previous_event_id < event.id for event in events)
    assert events[0].type == "ExecutionStarted"
    assert events[-1].type in {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut"}
    assert sum(event.type.startswith("Execution") for event in events) == 2


class _Errors:
    """What asyncio would log (unretrieved task errors …) and what the emulator logs at ERROR."""

    def __init__(self) -> None:
        self.asyncio: list[dict[str, Any]] = []
        self.logged: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.logged.append(record)


@pytest.fixture
def errors() -> Any:
    found = _Errors()
    handler = logging.Handler(logging.ERROR)
    handler.emit = found.emit  # type: ignore[method-assign]
    logger = logging.getLogger("emulator")
    logger.addHandler(handler)
    yield found
    logger.removeHandler(handler)


def _watch_loop(found: _Errors) -> None:
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: found.asyncio.append(context))


class _AnyResource(IntegrationRegistry):
    """Every Task resource answers from one stub (random results and errors)."""

    def __init__(self, stub: Any) -> None:
        super().__init__()
        self.stub = stub

    def find(self, resource: Any) -> Any:
        return self.stub


class _BoundedClock(ManualClock):
    """Virtual time that stops short of what datetime can show: a Wait of ``1e308`` seconds (allowed
    by SecondsPath) would otherwise overflow the fake clock, not the engine."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(min(seconds, 10**9))


async def _run(engine: Engine, execution: Execution) -> None:
    engine.start(execution)
    await asyncio.wait_for(engine.wait(execution), STUCK_AFTER_SECONDS)


# --- hand-picked hazards -------------------------------------------------------------------------


async def test_an_exception_that_is_no_states_error_fails_the_execution_instead_of_leaving_it_running(
    errors: _Errors,
) -> None:
    def broken(invocation: TaskInvocation) -> Any:
        raise KeyError("a bug in an integration")

    integrations = IntegrationRegistry()
    integrations.register("sqs", StubIntegration(broken))
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(1))
    execution = make_execution(
        {
            "StartAt": "T",
            "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}},
        },
        clock=clock,
    )
    await _run(engine, execution)
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "States.Runtime"
    assert_well_formed(execution)
    assert [record.getMessage() for record in errors.logged] == [
        f"internal failure running execution {execution.arn}"
    ]


async def test_a_result_no_json_text_can_show_fails_the_execution_instead_of_leaving_it_running() -> None:
    integrations = _AnyResource(StubIntegration(lambda invocation: {"a": float("nan")}))
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(1))
    execution = make_execution(
        {
            "StartAt": "T",
            "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}},
        },
        clock=clock,
    )
    await _run(engine, execution)
    assert execution.status is ExecutionStatus.FAILED
    assert_well_formed(execution)


async def test_fail_state_error_path_intrinsic_reading_a_missing_field_is_a_runtime_error() -> None:
    execution = await asyncio.wait_for(
        run_definition(
            {
                "StartAt": "F",
                "States": {
                    "F": {
                        "Type": "Fail",
                        "ErrorPath": "States.Format('{}', $.Error)",
                        "CausePath": "$.Cause",
                    }
                },
            },
            '{"Cause": "c"}',
        ),
        STUCK_AFTER_SECONDS,
    )
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'F' (entered at the event id #2). The JSONPath "
        "'$.Error' specified for the field 'ErrorPath' could not be found in the input '{\"Cause\":\"c\"}'"
    )
    assert_well_formed(execution)


def _nested_parallel(inner_resource: str) -> dict[str, Any]:
    def task(resource: str) -> dict[str, Any]:
        return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}

    return {
        "StartAt": "Outer",
        "States": {
            "Outer": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    task("arn:aws:states:::sns:publish"),
                    {
                        "StartAt": "Inner",
                        "States": {
                            "Inner": {
                                "Type": "Parallel",
                                "End": True,
                                "Branches": [task(inner_resource), task(inner_resource)],
                            }
                        },
                    },
                ],
            }
        },
    }


def _failing_on_cancel() -> StubIntegration:
    """Waits forever; answers its cancellation with a task failure (as a client library might)."""

    async def respond(invocation: TaskInvocation) -> Any:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise StatesError("States.TaskFailed", "cancelled") from None

    return StubIntegration(respond)


async def test_branches_of_a_cancelled_parallel_that_fail_on_cancel_leave_nothing_for_asyncio_to_log(
    errors: _Errors,
) -> None:
    _watch_loop(errors)

    async def fail_soon(invocation: TaskInvocation) -> Any:
        await asyncio.sleep(0)
        raise StatesError("Boom", "outer branch failed")

    integrations = IntegrationRegistry()
    integrations.register("sns", StubIntegration(fail_soon))
    integrations.register("sqs", _failing_on_cancel())
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(1))
    execution = make_execution(_nested_parallel("arn:aws:states:::sqs:sendMessage"), clock=clock)
    await _run(engine, execution)
    for _ in range(5):
        await asyncio.sleep(0)
    gc.collect()
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "Boom"
    assert_well_formed(execution)
    assert errors.asyncio == []


async def test_stopping_an_execution_whose_branches_fail_on_cancel_raises_nothing(errors: _Errors) -> None:
    _watch_loop(errors)
    integrations = IntegrationRegistry()
    integrations.register("sns", _failing_on_cancel())
    integrations.register("sqs", _failing_on_cancel())
    clock = ManualClock()
    engine = Engine(clock, integrations, random.Random(1))
    execution = make_execution(_nested_parallel("arn:aws:states:::sqs:sendMessage"), clock=clock)
    engine.start(execution)
    for _ in range(10):
        await asyncio.sleep(0)
    engine.stop(execution, "Stopped", None)
    for _ in range(10):
        await asyncio.sleep(0)
    gc.collect()
    assert execution.status is ExecutionStatus.ABORTED
    assert execution.history.events[-1].type == "ExecutionAborted"
    assert errors.asyncio == []
    assert errors.logged == []


# --- random definitions --------------------------------------------------------------------------


class _RandomAnswers:
    """A Task answers with one of a few results or fails, drawn from the example's generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    async def invoke(self, invocation: TaskInvocation) -> Any:
        if self.rng.random() < 0.3:
            raise StatesError(
                self.rng.choice(("States.TaskFailed", "Lambda.Unknown", "X", "States.Timeout")), "c"
            )
        return self.rng.choice(
            ({}, {"a": 1, "Payload": {"a": [1, 2]}}, [1, 2], "s", None, 3, {"a": {"b": "c"}})
        )

    async def run_job(self, invocation: TaskInvocation, submitted: Any) -> Any:
        return submitted


def _accepted(document: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    """The document when validation and compilation accept it; None when they reject it. Any other
    exception fails the test."""
    text = json.dumps(document)
    machine_type = rng.choice(("STANDARD", "EXPRESS"))
    if any(diagnostic.severity == "ERROR" for diagnostic in validate_definition(text, machine_type)):
        return None
    try:
        compile_definition(json.loads(text))
    except DefinitionError:
        return None
    return document


async def _check_runs(document: dict[str, Any], rng: random.Random) -> None:
    found = _Errors()
    _watch_loop(found)
    handler = logging.Handler(logging.ERROR)
    handler.emit = found.emit  # type: ignore[method-assign]
    logging.getLogger("emulator").addHandler(handler)
    try:
        for input_text in rng.sample(INPUTS, 2):
            clock = _BoundedClock()
            engine = Engine(clock, _AnyResource(_RandomAnswers(rng)), random.Random(rng.random()))
            execution = make_execution(document, input_text, clock=clock)
            await _run(engine, execution)
            assert execution.status in TERMINAL, json.dumps(document)
            assert_well_formed(execution)
        gc.collect()
        assert found.asyncio == [] and found.logged == [], json.dumps(document)
    finally:
        logging.getLogger("emulator").removeHandler(handler)


_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES or 60,
    derandomize=FUZZ_EXAMPLES is None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_random_definitions_are_rejected_or_run_to_a_terminal_status(seed: int) -> None:
    rng = random.Random(seed)
    document = random_definition(rng)
    if rng.random() < 0.3:
        document = mutate(document, rng, 1)
    accepted = _accepted(document, rng)
    if accepted is not None:
        asyncio.run(_check_runs(accepted, rng))


_CORPUS = corpus_definitions()


@pytest.mark.skipif(not _CORPUS, reason="the conformance corpus (../shared/corpus) is absent")
@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_damaged_corpus_definitions_are_rejected_or_run_to_a_terminal_status(seed: int) -> None:
    rng = random.Random(seed)
    accepted = _accepted(mutate(rng.choice(_CORPUS), rng), rng)
    if accepted is not None:
        asyncio.run(_check_runs(accepted, rng))
