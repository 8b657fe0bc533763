"""Task states: the call through the integration registry, with task tokens for callback and
``.sync`` tasks, TimeoutSeconds / HeartbeatSeconds and the Task events. Each attempt is one
call; the executor's retry loop decides whether a failed call is made again."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from emulator.integrations.registry import IntegrationRegistry, TaskInvocation
from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonata import JsonataTemplate, QueryEvaluationError
from emulator.language.states.task_state import REQUEST_RESPONSE, WAIT_FOR_TASK_TOKEN, TaskResource, TaskState
from emulator.model.types import Json
from emulator.runtime.callbacks import Callback, CallbackWaiter
from emulator.runtime.clock import Clock
from emulator.runtime.failures import AttemptFailed, AttemptFailure, Terminal, TimedOut
from emulator.runtime.recorder import Chain, too_large
from emulator.runtime.run import Run
from emulator.runtime.task_credentials import account_of, task_credentials_details
from emulator.runtime.task_events import TaskEvents, TaskLabels
from emulator.runtime.virtual_clock import held, holding, is_virtual, parking, within
from emulator.runtime.work.scope import Context, Outcome, Scope


@dataclass(frozen=True, slots=True)
class PreparedTask:
    """What a Task reads once, before its first attempt."""

    timeout: int | None
    heartbeat: int | None
    credentials: Json
    account: str  # the task acts in its role's account


class TaskWork:
    failed_event: str | None = None
    stays_active_on_failure = True

    def __init__(
        self,
        integrations: IntegrationRegistry,
        callbacks: CallbackWaiter | None,
        timeout_scale: float = 1.0,
        clock: Clock | None = None,
        labels: TaskLabels = TaskLabels.AWS,
    ) -> None:
        self.integrations = integrations
        # How history names AWS SDK integrations (AWS's form, or Step Functions Local's).
        self.labels = labels
        # The engine's clock: a virtual one also times TimeoutSeconds and is held while a call is out.
        self.clock = clock
        # Task tokens for callback and .sync tasks (None: such tasks get no token).
        self.callbacks = callbacks
        # TimeoutSeconds / HeartbeatSeconds run in real seconds times this (tests shrink it).
        self.timeout_scale = timeout_scale

    def prepare(
        self, scope: Scope, state: TaskState, value: Json, context: Context, chain: Chain
    ) -> PreparedTask:
        dataflow = scope.dataflow
        effective = dataflow.effective_input(state.common, value, context, chain)
        timeout = dataflow.seconds(
            "TimeoutSeconds",
            state.timeout_seconds,
            state.timeout_seconds_expression,
            state.timeout_seconds_path,
            effective,
            context,
            chain,
        )
        heartbeat = dataflow.seconds(
            "HeartbeatSeconds",
            state.heartbeat_seconds,
            state.heartbeat_seconds_expression,
            state.heartbeat_seconds_path,
            effective,
            context,
            chain,
        )
        credentials: Json = None
        account = scope.run.account
        if isinstance(state.credentials, JsonataTemplate):
            credentials = state.credentials.evaluate(dataflow.bindings(value, context, chain))
        elif state.credentials is not None:
            credentials = state.credentials.evaluate(effective, context, dataflow.rng, chain.variables)
        if credentials is not None:
            account = account_of(credentials, account)
        return PreparedTask(timeout, heartbeat, credentials, account)

    async def attempt(
        self,
        scope: Scope,
        state: TaskState,
        prepared: PreparedTask,
        value: Json,
        context: Context,
        chain: Chain,
    ) -> Outcome:
        run = scope.run
        recorder = run.recorder
        resource = state.resource
        dataflow = scope.dataflow
        callback = self._issue_callback(run, resource)
        if callback is not None:
            context = dict(context)
            context["Task"] = {"Token": callback.token}
        try:
            if state.common.is_jsonata:
                try:
                    parameters = await dataflow.evaluated(
                        dataflow.arguments, state.common, state.parameters, value, context, chain
                    )
                except QueryEvaluationError as failure:  # an error the state reports: Retry may take it
                    raise AttemptFailed(AttemptFailure(failure, chain.last)) from None
            else:
                parameters = dataflow.arguments(state.common, state.parameters, value, context, chain)
            parameters_text = recorder.text(parameters)
            if too_large(parameters_text):
                raise _input_too_large(state.common.name)
            events = TaskEvents(recorder, chain, resource, run.region, self.labels)
            timeout, heartbeat = prepared.timeout, prepared.heartbeat
            invocation = TaskInvocation(
                resource,
                parameters,
                context,
                run.region,
                prepared.account,
                timeout,
                heartbeat,
                prepared.credentials,
                task_token=None if callback is None else callback.token,
                on_started=events.started if resource.kind == "activity" else None,
            )
            await self.integrations.prepare(invocation)
            events.scheduled(
                parameters,
                timeout,
                heartbeat,
                task_credentials_details(prepared.credentials),
                parameters_text,
            )
            if resource.kind != "activity":
                if chain.concurrent:
                    # AWS records TaskStarted once the task is under way, after what the flows
                    # beside this one record meanwhile (concurrent Map iterations: every
                    # TaskStateEntered / TaskScheduled first, then the TaskStarted events).
                    await asyncio.sleep(0)
                events.started()
            try:
                result = await self._invoke(scope, invocation, timeout, events, callback)
                text = recorder.text(result)
                if too_large(text):
                    name = resource.arn if resource.kind == "lambda" else resource.resource_type
                    raise StatesError(
                        ErrorName.DATA_LIMIT_EXCEEDED,
                        f"The state/task '{name}' returned a result with a size exceeding the maximum number "
                        "of bytes service limit.",
                    )
            except StatesError as failure:
                events.failed(failure)
                raise AttemptFailed(AttemptFailure(failure, chain.last)) from None
        finally:
            if callback is not None and self.callbacks is not None:
                self.callbacks.close(callback)
        events.succeeded(text)
        next_name = None if state.common.end else state.common.next
        if state.common.is_jsonata:
            return await dataflow.evaluated(dataflow.finish, state, value, result, context, chain), next_name
        return dataflow.finish(state, value, result, context, chain), next_name

    def _issue_callback(self, run: Run, resource: TaskResource) -> Callback | None:
        """Callback (``.waitForTaskToken``) and ``.sync`` tasks carry a task token in ``$$.Task.Token``."""
        if self.callbacks is None or resource.kind != "service" or resource.pattern == REQUEST_RESPONSE:
            return None
        return self.callbacks.issue(run.account, run.region)

    async def _invoke(
        self,
        scope: Scope,
        invocation: TaskInvocation,
        timeout: int | None,
        events: TaskEvents,
        callback: Callback | None,
    ) -> Json:
        limit: float | None = float(timeout) * self.timeout_scale if timeout is not None else None
        if invocation.resource.kind == "activity":
            limit = None  # counted from ActivityStarted, by the activity integration itself
        execution_limit = None
        deadline = scope.run.deadline
        if deadline is not None:
            execution_limit = max(deadline - scope.now(), 0.0)
        work = self._run_pattern(invocation, events, callback)
        if invocation.resource.resource_type != "states":  # (a nested execution's child holds for itself)
            work = held(self.clock, work)  # out with a service: a virtual clock does not skip meanwhile
        if limit is None and execution_limit is None:
            return await work
        bound = min(x for x in (limit, execution_limit) if x is not None)
        try:
            return await within(work, bound, self.clock)
        except TimeoutError:
            if (
                execution_limit is not None
                and bound == execution_limit
                and (limit is None or execution_limit < limit)
            ):
                raise TimedOut() from None
            raise StatesError(ErrorName.TIMEOUT, None) from None

    async def _run_pattern(
        self, invocation: TaskInvocation, events: TaskEvents, callback: Callback | None
    ) -> Json:
        """Request-response: the call's result. ``.waitForTaskToken``: the call (TaskSubmitted), then the
        answer to the token. ``.sync``: the call, then the job's end or an answer to the token."""
        submitted = await self.integrations.invoke(invocation)
        if callback is None or self.callbacks is None:
            return submitted
        events.submitted(submitted)
        heartbeat = invocation.heartbeat_seconds
        if invocation.resource.pattern == WAIT_FOR_TASK_TOKEN:
            if invocation.resource.resource_type == "states" and is_virtual(self.clock):
                return await self._token_after_child(invocation, submitted, callback, heartbeat)
            return await self.callbacks.wait(callback, heartbeat)
        job = asyncio.ensure_future(self.integrations.run_job(invocation, submitted))
        answer = asyncio.ensure_future(self.callbacks.wait(callback, heartbeat))
        try:
            await asyncio.wait([job, answer], return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # Execution stopped, branch aborted or TimeoutSeconds reached: stop the job too.
            job.cancel()
            answer.cancel()
            self._stop_job(invocation, submitted)
            raise
        job_running = not job.done()
        for waiter in (job, answer):
            if not waiter.done():
                waiter.cancel()
        if job_running and _heartbeat_timed_out(answer):
            self._stop_job(invocation, submitted)
        finished = answer if answer.done() and not answer.cancelled() else job
        result: Json = finished.result()
        return result

    async def _token_after_child(
        self, invocation: TaskInvocation, submitted: Json, callback: Callback, heartbeat: int | None
    ) -> Json:
        """A nested execution's ``.waitForTaskToken`` on a virtual clock: while the child runs it
        declares its own work (its timers may move the clock); once it has ended, the token can
        only come from the outside world, which holds the clock like any other token wait."""
        assert self.callbacks is not None
        answer = asyncio.ensure_future(self.callbacks.wait(callback, heartbeat))
        child = asyncio.ensure_future(self.integrations.run_job(invocation, submitted))
        try:
            await asyncio.wait([answer, child], return_when=asyncio.FIRST_COMPLETED)
            if not answer.done():
                with holding(self.clock), parking(self.clock):
                    await asyncio.wait([answer])
            result: Json = answer.result()
            return result
        finally:
            answer.cancel()
            child.cancel()
            if child.done() and not child.cancelled():
                child.exception()  # (the child's own outcome is not the task's)

    def _stop_job(self, invocation: TaskInvocation, submitted: Json) -> None:
        """Best effort, in the background: the task that waited for the job has already ended."""
        stopping = asyncio.ensure_future(self.integrations.cancel_job(invocation, submitted))
        _STOPPING.add(stopping)
        stopping.add_done_callback(_STOPPING.discard)


def _input_too_large(name: str) -> Terminal:
    """The task's input after Parameters / Arguments is over the payload quota. AWS: "States.DataLimitExceeded
    … Reported due to the following conditions: … After Parameters processing, the input of a state is
    larger than the payload size quota" (https://docs.aws.amazon.com/step-functions/latest/dg/
    concepts-error-handling.html; 256 KiB: service-quotas.html, "Maximum input or output size for a task,
    state, or execution"). Terminal like a state's oversized output (the one such failure recorded:
    ``…StateEntered`` then ``ExecutionFailed``); the cause is that recorded wording (inferred here)."""
    return Terminal(
        ErrorName.DATA_LIMIT_EXCEEDED,
        f"The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service "
        "limit.",
    )


# Jobs being stopped (held so the event loop does not lose the tasks before they end).
_STOPPING: set[asyncio.Future[None]] = set()


def _heartbeat_timed_out(answer: asyncio.Future[Json]) -> bool:
    if not answer.done() or answer.cancelled():
        return False
    failure = answer.exception()
    return isinstance(failure, StatesError) and failure.error == ErrorName.TIMEOUT
