"""RedriveExecution: restart a FAILED, TIMED_OUT or ABORTED standard execution from where it failed."""

from __future__ import annotations

from typing import Any

from emulator.errors import ExecutionNotRedrivable, UnsupportedOperation
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.executions import get_execution, not_redrivable_reason


def redrive_execution(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    execution = get_execution(env, context, request["executionArn"])
    reason = not_redrivable_reason(execution)
    if reason is not None:
        raise ExecutionNotRedrivable(reason)
    redrive = getattr(env.engine, "redrive", None)
    if redrive is None:
        raise UnsupportedOperation(
            "The emulator cannot redrive executions yet: its engine does not resume a failed execution."
        )
    redrive(execution)
    execution.redrive_count += 1
    execution.redrive_date = env.clock.now()
    return {"redriveDate": execution.redrive_date}
