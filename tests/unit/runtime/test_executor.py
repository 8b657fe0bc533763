"""The executor's one lifecycle and one retry loop, seen through a unit of work of our own: the
executor is configured (a waiter, a retry decider, the units), never subclassed."""

from __future__ import annotations

import random

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.errors import StatesError
from emulator.language.states.task_state import TaskState
from emulator.model.types import Json
from emulator.runtime.dataflow import DataFlow
from emulator.runtime.executor import ClockWaiter, Executor, RetryPolicy
from emulator.runtime.failures import AttemptFailed, AttemptFailure
from emulator.runtime.recorder import Chain, Recorder
from emulator.runtime.run import Run
from emulator.runtime.work.distributed_map import DistributedMapWork
from emulator.runtime.work.registry import WorkRegistry
from emulator.runtime.work.scope import Context, Outcome, Scope
from emulator.runtime.work.simple import PassWork
from emulator.runtime.work.task import TaskWork
from tests.fakes import ManualClock
from tests.unit.runtime.harness import make_execution


class _FlakyWork:
    """Fails its first ``failures`` attempts (as a retrier may take them), then succeeds; notes
    the RetryCount each attempt saw and records one event per attempt."""

    failed_event: str | None = "FlakyStateFailed"
    stays_active_on_failure = False

    def __init__(self, failures: int, retriable: bool = True) -> None:
        self.failures = failures
        self.retriable = retriable
        self.retry_counts: list[Json] = []

    def prepare(self, scope: Scope, state: TaskState, value: Json, context: Context, chain: Chain) -> str:
        return "prepared once"

    async def attempt(
        self, scope: Scope, state: TaskState, prepared: str, value: Json, context: Context, chain: Chain
    ) -> Outcome:
        assert prepared == "prepared once"
        state_info = context["State"]
        self.retry_counts.append(state_info.get("RetryCount"))
        chain.last = scope.run.recorder.add("AttemptRecorded", chain.last)
        if len(self.retry_counts) <= self.failures:
            failure = StatesError("Flaky.Error", "attempt failed")
            if not self.retriable:
                raise failure
            raise AttemptFailed(AttemptFailure(failure, chain.last))
        return {"attempts": len(self.retry_counts)}, None


def _machine(retry: dict[str, Json] | None = None, catch: bool = False) -> dict[str, Json]:
    task: dict[str, Json] = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}
    if retry is not None:
        task["Retry"] = [retry]
    if catch:
        task["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]
        return {"StartAt": "T", "States": {"T": task, "Caught": {"Type": "Pass", "End": True}}}
    return {"StartAt": "T", "States": {"T": task}}


def _executor(clock: ManualClock, unit: _FlakyWork) -> Executor:
    rng = random.Random(1)
    integrations = IntegrationRegistry()
    standard = WorkRegistry.standard(
        TaskWork(integrations, None), DistributedMapWork(clock, rng, integrations, _NoChildren())
    )
    return Executor(
        clock, DataFlow(rng, clock), ClockWaiter(clock), RetryPolicy(rng), standard.with_unit(TaskState, unit)
    )


class _NoChildren:
    def start(self, execution: object) -> None:
        raise AssertionError("no child executions here")

    async def wait(self, execution: object) -> None:
        raise AssertionError("no child executions here")

    def stop(self, execution: object, error: str | None, cause: str | None) -> None:
        raise AssertionError("no child executions here")


async def _run(definition: dict[str, Json], unit: _FlakyWork) -> tuple[Json, list[str], ManualClock]:
    clock = ManualClock()
    execution = make_execution(definition, clock=clock)
    run = Run(execution, Recorder(execution.history, clock))
    output = await _executor(clock, unit).run_machine(run, run.definition, {}, run.root)
    return output, [event.type for event in execution.history.events], clock


async def test_a_failed_attempt_is_retried_by_the_retry_loop_with_the_retry_count_raised() -> None:
    unit = _FlakyWork(failures=2)
    retry: dict[str, Json] = {"ErrorEquals": ["Flaky.Error"], "IntervalSeconds": 3, "BackoffRate": 2}
    output, types, clock = await _run(_machine(retry), unit)
    assert output == {"attempts": 3}
    assert unit.retry_counts == [0, 1, 2]
    assert clock.sleeps == [3.0, 6.0]  # the waiter the executor was given, with the retrier's back-off
    assert types == [
        "TaskStateEntered",
        "AttemptRecorded",
        "AttemptRecorded",
        "AttemptRecorded",
        "TaskStateExited",
    ]


async def test_when_the_retriers_give_up_the_units_failed_event_is_recorded_then_the_catch() -> None:
    unit = _FlakyWork(failures=5)
    retry: dict[str, Json] = {"ErrorEquals": ["Flaky.Error"], "MaxAttempts": 1}
    output, types, _ = await _run(_machine(retry, catch=True), unit)
    assert output == {"Error": "Flaky.Error", "Cause": "attempt failed"}
    assert types == [
        "TaskStateEntered",
        "AttemptRecorded",
        "AttemptRecorded",
        "FlakyStateFailed",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
    ]


async def test_a_failure_that_is_no_failed_attempt_goes_straight_to_the_catch() -> None:
    unit = _FlakyWork(failures=1, retriable=False)
    retry: dict[str, Json] = {"ErrorEquals": ["States.ALL"]}
    output, types, clock = await _run(_machine(retry, catch=True), unit)
    assert output == {"Error": "Flaky.Error", "Cause": "attempt failed"}
    assert unit.retry_counts == [0] and clock.sleeps == []
    assert "FlakyStateFailed" not in types


def test_a_registry_with_one_unit_replaced_keeps_the_others() -> None:
    clock = ManualClock()
    unit = _FlakyWork(failures=0)
    registry = _executor(clock, unit).units
    states = make_execution(_machine(catch=True)).state_machine.compiled.states
    assert registry.unit_for(states["T"]) is unit
    assert isinstance(registry.unit_for(states["Caught"]), PassWork)
