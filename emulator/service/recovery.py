"""Start-up with ``--data-dir``: the executions that were running carry on.

A STANDARD execution resumes where its own flow was (``emulator/runtime/resume.py``). A child
execution of a Distributed Map run is not resumed on its own: its parent enters the Map state
again and starts a new Map Run, so the run that was going is recorded ABORTED and its running
children ExecutionAborted. An execution that cannot be resumed is failed with States.Runtime and
a cause that says why; none is left RUNNING. Retention then applies to what was read back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from emulator.model.arns import parse_states_arn
from emulator.model.records import Execution, ExecutionStatus, MapRunStatus, StateMachineStatus
from emulator.runtime.task_tokens import OutcomeKind, TaskOutcome
from emulator.service.environment import ServiceEnvironment

log = logging.getLogger("emulator.recovery")

RESTARTED = "The emulator restarted while the execution was running"


async def recover(env: ServiceEnvironment, sweep_delay: float = 0.0) -> int:
    """Resume every execution the store read back as RUNNING; returns how many resumed. Retention
    sweeps what was read back ``sweep_delay`` seconds later (the server's first answers come
    first: a sweep of 100,000 executions takes ~0.15 s)."""
    store: Any = env.store
    running: list[Execution] = [e for e in store.running_at_start if e.status == ExecutionStatus.RUNNING]
    store.running_at_start = []
    for partition in store.partitions():
        for run in partition.map_runs.values():
            if run.status == MapRunStatus.RUNNING:
                run.status = MapRunStatus.ABORTED
                run.stop_date = env.clock.now()
                partition.map_runs.put(run.arn, run)
    if not running:
        await _sweep_later(env, sweep_delay)
        return 0
    positions = store.positions()
    for token, kind, output, error, cause in store.token_outcomes():
        # answered (and acknowledged) just before the stop, not yet recorded by its task
        outcome = TaskOutcome(OutcomeKind(kind), output=output, error=error, cause=cause)
        env.task_tokens.answered_before(token, outcome)
    engine = env.engine
    resumed = 0
    for execution in running:
        await asyncio.sleep(0)  # requests are answered meanwhile
        if execution.map_run_arn is not None:
            _end(env, execution, ExecutionStatus.ABORTED, None, None)
            continue
        position_text, root_last = positions.get(execution.arn, (None, None))
        try:
            store.compile_for(execution.state_machine)
            position = json.loads(position_text) if position_text else None
            engine.resume(execution, position, root_last)
            _if_machine_deleting(store, execution, engine)
            resumed += 1
        except Exception as error:  # any reason at all: the execution fails, saying why
            log.warning("execution %s could not be resumed: %s", execution.arn, error)
            execution.handle = None
            _end(
                env,
                execution,
                ExecutionStatus.FAILED,
                "States.Runtime",
                f"{RESTARTED} and could not be resumed: {error}",
            )
    log.info("resumed %d running execution(s) from %s", resumed, getattr(store, "directory", "?"))
    await _sweep_later(env, sweep_delay)
    return resumed


def _if_machine_deleting(store: Any, execution: Execution, engine: Any) -> None:
    """DeleteStateMachine ran before the restart: the execution still ends at its next transition."""
    arn = parse_states_arn(execution.arn)
    if arn is None:
        return
    machine = store.partition(arn.account, arn.region).state_machines.get(execution.state_machine_arn)
    if machine is not None and machine.status == StateMachineStatus.DELETING:
        engine.machine_deleted(execution, machine.name)


def _end(
    env: ServiceEnvironment,
    execution: Execution,
    status: ExecutionStatus,
    error: str | None,
    cause: str | None,
) -> None:
    """Record the end of an execution that does not run again (no run of its own any more)."""
    history = execution.history
    details: dict[str, Any] = {}
    if error is not None:
        details["error"] = error
    if cause is not None:
        details["cause"] = cause
    kind = "Aborted" if status == ExecutionStatus.ABORTED else "Failed"
    event = history.add(
        f"Execution{kind}", env.clock.now(), history.last_id, f"execution{kind}EventDetails", details
    )
    execution.status = status
    execution.error, execution.cause = error, cause
    execution.stop_date = event.timestamp
    env.execution_events(execution, event)


async def _sweep_later(env: ServiceEnvironment, delay: float) -> None:
    if delay > 0:
        await asyncio.sleep(delay)
    _sweep(env)


def _sweep(env: ServiceEnvironment) -> None:
    retention = env.retention
    if retention is None or not getattr(retention, "enabled", False):
        return
    now = env.clock.now()
    for partition in env.store.partitions():
        retention.sweep(partition, now)
