"""The executor: runs a state machine's states, each through the one lifecycle.

StateEntered → the unit's ``prepare`` → its attempts under the one retry loop → Catch →
StateExited, for every state type. The work itself is a unit per kind (``runtime/work/``),
looked up by the state's type in the ``units`` the executor was configured with; the executor is
also configured with how a run waits (``Waiter``) and whether a failure is retried
(``RetryDecider``): the engine gives it the clock and the retry policy, TestState a no-op waiter
and its own decider (see ``test_state.py``).
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

from emulator.language.errors import ErrorName, HeartbeatTimedOut, StatesError
from emulator.language.evaluate.io import runtime_error_prefix
from emulator.language.evaluate.jsonata import QueryEvaluationError
from emulator.language.evaluate.retry import find_catcher, next_retry_delay
from emulator.language.evaluate.variables import (
    MAX_STORED_BYTES,
    STORED_LIMIT_CAUSE,
    assigned_variables_text,
    variable_sizes,
)
from emulator.language.parse.definition import Definition
from emulator.language.states.common import Catcher, Retrier
from emulator.language.states.map_state import MapState
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.registry import State
from emulator.language.states.task_state import TaskState
from emulator.model.history import HistoryEvent
from emulator.model.types import Json, JsonObject
from emulator.runtime.clock import Clock
from emulator.runtime.context import state_context
from emulator.runtime.dataflow import DataFlow
from emulator.runtime.failures import AttemptFailed, AttemptFailure, EvaluationReported, Terminal, TimedOut
from emulator.runtime.recorder import Chain, HistoryLimitExceeded, StoredSizes, too_large
from emulator.runtime.run import Run
from emulator.runtime.work.registry import WorkRegistry
from emulator.runtime.work.scope import Context, Outcome, RetryDecider, Scope, Waiter, Work

# The attempt a resumed state takes up (runtime/resume.py): (scope, prepared, context) -> outcome.
Resumed = Callable[[Scope, object, Context], Awaitable[Outcome]]

# Shared by every event that carries it: recorded details are never modified.
NOT_TRUNCATED: JsonObject = {"truncated": False}


class Executor:
    __slots__ = ("clock", "dataflow", "waiter", "retries", "units", "_units", "_entered", "_exited")

    def __init__(
        self, clock: Clock, dataflow: DataFlow, waiter: Waiter, retries: RetryDecider, units: WorkRegistry
    ) -> None:
        self.clock = clock
        self.dataflow = dataflow
        self.waiter = waiter
        self.retries = retries
        self.units = units
        self._units = units.by_type
        # Event type names, made once (every state event shares them).
        self._entered: dict[str, str] = {}
        self._exited: dict[str, str] = {}

    def scope(self, run: Run) -> RunScope:
        return RunScope(self, run)

    async def run_machine(
        self, run: Run, definition: Definition, value: Json, chain: Chain, start: str | None = None
    ) -> Json:
        """Run a state machine (or a branch / iteration) from StartAt (or ``start``) to its end."""
        states = definition.states
        name: str | None = start or definition.start_at
        scope = RunScope(self, run)
        while name is not None:
            if run.deadline is not None and self.clock.now() + run.skew >= run.deadline:
                raise TimedOut()
            if run.deleted_cause is not None and chain is run.root:
                # DeleteStateMachine: "On the next state transition, the state machine's executions
                # are terminated" (API_DeleteStateMachine); AWS fails them with States.Runtime.
                raise Terminal(ErrorName.RUNTIME, run.deleted_cause)
            value, name = await self.run_state(scope, states[name], value, chain)
        return value

    # --- the state lifecycle --------------------------------------------------------------------

    async def run_state(self, scope: Scope, state: State, value: Json, chain: Chain) -> Outcome:
        """StateEntered → prepare → the attempts under the retry loop → Catch → StateExited.

        The hot path (every state of every execution): the first attempt is awaited here; the
        retry loop is entered only when an attempt failed."""
        run = scope.run
        common = state.common
        name = common.name
        type_name = common.type
        unit = self._units[type(state)]
        recorder = run.recorder
        before = chain.last
        chain.assigned = None
        entered_id = recorder.add(
            self._entered.get(type_name) or self._entered.setdefault(type_name, f"{type_name}StateEntered"),
            before,
            "stateEnteredEventDetails",
            {"name": name, "input": recorder.text(value), "inputDetails": NOT_TRUNCATED},
        )
        chain.last = entered_id
        chain.active = type_name
        chain.state, chain.value, chain.last_frame = name, value, None
        retrying = isinstance(state, _RETRYING) and bool(state.retry)
        context = state_context(run.base_context, name, self.clock.now(), 0 if retrying else None)
        try:
            attempts: list[int] | None = None
            try:
                if common.is_jsonata:
                    prepared = await self.dataflow.evaluated(
                        unit.prepare, scope, state, value, context, chain
                    )
                else:
                    prepared = unit.prepare(scope, state, value, context, chain)
            except QueryEvaluationError as failure:  # before the state started: it also reports its failure
                entered = _Entered(name, before, entered_id)
                prepared, attempts = await self._prepare_again(
                    scope, unit, state, value, context, chain, entered, failure
                )
            try:
                output, next_name = await unit.attempt(scope, state, prepared, value, context, chain)
            except AttemptFailed as failed:
                attempt = failed.attempt
                output, next_name = await self._retry_loop(
                    scope,
                    unit,
                    state,
                    prepared,
                    value,
                    context,
                    chain,
                    attempt,
                    attempts,
                    _Entered(name, before, entered_id),
                )
        except StatesError as failure:
            if not unit.stays_active_on_failure:
                chain.active = None
            entered = _Entered(name, before, entered_id)
            output, next_name = await self._catch(run, unit, state, entered, failure, value, context, chain)
        self._exit(run, name, type_name, entered_id, output, chain)
        return output, next_name

    async def resume_state(
        self, run: Run, state: State, value: Json, chain: Chain, entered: HistoryEvent, attempt: Resumed
    ) -> Outcome:
        """Finish a state entered before a restart (its StateEntered is ``entered``; nothing is
        recorded again): ``attempt`` takes up the attempt that was under way, then the state
        goes on as ``run_state`` does (the retry loop, with counts from zero, the Catch, the exit)."""
        scope = RunScope(self, run)
        common = state.common
        name, type_name = common.name, common.type
        unit = self._units[type(state)]
        chain.assigned = None
        chain.active = type_name
        chain.state, chain.value, chain.last_frame = name, value, None
        retrying = isinstance(state, _RETRYING) and bool(state.retry)
        context = state_context(run.base_context, name, entered.timestamp, 0 if retrying else None)
        try:
            try:
                if common.is_jsonata:
                    prepared = await self.dataflow.evaluated(
                        unit.prepare, scope, state, value, context, chain
                    )
                else:
                    prepared = unit.prepare(scope, state, value, context, chain)
            except QueryEvaluationError as failure:
                record = _Entered(name, entered.previous_event_id, entered.id)
                prepared, attempts = await self._prepare_again(
                    scope, unit, state, value, context, chain, record, failure
                )
                output, next_name = await self._attempts(
                    scope, unit, state, prepared, value, context, chain, attempts, record
                )
            else:
                try:
                    output, next_name = await attempt(scope, prepared, context)
                except AttemptFailed as failed:
                    output, next_name = await self._retry_loop(
                        scope,
                        unit,
                        state,
                        prepared,
                        value,
                        context,
                        chain,
                        failed.attempt,
                        None,
                        _Entered(name, entered.previous_event_id, entered.id),
                    )
        except StatesError as failure:
            if not unit.stays_active_on_failure:
                chain.active = None
            record = _Entered(name, entered.previous_event_id, entered.id)
            output, next_name = await self._catch(run, unit, state, record, failure, value, context, chain)
        self._exit(run, name, type_name, entered.id, output, chain)
        return output, next_name

    async def _catch(
        self,
        run: Run,
        unit: Work[State, object],
        state: State,
        entered: _Entered,
        failure: StatesError,
        value: Json,
        context: Context,
        chain: Chain,
    ) -> Outcome:
        """The output of the catcher that takes ``failure`` (raised again when none does)."""
        if isinstance(failure, Terminal | HistoryLimitExceeded):
            raise failure
        if failure.error == ErrorName.RUNTIME:
            raise Terminal(failure.error, entered.runtime_cause(failure.cause)) from None
        if isinstance(failure, QueryEvaluationError):
            failure = self._evaluation_failed(run, entered, failure, chain)
        catcher = find_catcher(catchers_of(state), failure.error, isinstance(failure, HeartbeatTimedOut))
        if catcher is None:
            raise failure from None
        error_output: dict[str, Json] = {"Error": failure.error}
        if failure.cause is not None:
            error_output["Cause"] = failure.cause
        elif failure.error is None:  # SendTaskFailure without error: AWS shows both as null
            error_output["Cause"] = None
        elif unit.stays_active_on_failure and failure.error == ErrorName.TIMEOUT:
            error_output["Cause"] = ""  # a timed-out task's catcher sees an empty cause
        dataflow = self.dataflow
        try:
            if state.common.is_jsonata:
                output = await dataflow.evaluated(
                    dataflow.caught, catcher, state.common, value, error_output, context, chain
                )
            else:
                output = dataflow.caught(catcher, state.common, value, error_output, context, chain)
        except QueryEvaluationError as evaluation:
            raise self._evaluation_failed(run, entered, evaluation, chain) from None
        return output, catcher.next

    def _exit(self, run: Run, name: str, type_name: str, entered_id: int, output: Json, chain: Chain) -> None:
        recorder = run.recorder
        text = recorder.text(output)
        if too_large(text):
            raise Terminal(
                ErrorName.DATA_LIMIT_EXCEEDED,
                f"The state/task '{name}' returned a result with a size exceeding the maximum number of "
                "bytes service limit.",
            )
        details: JsonObject = {"name": name, "output": text, "outputDetails": NOT_TRUNCATED}
        assigned = chain.assigned
        if assigned is not None:
            try:
                texts = assigned_variables_text(assigned)
            except StatesError as failure:
                raise Terminal(
                    failure.error, runtime_error_prefix(name, entered_id) + (failure.cause or "")
                ) from None
            stored = chain.stored
            if stored is None:
                stored = chain.stored = StoredSizes()
            if stored.store(variable_sizes(texts)) > MAX_STORED_BYTES:
                raise Terminal(
                    ErrorName.DATA_LIMIT_EXCEEDED, runtime_error_prefix(name, entered_id) + STORED_LIMIT_CAUSE
                )
            details["assignedVariables"] = texts
            details["assignedVariablesDetails"] = NOT_TRUNCATED
        chain.last = recorder.add(
            self._exited.get(type_name) or self._exited.setdefault(type_name, f"{type_name}StateExited"),
            chain.last,
            "stateExitedEventDetails",
            details,
        )
        chain.active = None
        if assigned is not None:
            chain.variables.update(assigned)
            chain.assigned = None

    async def work(self, scope: Scope, state: State, value: Json, context: Context, chain: Chain) -> Outcome:
        """A state's work without its lifecycle events and Catch (what TestState runs)."""
        unit = self._units[type(state)]
        prepared = unit.prepare(scope, state, value, context, chain)
        return await self._attempts(scope, unit, state, prepared, value, context, chain)

    async def _attempts(
        self,
        scope: Scope,
        unit: Work[State, object],
        state: State,
        prepared: object,
        value: Json,
        context: Context,
        chain: Chain,
        attempts: list[int] | None = None,
        entered: _Entered | None = None,
    ) -> Outcome:
        """The attempts of a prepared state: the first, then the retry loop if it failed."""
        try:
            return await unit.attempt(scope, state, prepared, value, context, chain)
        except AttemptFailed as failed:
            return await self._retry_loop(
                scope, unit, state, prepared, value, context, chain, failed.attempt, attempts, entered
            )

    async def _retry_loop(
        self,
        scope: Scope,
        unit: Work[State, object],
        state: State,
        prepared: object,
        value: Json,
        context: Context,
        chain: Chain,
        attempt: AttemptFailure,
        attempts: list[int] | None = None,
        entered: _Entered | None = None,
    ) -> Outcome:
        """The one retry loop, entered when an attempt failed: retry while a retrier takes the
        failure (waiting its back-off, ``$$.State.RetryCount`` raised); when none does, the unit's
        ``<Type>StateFailed`` (if it has one) and the failure goes on to the Catch. ``attempts``:
        the retriers' counts so far (retries of a failed preparation count). A JSONata evaluation
        failure of an attempt (a Task's ``Arguments``) that is retried is recorded as EvaluationFailed
        (``entered``: the state, None where nothing is recorded), the last one before the unit's
        ``<Type>StateFailed``."""
        retriers = retriers_of(state)
        if attempts is None:
            attempts = [0] * len(retriers)
        while True:
            delay = self.retries.delay(retriers, attempt.failure, attempts)
            if delay is None:
                failure: StatesError = attempt.failure
                last_event = attempt.last_event
                if entered is not None and isinstance(failure, QueryEvaluationError):
                    # EvaluationFailed is recorded where the evaluation failed, before the state's
                    # own failure (recorded: EvaluationFailed, MapStateFailed for Items; a Pass's
                    # EvaluationFailed before MapIterationFailed, MapStateFailed).
                    failure = self._evaluation_failed(scope.run, entered, failure, chain)
                    last_event = chain.last
                if unit.failed_event is not None:
                    chain.last = scope.run.recorder.add(unit.failed_event, last_event)
                raise failure
            last = attempt.last_event
            if entered is not None and isinstance(attempt.failure, QueryEvaluationError):
                self._evaluation_failed(scope.run, entered, attempt.failure, chain)
                last = chain.last
            await self._before_retry(scope, context, delay)
            chain.last = last
            try:
                return await unit.attempt(scope, state, prepared, value, context, chain)
            except AttemptFailed as failed:
                attempt = failed.attempt

    async def _before_retry(self, scope: Scope, context: Context, delay: float) -> None:
        await self.waiter.wait(scope.run, delay)
        # ``$$.State`` is the object runtime/context.py builds, its RetryCount an integer.
        retried = dict(cast(JsonObject, context["State"]))
        retried["RetryCount"] = cast(int, retried.get("RetryCount", 0)) + 1
        context["State"] = retried

    async def _prepare_again(
        self,
        scope: Scope,
        unit: Work[State, object],
        state: State,
        value: Json,
        context: Context,
        chain: Chain,
        entered: _Entered,
        failure: QueryEvaluationError,
    ) -> tuple[object, list[int]]:
        """A JSONata state whose preparation (``Arguments``, ``Items``, ``TimeoutSeconds`` …) failed
        with States.QueryEvaluationError: an error the state reports like any other, so a retrier
        that matches it retries the state (https://states-language.net/spec.html, "Retrying after
        error": "When a state reports an error, the interpreter scans through the Retriers"; only
        States.Runtime is never retried). Each failed preparation is recorded as EvaluationFailed;
        once no retrier takes it, the unit's ``<Type>StateFailed`` and the failure go on to the
        Catch. Returns the prepared state and the retriers' counts so far."""
        run = scope.run
        retriers = retriers_of(state)
        attempts = [0] * len(retriers)
        while True:
            if not retriers:
                raise self._evaluation_failed(run, entered, failure, chain, unit.failed_event) from None
            reported = self._evaluation_failed(run, entered, failure, chain)
            delay = self.retries.delay(retriers, reported, attempts)
            if delay is None:
                if unit.failed_event is not None:
                    chain.last = run.recorder.add(unit.failed_event, chain.last)
                raise reported
            await self._before_retry(scope, context, delay)
            try:
                return await self.dataflow.evaluated(
                    unit.prepare, scope, state, value, context, chain
                ), attempts
            except QueryEvaluationError as again:
                failure = again

    def _evaluation_failed(
        self,
        run: Run,
        entered: _Entered,
        failure: QueryEvaluationError,
        chain: Chain,
        failed_event: str | None = None,
    ) -> EvaluationReported:
        """AWS records a JSONata evaluation failure as EvaluationFailed (linked to the event before
        the state was entered) and prefixes its cause like a runtime error's. ``failed_event``: the
        state failed before it started (a Map / Parallel then also reports its own failure)."""
        cause = entered.runtime_cause(failure.cause)
        details: JsonObject = {"error": failure.error, "cause": cause, "state": entered.name}
        if failure.location is not None:
            details["location"] = failure.location
        recorder = run.recorder
        chain.last = recorder.add("EvaluationFailed", entered.before, "evaluationFailedEventDetails", details)
        if failed_event is not None:
            chain.last = recorder.add(failed_event, chain.last)
        return EvaluationReported(failure.error, cause)


