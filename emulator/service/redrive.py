"""RedriveExecution: restart a FAILED, TIMED_OUT or ABORTED standard execution from where it stopped."""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import ExecutionNotRedrivable
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of
from emulator.service.executions import get_execution, not_redrivable_reason


def redrive_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """Raise the execution's redriveCount and let the engine continue it (same ARN, same history)."""
    execution = get_execution(env, context, request["executionArn"])
    machine = partition_of(env, context).state_machines.get(execution.state_machine_arn)
    reason = not_redrivable_reason(execution, env.clock.now(), machine)
    if reason is not None:
        raise ExecutionNotRedrivable(reason)
    if execution.handle is None:
        _rebuild_run(env, execution)
    previous = (execution.redrive_count, execution.redrive_date)
    execution.redrive_count += 1
    execution.redrive_date = env.clock.now()
    try:
        env.engine.redrive(execution)
    except RuntimeError:
        execution.redrive_count, execution.redrive_date = previous
        raise ExecutionNotRedrivable(
            f"Execution is {execution.status.value} and cannot be redriven"
        ) from None
    return {"redriveDate": execution.redrive_date}


def _rebuild_run(env: ServiceEnvironment, execution: Any) -> None:
    """``--data-dir``: an execution that ended before the emulator restarted has no run in memory;
    it is rebuilt from its stored history and position, or the redrive is refused saying why."""
    position_of = getattr(env.store, "position_of", None)
    stored = position_of(execution.arn) if position_of is not None else None
    if stored is None:
        return  # memory: the engine refuses it below, as before
    text, root_last = stored
    try:
        env.store.compile_for(execution.state_machine)  # type: ignore[attr-defined]
        env.engine.rebuild_for_redrive(execution, json.loads(text) if text else None, root_last)
    except Exception as error:  # any reason: refused, naming it (never a 500)
        raise ExecutionNotRedrivable(
            f"Execution ended before the emulator restarted and cannot be redriven: {error}"
        ) from None
