"""The emulator's own controls for tests: reset everything, read and move a virtual clock.

``POST /_emulator/reset`` and ``/_emulator/clock`` (server/emulator_admin.py) and the pytest plugin
(emulator/testing) call these. They are not AWS operations: errors are ``ValidationException``s
with our own wording.
"""

from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime
from typing import Any

from emulator.errors import ValidationException
from emulator.runtime.virtual_clock import VirtualClock
from emulator.service.environment import ServiceEnvironment

# Executions still unwinding after this long are left to finish on their own (their records are gone).
_STOP_WAIT_SECONDS = 5.0


async def reset_emulator(env: ServiceEnvironment) -> dict[str, Any]:
    """Forget every resource of every account and region: running executions are cancelled, state
    machines, executions, activities and tags dropped, mocks added at run time and Python mocks
    undone, the in-process AWS backends emptied and a virtual clock put back to the wall-clock time
    with no timers. The configuration (flags, mock-config file, Lambda handlers) stays."""
    running: list[asyncio.Task[Any]] = []
    stopped = 0
    for partition in env.store.partitions():
        for execution in partition.executions.values():
            task = getattr(execution.handle, "task", None)
            if task is not None and not task.done():
                task.cancel()
                running.append(task)
    if running:
        await asyncio.wait(running, timeout=_STOP_WAIT_SECONDS)
        stopped = len(running)
    env.store.clear()
    if isinstance(env.clock, VirtualClock):
        env.clock.reset()
    if env.engine_built:
        mocks = getattr(env.engine.integrations, "mocks", None)
        if mocks is not None:
            mocks.reset()
    for hook in env.reset_hooks:
        outcome = hook()
        if inspect.isawaitable(outcome):
            await outcome
    return {"reset": True, "stoppedExecutions": stopped}


def describe_clock(env: ServiceEnvironment) -> dict[str, Any]:
    """The clock's mode, its time and (virtual) the deadlines of the timers waiting."""
    clock = env.clock
    now = clock.now()
    answer: dict[str, Any] = {
        "mode": clock.mode if isinstance(clock, VirtualClock) else "real",
        "now": iso_time(now),
        "epochSeconds": now,
    }
    if isinstance(clock, VirtualClock):
        pending = clock.pending()
        answer["pendingTimers"] = [iso_time(deadline) for deadline in pending]
        answer["pendingEpochSeconds"] = pending
    return answer


async def move_clock(env: ServiceEnvironment, request: dict[str, Any]) -> dict[str, Any]:
    """``{"advanceSeconds": n}`` or ``{"set": "2030-01-01T00:00:00Z" | epoch seconds}``: move a
    virtual clock forward, firing the timers due on the way; answers ``describe_clock``."""
    clock = env.clock
    if not isinstance(clock, VirtualClock):
        raise ValidationException("The clock is real time; start the emulator with --clock virtual or auto.")
    advance = request.get("advanceSeconds")
    target = request.get("set")
    if (advance is None) == (target is None):
        raise ValidationException("Give exactly one of 'advanceSeconds' and 'set'.")
    try:
        if advance is not None:
            if isinstance(advance, bool) or not isinstance(advance, int | float):
                raise ValidationException("'advanceSeconds' must be a number.")
            await clock.advance(float(advance))
        else:
            await clock.set(parse_time(target))
    except ValueError as error:
        raise ValidationException(str(error)) from None
    return describe_clock(env)


def iso_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: Any) -> float:
    """Epoch seconds, or an ISO 8601 time (UTC when it names no offset)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"'{value}' is not an ISO 8601 time.") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    raise ValueError("'set' must be an ISO 8601 time or epoch seconds.")


def set_clock_mode(env: ServiceEnvironment, mode: str) -> dict[str, Any]:
    """Switch a virtual clock between ``virtual`` (moved only when told) and ``auto``."""
    clock = env.clock
    if not isinstance(clock, VirtualClock):
        raise ValidationException("The clock is real time; start the emulator with --clock virtual or auto.")
    if mode not in ("virtual", "auto"):
        raise ValidationException("'mode' must be 'virtual' or 'auto'.")
    clock.set_auto(mode == "auto")
    return describe_clock(env)


# --- mocks and local functions (the pytest plugin's registrations) --------------------------------


def _mocks(env: ServiceEnvironment) -> Any:
    mocks = getattr(env.engine.integrations, "mocks", None)
    if mocks is None:
        raise ValidationException("Mocking is not enabled in this emulator.")
    return mocks


def add_mock_config(env: ServiceEnvironment, document: Any) -> dict[str, Any]:
    """Add a mock configuration document (Step Functions Local's format) on top of the file's;
    a malformed one is a ``ValidationException`` naming the offending key."""
    from emulator.integrations.mocks import MockConfigError

    try:
        config = _mocks(env).load_document(document)
    except MockConfigError as error:
        raise ValidationException(f"{error.key}: {error.message}") from None
    return {"stateMachines": {name: sorted(cases) for name, cases in config.state_machines.items()}}


def register_mock(
    env: ServiceEnvironment,
    function: Any,
    *,
    state_machine: str | None = None,
    state: str | None = None,
    resource: str | None = None,
) -> None:
    """A Python mock: ``function(invocation)`` answers that state (or every Task calling
    ``resource``); see emulator/integrations/mocks.py."""
    _mocks(env).register(function, state_machine=state_machine, state=state, resource=resource)


def register_lambda_handler(env: ServiceEnvironment, function_name: str, handler: Any) -> None:
    """``handler(event, context)`` answers every call of the Lambda function ``function_name``, in
    process, with Lambda's result and error shapes (a ``.waitForTaskToken`` call invokes it and
    waits for the token: see ``waiting_task_tokens``)."""
    from emulator.integrations.python_functions import handler_mock

    _mocks(env).register(handler_mock(handler), function_name=function_name)


async def wait_for_execution(env: ServiceEnvironment, context: Any, execution_arn: str) -> dict[str, Any]:
    """DescribeExecution's answer once the execution has ended (signalled, no polling)."""
    from emulator.service.executions import describe_execution, get_execution

    execution = get_execution(env, context, execution_arn)
    await env.engine.wait(execution)
    return describe_execution(env, context, {"executionArn": execution_arn})


def waiting_task_tokens(env: ServiceEnvironment, context: Any, execution_arn: str) -> dict[str, Any]:
    """The execution's status and the tokens its ``.waitForTaskToken`` tasks wait on (oldest
    first), each with its state's name: ``{"status": …, "tokens": [{"taskToken", "stateName"}]}``."""
    from emulator.service.executions import get_execution
    from emulator.service.overview import list_waiting_tasks

    execution = get_execution(env, context, execution_arn)
    tokens = [
        {"taskToken": row["taskToken"], "stateName": row.get("stateName")}
        for row in list_waiting_tasks(env, context)["callbacks"]
        if row.get("executionArn") == execution_arn
    ]
    return {"status": execution.status.value, "tokens": tokens}


async def close_environment(env: ServiceEnvironment) -> None:
    """Release what an environment built without a server holds (integrations, a clock's driver)."""
    if env.engine_built:
        await env.engine.integrations.close()
    if isinstance(env.clock, VirtualClock):
        await env.clock.close()