@dataclass(slots=True)
class _Entered:
    """A state as it was entered: what its exit, its Catch and its failure reports refer to."""

    name: str
    before: int  # the event before StateEntered (EvaluationFailed follows it)
    entered_id: int

    def runtime_cause(self, cause: str | None) -> str:
        """A runtime error's cause, prefixed as AWS prefixes it (naming the state and event)."""
        return runtime_error_prefix(self.name, self.entered_id) + (cause or "")


# The state types with Retry and Catch.
_RETRYING = (TaskState, ParallelState, MapState)


def retriers_of(state: State) -> tuple[Retrier, ...]:
    return state.retry if isinstance(state, _RETRYING) else ()


def catchers_of(state: State) -> tuple[Catcher, ...]:
    return state.catch if isinstance(state, _RETRYING) else ()


class RunScope:
    """The executor, as the units of one run see it (``Scope``)."""

    __slots__ = ("_executor", "_run")

    def __init__(self, executor: Executor, run: Run) -> None:
        self._executor = executor
        self._run = run

    @property
    def run(self) -> Run:
        return self._run

    @property
    def dataflow(self) -> DataFlow:
        return self._executor.dataflow

    def now(self) -> float:
        return self._executor.clock.now() + self._run.skew

    async def wait(self, seconds: float) -> None:
        await self._executor.waiter.wait(self._run, seconds)

    async def run_machine(
        self, definition: Definition, value: Json, chain: Chain, start: str | None = None
    ) -> Json:
        return await self._executor.run_machine(self._run, definition, value, chain, start)


class ClockWaiter:
    """Waiting on the clock, up to the execution's deadline (``TimedOut`` there). The virtual
    seconds the clock skipped (WAIT_TIME_SCALE < 1) are kept as the run's skew."""

    __slots__ = ("clock",)

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def wait(self, run: Run, seconds: float) -> None:
        if seconds <= 0:
            return
        timed_out = False
        if run.deadline is not None:
            remaining = run.deadline - (self.clock.now() + run.skew)
            if seconds >= remaining:
                seconds, timed_out = max(remaining, 0.0), True
        before = self.clock.now()
        await self.clock.sleep(seconds)
        run.skew += max(0.0, seconds - (self.clock.now() - before))
        if timed_out:
            raise TimedOut()


class RetryPolicy:
    """The retriers decide (``evaluate/retry.py``); errors no retrier may take are never retried."""

    __slots__ = ("rng",)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def delay(self, retriers: tuple[Retrier, ...], failure: StatesError, attempts: list[int]) -> float | None:
        if failure.error == ErrorName.RUNTIME or isinstance(failure, Terminal | HistoryLimitExceeded):
            return None
        heartbeat = isinstance(failure, HeartbeatTimedOut)
        return next_retry_delay(retriers, attempts, failure.error, self.rng, heartbeat)
