"""Runs executions: one asyncio task per execution, history recorded as AWS records it.

The engine is the control plane's interface (``start``, ``wait``, ``stop``, ``redrive``) and the
execution's beginning and end (ExecutionStarted … ExecutionSucceeded / Failed / TimedOut /
Aborted). It composes an ``Executor`` (``executor.py``: the one state lifecycle and retry loop)
configured with the clock, the retry policy and a unit of work per state type
(``runtime/work/``); the language layer supplies the compiled states and the pure evaluation.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Awaitable, Callable

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.errors import ErrorName, StatesError
from emulator.model.history import HistoryEvent
from emulator.model.jsontext import from_json_text
from emulator.model.records import Execution, ExecutionStatus
from emulator.model.types import Json, JsonObject
from emulator.runtime.callbacks import CallbackWaiter
from emulator.runtime.clock import Clock
from emulator.runtime.context import execution_context
from emulator.runtime.dataflow import DataFlow
from emulator.runtime.evaluation import Evaluations
from emulator.runtime.executor import NOT_TRUNCATED, ClockWaiter, Executor, RetryPolicy
from emulator.runtime.failures import TimedOut
from emulator.runtime.map_run import MapRunSink
from emulator.runtime.recorder import Recorder
from emulator.runtime.run import Run
from emulator.runtime.task_events import TaskLabels
from emulator.runtime.work.distributed_map import DistributedMapWork
from emulator.runtime.work.registry import WorkRegistry
from emulator.runtime.work.task import TaskWork

log = logging.getLogger("emulator.runtime.engine")

# "Maximum duration: 5 minutes" for Express workflows (concepts-standard-vs-express.html): one that
# runs longer ends TIMED_OUT, whatever (larger or absent) TimeoutSeconds its definition gives.
EXPRESS_MAX_DURATION_SECONDS = 300


def time_limit(timeout_seconds: int | None, express: bool) -> float | None:
    """Seconds an execution may run: the definition's TimeoutSeconds, at most 5 minutes if EXPRESS."""
    if not express:
        return timeout_seconds
    if timeout_seconds is None:
        return EXPRESS_MAX_DURATION_SECONDS
    return min(timeout_seconds, EXPRESS_MAX_DURATION_SECONDS)


# Told of each event an execution records, as it is appended (see emulator/service/watch.py).
ExecutionObserver = Callable[[Execution, HistoryEvent], None]


class Engine:
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
        task_labels: TaskLabels = TaskLabels.AWS,
        evaluations: Evaluations | None = None,
    ) -> None:
        """``callbacks``: task tokens for callback and ``.sync`` tasks (None: such tasks get none);
        ``timeout_scale``: TimeoutSeconds / HeartbeatSeconds run in real seconds times this;
        ``map_runs``: where Distributed Map runs and their children are registered (None: nowhere);
        ``map_exit_follows_run_start``: see ``DistributedMapWork``; ``task_labels``: how Task events
        name AWS SDK integrations (``TaskLabels``)."""
        self.clock = clock
        # Told of every event of every execution this engine runs (the service's event hub).
        self.observer = observer
        self.integrations = integrations
        self.rng = rng or random.Random()
        self.callbacks = callbacks
        self.timeout_scale = timeout_scale
        self.evaluations = evaluations
        task = TaskWork(integrations, callbacks, timeout_scale, clock, task_labels)
        distributed_map = DistributedMapWork(
            clock, self.rng, integrations, self, map_runs, map_exit_follows_run_start
        )
        self.executor = Executor(
            clock,
            DataFlow(self.rng, clock, evaluations),
            ClockWaiter(clock),
            RetryPolicy(self.rng),
            WorkRegistry.standard(task, distributed_map),
        )

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
        details: JsonObject = {
            "input": execution.input,
            "inputDetails": NOT_TRUNCATED,
            "roleArn": execution.state_machine.role_arn,
        }
        if execution.state_machine_alias_arn:
            details["stateMachineAliasArn"] = execution.state_machine_alias_arn
        if execution.state_machine_version_arn:
            details["stateMachineVersionArn"] = execution.state_machine_version_arn
        recorder.add("ExecutionStarted", 0, "executionStartedEventDetails", details)
        limit = time_limit(run.definition.timeout_seconds, execution.express)
        if limit is not None:
            run.deadline = self.clock.now() + limit
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
            run.root.frame.abort(recorder, None)
        details: JsonObject = {}
        if error is not None:
            details["error"] = error
        if cause is not None:
            details["cause"] = cause
        recorder.add("ExecutionAborted", 0, "executionAbortedEventDetails", details)
        self._finish(run, ExecutionStatus.ABORTED, error=error, cause=cause)
        if run.task is not None:
            run.task.cancel()

    def machine_deleted(self, execution: Execution, machine_name: str) -> None:
        """DeleteStateMachine ran while ``execution`` runs: it fails with States.Runtime at its next
        state transition ("State machine <name> has been deleted.", the cause AWS's executions show)."""
        run: Run | None = execution.handle
        if run is not None and not run.finished:
            run.deleted_cause = f"State machine {machine_name} has been deleted."

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

    def rebuild_for_redrive(
        self, execution: Execution, position: JsonObject | None, root_last: int | None
    ) -> None:
        """Give an execution that ended before the server restarted an ended run again, so that
        ``redrive`` can continue it (``runtime/resume.py``); raises ``ResumeFailed`` saying why
        when it cannot be."""
        from emulator.runtime.resume import rebuild_ended_run

        rebuild_ended_run(self, execution, position, root_last)

    def resume(self, execution: Execution, position: JsonObject | None, root_last: int | None) -> None:
        """Carry on an execution that was running when the server stopped (``runtime/resume.py``);
        raises ``ResumeFailed`` saying why when it cannot be."""
        from emulator.runtime.resume import resume_run

        resume_run(self, execution, position, root_last)

    async def _execute(
        self,
        run: Run,
        input_value: Json,
        start: str | None = None,
        resumed: Awaitable[tuple[Json, str | None]] | None = None,
    ) -> None:
        """``resumed``: a state entered before a restart, finished first (its outcome's next
        state is where the run goes on; none: the execution ends with its output)."""
        chain = run.root
        recorder = run.recorder
        try:
            if resumed is not None:
                input_value, start = await resumed
            if resumed is not None and start is None:
                output = input_value
            else:
                output = await self.executor.run_machine(run, run.definition, input_value, chain, start)
        except asyncio.CancelledError:
            # Cancelled by the loop shutting down (not by StopExecution, nor an attempt a redrive replaced).
            if not run.finished and run.task is asyncio.current_task():
                self._finish(run, ExecutionStatus.ABORTED)
            return
        except TimedOut:
            # As StopExecution: a running Map / Parallel / Map Run records its aborts (and its
            # branches' / iterations'), each following its own flow's latest event.
            if chain.frame is not None:
                chain.frame.abort(recorder, None)
                chain.frame = None
            recorder.add(
                "ExecutionTimedOut", chain.last, "executionTimedOutEventDetails", {"error": ErrorName.TIMEOUT}
            )
            # AWS's DescribeExecution of a timed-out execution carries no error or cause.
            self._finish(run, ExecutionStatus.TIMED_OUT)
            return
        except StatesError as failure:
            details: JsonObject = {}
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
            {"output": text, "outputDetails": NOT_TRUNCATED},
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
