"""Runs executions: one asyncio task per execution, history recorded as AWS records it.

The state lifecycle is written once (``_run_state``): StateEntered, the type's work, Retry /
Catch, StateExited. ``_work`` dispatches the per-type work: Pass, Choice, Wait, Succeed and Fail
here (through ``DataFlow``), Task in ``task_work.py``, Parallel and inline Map in ``branches.py``,
Distributed Map in ``map_run_executor.py``; the language layer supplies the compiled states and the
pure evaluation pieces.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Callable
from typing import Any

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.io import (
    runtime_error_prefix,
)
from emulator.language.evaluate.jsonata import QueryEvaluationError
from emulator.language.evaluate.retry import find_catcher, next_retry_delay
from emulator.language.evaluate.variables import assigned_variables_text
from emulator.language.parse.definition import Definition
from emulator.language.states.choice_state import ChoiceState
from emulator.language.states.fail_state import FailState
from emulator.language.states.map_state import MapState
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.pass_state import PassState
from emulator.language.states.succeed_state import SucceedState
from emulator.language.states.task_state import TaskState
from emulator.language.states.wait_state import WaitState
from emulator.model.history import HistoryEvent
from emulator.model.jsontext import from_json_text
from emulator.model.records import Execution, ExecutionStatus
from emulator.model.types import Json
from emulator.runtime.branches import Branches
from emulator.runtime.callbacks import CallbackWaiter
from emulator.runtime.clock import Clock
from emulator.runtime.context import execution_context, state_context
from emulator.runtime.dataflow import DataFlow
from emulator.runtime.map_run import MapRunSink
from emulator.runtime.map_run_executor import DistributedMaps
from emulator.runtime.recorder import Chain, HistoryLimitExceeded, Recorder, too_large
from emulator.runtime.run import Run, Terminal, TimedOut
from emulator.runtime.task_work import TaskWork

log = logging.getLogger("emulator.runtime.engine")

# Told of each event an execution records, as it is appended (see emulator/service/watch.py).
ExecutionObserver = Callable[[Execution, HistoryEvent], None]


_TYPE_PREFIX = {
    PassState: "Pass",
    TaskState: "Task",
    ChoiceState: "Choice",
    WaitState: "Wait",
    SucceedState: "Succeed",
    FailState: "Fail",
    ParallelState: "Parallel",
    MapState: "Map",
}
# Event type names, made once (every state event shares them).
_ENTERED = {prefix: f"{prefix}StateEntered" for prefix in _TYPE_PREFIX.values()}
_EXITED = {prefix: f"{prefix}StateExited" for prefix in _TYPE_PREFIX.values()}
# Shared by every event that carries it: recorded details are never modified.
_NOT_TRUNCATED: dict[str, Any] = {"truncated": False}


class Engine(TaskWork, Branches, DistributedMaps):
    def __init__(
        self,
        clock: Clock,
        integrations: IntegrationRegistry,
        rng: random.Random | None = None,
        callbacks: CallbackWaiter | None = None,
        timeout_scale: float = 1.0,
        map_runs: MapRunSink | None = None,
        map_exit_follows_run_start: bool = False,
        observer: ExecutionObserver | None = None,
    ) -> None:
        self.clock = clock
        # Told of every event of every execution this engine runs (the service's event hub).
        self.observer = observer
        self.integrations = integrations
        self.rng = rng or random.Random()
        # Task tokens for callback and .sync tasks (None: such tasks get no token).
        self.callbacks = callbacks
        # TimeoutSeconds / HeartbeatSeconds run in real seconds times this (tests shrink it).
        self.timeout_scale = timeout_scale
        # Where Distributed Map runs and their child executions are registered (None: nowhere).
        self.map_runs = map_runs
        self.map_exit_follows_run_start = map_exit_follows_run_start
        # Inputs, outputs and variables of states in both query languages.
        self.dataflow = DataFlow(self.rng, clock)

    # --- control plane interface ----------------------------------------------------------------

    def start(self, execution: Execution) -> None:
        """Record ExecutionStarted and schedule the run (must be called from the event loop)."""
        if self.observer is not None:
            execution.history.listener = functools.partial(self.observer, execution)
        recorder = Recorder(execution.history, self.clock)
        run = Run(execution, recorder)
        execution.handle = run
        input_value = from_json_text(execution.input) if execution.input else {}
        recorder.remember_text(input_value, execution.input)
        run.base_context = execution_context(execution, input_value)
        details: dict[str, Any] = {
            "input": execution.input,
            "inputDetails": _NOT_TRUNCATED,
            "roleArn": execution.state_machine.role_arn,
        }
        if execution.state_machine_alias_arn:
            details["stateMachineAliasArn"] = execution.state_machine_alias_arn
        if execution.state_machine_version_arn:
            details["stateMachineVersionArn"] = execution.state_machine_version_arn
        recorder.add("ExecutionStarted", 0, "executionStartedEventDetails", details)
        if run.definition.timeout_seconds is not None:
            run.deadline = self.clock.now() + run.definition.timeout_seconds
        run.task = asyncio.get_running_loop().create_task(self._execute(run, input_value))

    async def wait(self, execution: Execution) -> None:
        run: Run | None = execution.handle
        if run is None or run.finished:
            return
        if run.done is None:
            run.done = asyncio.Event()
        await run.done.wait()

    def stop(self, execution: Execution, error: str | None, cause: str | None) -> None:
        run: Run | None = execution.handle
        if run is None or run.finished:
            return
        recorder = run.recorder
        # AWS records no abort for the state the execution itself is in (a Wait: just
        # ExecutionAborted), but a running Map / Parallel records its own and its branches'.
        if run.root.frame is not None:
            self._abort_frame(recorder, run.root.frame, None)
        details: dict[str, Any] = {}
        if error is not None:
            details["error"] = error
        if cause is not None:
            details["cause"] = cause
        recorder.add("ExecutionAborted", 0, "executionAbortedEventDetails", details)
        self._finish(run, ExecutionStatus.ABORTED, error=error, cause=cause)
        if run.task is not None:
            run.task.cancel()

    def redrive(self, execution: Execution) -> None:
        """RedriveExecution: continue an ended execution from the state it stopped in (must be called
        from the event loop, after the control plane raised ``execution.redrive_count``).

        The history goes on (ExecutionRedriven, then that state entered again with its input); states
        that succeeded are not run again, and a Map / Parallel runs again only the iterations /
        branches that failed, were aborted or never started. A Distributed Map runs its Map Run again.
        """
        run: Run | None = execution.handle
        if run is None or not run.finished:
            raise RuntimeError(f"execution {execution.arn} has no ended run to redrive")
        root = run.root
        run.finished = False
        run.done = None
        run.recorder.closed = False
        execution.status = ExecutionStatus.RUNNING
        execution.stop_date = execution.output = execution.error = execution.cause = None
        input_value = from_json_text(execution.input) if execution.input else {}
        run.base_context = execution_context(execution, input_value)
        root.last = run.recorder.add(
            "ExecutionRedriven",
            execution.history.last_id,
            "executionRedrivenEventDetails",
            {"redriveCount": execution.redrive_count},
        )
        root.active = root.frame = None
        root.resume = root.last_frame
        if run.definition.timeout_seconds is not None:
            run.deadline = self.clock.now() + run.definition.timeout_seconds
            run.skew = 0.0
        start = root.state if root.state is not None else run.definition.start_at
        value = root.value if root.state is not None else input_value
        run.task = asyncio.get_running_loop().create_task(self._execute(run, value, start))

    # --- the execution --------------------------------------------------------------------------

    def _finish(
        self,
        run: Run,
        status: ExecutionStatus,
        output: str | None = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> None:
        execution = run.execution
        run.finished = True
        run.recorder.closed = True
        execution.status = status
        execution.output = output
        execution.error = error
        execution.cause = cause
        execution.stop_date = self.clock.now()
        if run.done is not None:
            run.done.set()
        if status is ExecutionStatus.SUCCEEDED or execution.express:
            # Nothing can continue it (RedriveExecution takes failed standard executions only): keep
            # the record and its history, let the run go (its context, texts, flows and task).
            execution.handle = None

    async def _execute(self, run: Run, input_value: Json, start: str | None = None) -> None:
        chain = run.root
        recorder = run.recorder
        try:
            output = await self._run_machine(run, run.definition, input_value, chain, start)
        except asyncio.CancelledError:
            # Cancelled by the loop shutting down (not by StopExecution, nor an attempt a redrive replaced).
            if not run.finished and run.task is asyncio.current_task():
                self._finish(run, ExecutionStatus.ABORTED)
            return
        except TimedOut:
            recorder.add(
                "ExecutionTimedOut", chain.last, "executionTimedOutEventDetails", {"error": ErrorName.TIMEOUT}
            )
            # AWS's DescribeExecution of a timed-out execution carries no error or cause.
            self._finish(run, ExecutionStatus.TIMED_OUT)
            return
        except StatesError as failure:
            details: dict[str, Any] = {}
            if failure.error is not None:
                details["error"] = failure.error
            if failure.cause is not None:
                details["cause"] = failure.cause
            recorder.add("ExecutionFailed", chain.last, "executionFailedEventDetails", details)
            self._finish(run, ExecutionStatus.FAILED, error=failure.error, cause=failure.cause)
            return
        except Exception as exc:  # a bug of ours: the execution fails, the server and the others go on
            self._fail_unexpectedly(run, exc)
            return
        try:
            text = recorder.text(output)
        except Exception as exc:
            self._fail_unexpectedly(run, exc)
            return
        recorder.add(
            "ExecutionSucceeded",
            chain.last,
            "executionSucceededEventDetails",
            {"output": text, "outputDetails": _NOT_TRUNCATED},
        )
        self._finish(run, ExecutionStatus.SUCCEEDED, output=text)

    def _fail_unexpectedly(self, run: Run, exc: Exception) -> None:
        """The executor's top level: an exception that is no StatesError is a bug of ours. It is logged
        with its traceback and ends the execution as FAILED (States.Runtime), never leaving it RUNNING."""
        log.error("internal failure running execution %s", run.execution.arn, exc_info=exc)
        if run.finished:
            return
        cause = "An internal error occurred while running the execution."
        run.recorder.add(
            "ExecutionFailed",
            run.root.last,
            "executionFailedEventDetails",
            {"error": ErrorName.RUNTIME, "cause": cause},
        )
        self._finish(run, ExecutionStatus.FAILED, error=ErrorName.RUNTIME, cause=cause)

    async def _run_machine(
        self, run: Run, definition: Definition, value: Json, chain: Chain, start: str | None = None
    ) -> Json:
        """Run a state machine (or a branch / iteration) from StartAt (or ``start``) to its end."""
        states = definition.states
        name: str | None = start or definition.start_at
        while name is not None:
            if run.deadline is not None and self.clock.now() + run.skew >= run.deadline:
                raise TimedOut()
            value, name = await self._run_state(run, states[name], value, chain)
        return value

    # --- the state lifecycle --------------------------------------------------------------------

    async def _run_state(self, run: Run, state: Any, value: Json, chain: Chain) -> tuple[Json, str | None]:
        common = state.common
        prefix = _TYPE_PREFIX[type(state)]
        recorder = run.recorder
        before_entered = chain.last
        chain.assigned = None
        entered_id = recorder.add(
            _ENTERED[prefix],
            chain.last,
            "stateEnteredEventDetails",
            {"name": common.name, "input": recorder.text(value), "inputDetails": _NOT_TRUNCATED},
        )
        chain.last = entered_id
        chain.active = prefix
        chain.state, chain.value, chain.last_frame = common.name, value, None
        retries = getattr(state, "retry", None)
        context = state_context(run.base_context, common.name, self.clock.now(), 0 if retries else None)
        try:
            output, next_name = await self._work(run, state, value, context, chain)
        except StatesError as failure:
            # A failed Task has no state-level end event: it stays active (aborted with its branch).
            if prefix != "Task":
                chain.active = None
            if isinstance(failure, Terminal | HistoryLimitExceeded):
                raise
            if failure.error == ErrorName.RUNTIME:
                raise Terminal(
                    failure.error, runtime_error_prefix(common.name, entered_id) + (failure.cause or "")
                )
            if isinstance(failure, QueryEvaluationError) and not getattr(failure, "reported", False):
                self._evaluation_failed(run, state, failure, chain, before_entered, entered_id)
            catcher = find_catcher(getattr(state, "catch", ()), failure.error)
            if catcher is None:
                raise
            error_output: dict[str, Json] = {"Error": failure.error}
            if failure.cause is not None:
                error_output["Cause"] = failure.cause
            elif failure.error is None:  # SendTaskFailure without error: AWS shows both as null
                error_output["Cause"] = None
            elif prefix == "Task" and failure.error == ErrorName.TIMEOUT:
                error_output["Cause"] = ""  # a timed-out task's catcher sees an empty cause
            try:
                output = self.dataflow.caught(catcher, common, value, error_output, context, chain)
            except QueryEvaluationError as evaluation:
                self._evaluation_failed(run, state, evaluation, chain, before_entered, entered_id)
                raise
            next_name = catcher.next
        if prefix == "Fail":  # pragma: no cover - Fail always raises
            raise AssertionError("Fail state returned")
        text = recorder.text(output)
        if too_large(text):
            raise Terminal(
                ErrorName.DATA_LIMIT_EXCEEDED,
                f"The state/task '{common.name}' returned a result with a size exceeding the maximum number of "
                "bytes service limit.",
            )
        details: dict[str, Any] = {"name": common.name, "output": text, "outputDetails": _NOT_TRUNCATED}
        assigned = chain.assigned
        if assigned is not None:
            try:
                details["assignedVariables"] = assigned_variables_text(assigned)
            except StatesError as failure:
                raise Terminal(
                    failure.error, runtime_error_prefix(common.name, entered_id) + (failure.cause or "")
                )
            details["assignedVariablesDetails"] = _NOT_TRUNCATED
        chain.last = recorder.add(_EXITED[prefix], chain.last, "stateExitedEventDetails", details)
        chain.active = None
        if assigned is not None:
            chain.variables.update(assigned)
            chain.assigned = None
        return output, next_name

    def _evaluation_failed(
        self,
        run: Run,
        state: Any,
        failure: QueryEvaluationError,
        chain: Chain,
        before_entered: int,
        entered_id: int,
    ) -> None:
        """AWS records a JSONata evaluation failure as EvaluationFailed (linked to the event before
        the state was entered) and prefixes its cause like a runtime error's."""
        failure.cause = runtime_error_prefix(state.common.name, entered_id) + (failure.cause or "")
        failure.reported = True  # type: ignore[attr-defined]
        details: dict[str, Any] = {"error": failure.error, "cause": failure.cause, "state": state.common.name}
        if failure.location is not None:
            details["location"] = failure.location
        chain.last = run.recorder.add(
            "EvaluationFailed", before_entered, "evaluationFailedEventDetails", details
        )
        # A Map / Parallel that fails before it starts still reports its failure.
        if getattr(failure, "before_start", False):
            chain.last = run.recorder.add(f"{_TYPE_PREFIX[type(state)]}StateFailed", chain.last)

    async def _work(
        self, run: Run, state: Any, value: Json, context: dict[str, Any], chain: Chain
    ) -> tuple[Json, str | None]:
        """The type-specific part of a state: returns (output, next state name or None)."""
        common = state.common
        next_name = None if common.end else common.next
        dataflow = self.dataflow
        if isinstance(state, PassState):
            return dataflow.run_pass(state, value, context, chain), next_name
        if isinstance(state, TaskState):
            return await self._work_task(run, state, value, context, chain), next_name
        if isinstance(state, ChoiceState):
            return dataflow.run_choice(state, value, context, chain)
        if isinstance(state, WaitState):
            seconds, effective = dataflow.wait_seconds(
                state, value, context, chain, self.clock.now() + run.skew
            )
            await self._wait(run, seconds)
            return dataflow.pass_through(common, value, effective, context, chain), next_name
        if isinstance(state, SucceedState):
            effective = dataflow.effective_input(common, value, context, chain)
            return dataflow.pass_through(common, value, effective, context, chain), None
        if isinstance(state, FailState):
            raise dataflow.failure(state, value, context, chain)
        if isinstance(state, ParallelState):
            return await self._work_parallel(run, state, value, context, chain), next_name
        if isinstance(state, MapState) and state.distributed is not None:
            return await self._work_distributed_map(run, state, value, context, chain), next_name
        if isinstance(state, MapState):
            return await self._work_map(run, state, value, context, chain), next_name
        raise StatesError(ErrorName.RUNTIME, f"Unsupported state type {common.type}")

    async def _wait(self, run: Run, seconds: float) -> None:
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

    async def _retry_pause(
        self, run: Run, state: Any, failure: StatesError, attempts: list[int], context: dict[str, Any]
    ) -> bool:
        """After a failed attempt: wait and return True when a retrier takes it, else False."""
        if failure.error == ErrorName.RUNTIME or isinstance(failure, Terminal | HistoryLimitExceeded):
            return False
        delay = next_retry_delay(state.retry, attempts, failure.error, self.rng)
        if delay is None:
            return False
        await self._wait(run, delay)
        state_info = dict(context["State"])
        state_info["RetryCount"] = state_info.get("RetryCount", 0) + 1
        context["State"] = state_info
        return True

    def _finish_result(
        self, state: Any, value: Json, result: Json, context: dict[str, Any], chain: Chain | None = None
    ) -> Json:
        """The output of a Task, Parallel or Map from its result (assignments parked on ``chain``)."""
        return self.dataflow.finish(state, value, result, context, chain if chain is not None else Chain(0))
