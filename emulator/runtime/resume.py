"""Resuming an execution that was running when the server stopped (``--data-dir``).

The store hands back the execution's record, its history and where its own flow was (the state
it had entered, that state's input, the workflow variables, the flow's latest event id). The run is
rebuilt on that history (ids go on from the last one, each new event linked to that flow's
latest) and carries on:

- no state entered yet: from StartAt;
- a Wait: in place, ending when it was due (at once if that time passed while the server was down);
- a ``.waitForTaskToken`` Task whose call was made (TaskSubmitted): in place, waiting for the same
  token (found in the recorded parameters, where the definition put it), its TimeoutSeconds
  counted from when it was scheduled;
- anything else (a Task in flight, a Map, a Parallel, a Distributed Map): entered again, a new
  ``<Type>StateEntered`` with the same input: a Task is invoked again (at-least-once); an inline
  Map keeps the iterations its latest attempt finished (their results read from the history: the
  output of the event each MapIterationSucceeded follows) and runs the others again from the
  start, as RedriveExecution does; a Parallel likewise keeps the branches that ended; a
  Distributed Map starts a new Map Run (the service aborts the one that was running).
Retry counts start from zero again.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from emulator.language.errors import ErrorName, StatesError
from emulator.language.states.map_state import MapState
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.registry import State
from emulator.language.states.task_state import WAIT_FOR_TASK_TOKEN, TaskState
from emulator.language.states.wait_state import WaitState
from emulator.model.history import HistoryEvent
from emulator.model.jsontext import from_json_text
from emulator.model.records import Execution
from emulator.model.types import Json, JsonObject
from emulator.runtime.callbacks import Callback
from emulator.runtime.context import execution_context
from emulator.runtime.failures import AttemptFailed, AttemptFailure, TimedOut
from emulator.runtime.recorder import Recorder
from emulator.runtime.run import Run
from emulator.runtime.task_events import TaskEvents
from emulator.runtime.task_tokens import is_well_formed
from emulator.runtime.virtual_clock import held, within
from emulator.runtime.work.frames import BranchFrame
from emulator.runtime.work.scope import Context, Outcome, Scope

if TYPE_CHECKING:
    from emulator.runtime.engine import Engine


class ResumeFailed(Exception):
    """Why an execution cannot be carried on (the service fails it with States.Runtime)."""


def _rebuilt(engine: Engine, execution: Execution, root_last: int | None) -> tuple[Run, Json]:
    """A run on the stored history (checked), its flow's latest event set; and the input."""
    definition = execution.state_machine.compiled
    if definition is None:
        raise ResumeFailed("its state machine definition could not be compiled again")
    history = execution.history
    events = history.events
    if not events or events[0].type != "ExecutionStarted":
        raise ResumeFailed("its history does not begin with ExecutionStarted")
    for index, event in enumerate(events, start=1):
        if event.id != index or event.previous_event_id >= index:
            raise ResumeFailed(f"its stored history is not consistent at event {index}")
    if engine.observer is not None:
        history.listener = lambda event: engine.observer(execution, event)  # type: ignore[misc]
    recorder = Recorder(history, engine.clock)
    run = Run(execution, recorder)
    input_value = from_json_text(execution.input) if execution.input else {}
    recorder.remember_text(input_value, execution.input)
    run.base_context = execution_context(execution, input_value)
    run.root.last = root_last if root_last is not None and 0 < root_last <= len(events) else len(events)
    return run, input_value


def _placed(run: Run, position: JsonObject) -> tuple[State, Json]:
    """The flow put back in the state it was in, with that state's input and the variables."""
    name = position.get("state")
    state: State | None = run.definition.states.get(name) if isinstance(name, str) else None
    if state is None:
        raise ResumeFailed(f"the state it was in ({name!r}) is not in its definition")
    input_text = position.get("input")
    value = from_json_text(input_text) if isinstance(input_text, str) else None
    if isinstance(input_text, str):
        run.recorder.remember_text(value, input_text)
    variables = position.get("variables")
    if isinstance(variables, dict):
        run.root.variables.update(variables)
    return state, value


