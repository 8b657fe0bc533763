"""One log line when an execution starts and one when it ends (``emulator.executions``, INFO).

The end line says how it ended and how long it took; a failure adds the state it failed in, its
error and its cause (shortened), so a failed execution leaves a trace without reading its history.
The fields are also on the record (``machine``, ``execution``, ``status``, ``duration_ms``,
``state``, ``error``, ``cause``) for ``--log-format json``.
"""

from __future__ import annotations

import logging

from emulator.model.history import HistoryEvent
from emulator.model.records import Execution
from emulator.service.environment import ServiceEnvironment

log = logging.getLogger("emulator.executions")

_ENDINGS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionAborted": "ABORTED",
}
CAUSE_LENGTH = 200


def install_execution_log_lines(env: ServiceEnvironment) -> None:
    env.execution_events.subscribe(execution_event)


def shorten(text: str, length: int = CAUSE_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def execution_event(execution: Execution, event: HistoryEvent) -> None:
    kind = event.type
    # A Distributed Map's child executions (thousands per run) only at DEBUG.
    child = execution.map_run_arn is not None
    if kind == "ExecutionStarted":
        level = logging.DEBUG if child else logging.INFO
        if log.isEnabledFor(level):
            machine = execution.state_machine_arn.rsplit(":", 1)[-1]
            log.log(
                level,
                "execution started: machine=%s execution=%s",
                machine,
                execution.name,
                extra={"machine": machine, "execution": execution.name, "status": "RUNNING"},
            )
        return
    status = _ENDINGS.get(kind)
    if status is None or not log.isEnabledFor(logging.DEBUG if child else logging.INFO):
        return
    machine = execution.state_machine_arn.rsplit(":", 1)[-1]
    duration_ms = max(0.0, (event.timestamp - (execution.redrive_date or execution.start_date)) * 1000)
    fields: dict[str, object] = {
        "machine": machine,
        "execution": execution.name,
        "status": status,
        "duration_ms": round(duration_ms, 1),
    }
    message = f"execution {status.lower()}: machine={machine} execution={execution.name} duration={duration_ms:.1f}ms"
    if status != "SUCCEEDED":
        details = event.details or {}
        state = last_state(execution, event)
        error, cause = details.get("error"), details.get("cause")
        fields.update(state=state, error=error, cause=shorten(str(cause)) if cause else None)
        if state:
            message += f" state={state}"
        if error:
            message += f" error={error}"
        if cause:
            message += f" cause={shorten(str(cause))!r}"
    level = logging.WARNING if status in ("FAILED", "TIMED_OUT") else logging.INFO
    log.log(logging.DEBUG if child else level, message, extra=fields)


def last_state(execution: Execution, before: HistoryEvent) -> str | None:
    """The state the execution was in when it ended: the last one entered."""
    for event in reversed(execution.history.events):
        if event.id < before.id and event.type.endswith("StateEntered") and event.details:
            name = event.details.get("name")
            return str(name) if name is not None else None
    return None
