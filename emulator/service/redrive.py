"""RedriveExecution: restart a FAILED, TIMED_OUT or ABORTED standard execution from where it stopped."""

from __future__ import annotations

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