def rebuild_ended_run(
    engine: Engine, execution: Execution, position: JsonObject | None, root_last: int | None
) -> None:
    """RedriveExecution of an execution that ended before the server restarted: its run is rebuilt,
    ended, on its history and where its flow stopped, for ``Engine.redrive``. An inline Map /
    Parallel it ended in keeps, from the history, the iterations / branches that succeeded; the
    failed and aborted ones are run again from their start (RedriveExecution "reschedules and
    redrives only the iterations and branches that failed or aborted"). A Distributed Map's run is
    not kept across a restart: one that ended in such a state is not rebuilt (``ResumeFailed``)."""
    run, _ = _rebuilt(engine, execution, root_last)
    if position is not None:
        state, value = _placed(run, position)
        run.root.state, run.root.value = state.common.name, value  # where Engine.redrive starts
        entered = _last_entered(execution.history.events, state.common.name)
        if entered is not None and isinstance(state, MapState) and state.distributed is None:
            run.root.last_frame = _finished_iterations(run, state, execution.history.events, entered)
        elif entered is not None and isinstance(state, ParallelState):
            run.root.last_frame = _finished_branches(run, state, execution.history.events, entered)
        elif state.common.type in ("Map", "Parallel"):
            raise ResumeFailed(
                f"it ended in the {state.common.type} state {state.common.name!r}, whose iterations and "
                "branches are not kept across a restart of the emulator"
            )
    run.finished = True
    run.recorder.closed = True
    execution.handle = run


def resume_run(
    engine: Engine, execution: Execution, position: JsonObject | None, root_last: int | None
) -> None:
    run, input_value = _rebuilt(engine, execution, root_last)
    execution.handle = run
    definition = run.definition
    if definition.timeout_seconds is not None:
        began = execution.redrive_date if execution.redrive_date is not None else execution.start_date
        run.deadline = began + definition.timeout_seconds
    root = run.root
    events = execution.history.events
    last = root.last
    loop = asyncio.get_running_loop()
    if position is None:  # nothing but ExecutionStarted (or ExecutionRedriven) was kept
        run.task = loop.create_task(engine._execute(run, input_value))
        return
    state, value = _placed(run, position)
    entered = _entered_event(events, last, state.common.name)
    attempt = None if entered is None else _in_place(engine, run, state, value, events, entered)
    if attempt is None or entered is None:
        if entered is not None and isinstance(state, MapState) and state.distributed is None:
            root.resume = _finished_iterations(run, state, events, entered)
        elif entered is not None and isinstance(state, ParallelState):
            root.resume = _finished_branches(run, state, events, entered)
        run.task = loop.create_task(engine._execute(run, value, state.common.name))
        return
    resumed = engine.executor.resume_state(run, state, value, root, entered, attempt)
    run.task = loop.create_task(engine._execute(run, value, resumed=resumed))


def _last_entered(events: list[HistoryEvent], name: str) -> HistoryEvent | None:
    """The latest StateEntered of the state ``name`` (names are unique in a state machine)."""
    for event in reversed(events):
        if event.type.endswith("StateEntered") and (event.details or {}).get("name") == name:
            return event
    return None


def _entered_event(events: list[HistoryEvent], last: int, name: str) -> HistoryEvent | None:
    """The StateEntered of the flow's current state: back from its latest event along the links."""
    event_id = last
    while event_id > 0:
        event = events[event_id - 1]
        if event.type.endswith("StateEntered"):
            details = event.details or {}
            return event if details.get("name") == name else None
        event_id = event.previous_event_id
    return None


def _finished_iterations(
    run: Run, state: MapState, events: list[HistoryEvent], entered: HistoryEvent
) -> BranchFrame | None:
    """The iterations of an inline Map's latest attempt that succeeded before the restart, with
    their results (what the Map, entered again, takes up instead of running them again)."""
    name = state.common.name
    after = events[entered.id :]
    # The attempt's MapStateStarted is the event its first iterations' MapIterationStarted follow
    # (names are unique in a state machine: a nested Map's iterations carry another name).
    begins = {
        event.previous_event_id
        for event in after
        if event.type == "MapIterationStarted" and (event.details or {}).get("name") == name
    }
    attempts = [event.id for event in after if event.type == "MapStateStarted" and event.id in begins]
    if not attempts:
        return None
    memo = BranchFrame("Map", name, run.root, iterations=True)
    for event in events[attempts[-1] :]:
        details = event.details or {}
        if event.type != "MapIterationSucceeded" or details.get("name") != name:
            continue
        exited = events[event.previous_event_id - 1]
        output = (exited.details or {}).get("output") if exited.type.endswith("StateExited") else None
        index = details.get("index")
        if isinstance(output, str) and isinstance(index, int):
            result = from_json_text(output)
            run.recorder.remember_text(result, output)
            memo.results[index] = result
    return memo if memo.results else None


def _finished_branches(
    run: Run, state: ParallelState, events: list[HistoryEvent], entered: HistoryEvent
) -> BranchFrame | None:
    """The branches of a Parallel's latest attempt that ended before the restart, with their
    results: a branch ended when a state of its own that ends it (``End``, or a Succeed state)
    exited; state names are unique in a state machine, so its name says which branch it is."""
    after = events[entered.id :]
    firsts = {branch.start_at for branch in state.branches}
    begins = {
        event.previous_event_id
        for event in after
        if event.type.endswith("StateEntered") and (event.details or {}).get("name") in firsts
    }
    attempts = [event.id for event in after if event.type == "ParallelStateStarted" and event.id in begins]
    if not attempts:
        return None
    ends: dict[str, int] = {}
    for position, branch in enumerate(state.branches):
        for name, inner in branch.states.items():
            if inner.common.end or inner.common.type == "Succeed":
                ends[name] = position
    memo = BranchFrame("Parallel", state.common.name, run.root, iterations=False)
    for event in events[attempts[-1] :]:
        details = event.details or {}
        exited_name = details.get("name")
        index = ends.get(exited_name) if isinstance(exited_name, str) else None
        output = details.get("output")
        if index is not None and event.type.endswith("StateExited") and isinstance(output, str):
            result = from_json_text(output)
            run.recorder.remember_text(result, output)
            memo.results[index] = result
    return memo if memo.results else None


def _in_place(
    engine: Engine, run: Run, state: State, value: Json, events: list[HistoryEvent], entered: HistoryEvent
) -> Any:
    """The attempt that takes the state up where it was, or None: it is entered again."""
    after = events[entered.id :]
    if isinstance(state, WaitState):
        return _wait(state, value, run, entered)
    if (
        isinstance(state, TaskState)
        and state.resource.kind == "service"
        and state.resource.pattern == WAIT_FOR_TASK_TOKEN
        and engine.callbacks is not None
        and after
        and after[-1].type == "TaskSubmitted"
    ):
        scheduled = next((e for e in reversed(after) if e.type == "TaskScheduled"), None)
        token = None if scheduled is None else _token_in((scheduled.details or {}).get("parameters"))
        if scheduled is not None and token is not None:
            return _callback(engine, run, state, value, scheduled, token)
    return None


def _wait(state: WaitState, value: Json, run: Run, entered: HistoryEvent) -> Any:
    async def attempt(scope: Scope, prepared: Any, context: Context) -> Outcome:
        dataflow = scope.dataflow
        chain = run.root
        seconds, effective = dataflow.wait_seconds(state, value, context, chain, entered.timestamp)
        await scope.wait(entered.timestamp + seconds - scope.now())
        next_name = None if state.common.end else state.common.next
        return dataflow.pass_through(state.common, value, effective, context, chain), next_name

    return attempt


# A token we issue: url-safe base64 of "<account>:<region>:<uuid>" (task_tokens.py), unpadded.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{60,120}")


def _token_in(parameters: object) -> str | None:
    if not isinstance(parameters, str):
        return None
    for candidate in _TOKEN.findall(parameters):
        if is_well_formed(candidate):
            return str(candidate)
    return None


def _callback(
    engine: Engine, run: Run, state: TaskState, value: Json, scheduled: HistoryEvent, token: str
) -> Any:
    callbacks = engine.callbacks
    assert callbacks is not None

    async def attempt(scope: Scope, prepared: Any, context: Context) -> Outcome:
        chain = run.root
        events = TaskEvents(run.recorder, chain, state.resource, run.region)
        callback: Callback = callbacks.issue(run.account, run.region, token=token)
        try:
            waiting = callbacks.wait(callback, prepared.heartbeat)
            if state.resource.resource_type != "states":  # (as task.py: a child declares its own work)
                waiting = held(engine.clock, waiting)  # a token wait holds a virtual clock, parked
            bounds: list[float] = []
            if prepared.timeout is not None:
                bounds.append(
                    scheduled.timestamp + prepared.timeout * engine.timeout_scale - engine.clock.now()
                )
            execution_limit = None
            if run.deadline is not None:
                execution_limit = run.deadline - scope.now()
                bounds.append(execution_limit)
            try:
                if bounds:
                    result = await within(waiting, max(min(bounds), 0.0), engine.clock)
                else:
                    result = await waiting
            except TimeoutError:
                if execution_limit is not None and min(bounds) == execution_limit:
                    raise TimedOut() from None
                raise StatesError(ErrorName.TIMEOUT, None) from None
        except StatesError as failure:
            events.failed(failure)
            raise AttemptFailed(AttemptFailure(failure, chain.last)) from None
        finally:
            callbacks.close(callback)
        events.succeeded(run.recorder.text(result))
        next_name = None if state.common.end else state.common.next
        return scope.dataflow.finish(state, value, result, context, chain), next_name

    return attempt
