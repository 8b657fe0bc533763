"""Resource records kept by the store. Mutable where the resource changes over its life."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from emulator.model.history import History


class StateMachineType(StrEnum):
    STANDARD = "STANDARD"
    EXPRESS = "EXPRESS"


class StateMachineStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DELETING = "DELETING"


class ExecutionStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"


@dataclass(slots=True)
class StateMachine:
    """A state machine, or (with ``version`` set) one published version of it."""

    arn: str
    name: str
    definition: str
    role_arn: str
    type: StateMachineType
    creation_date: float
    compiled: Any  # the compiled definition (language.parse); never re-parsed per execution
    revision_id: str
    logging_configuration: dict[str, Any] = field(
        default_factory=lambda: {"level": "OFF", "includeExecutionData": False}
    )
    tracing_configuration: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    encryption_configuration: dict[str, Any] | None = None
    description: str | None = None  # versions only
    version: int | None = None  # set on a version record
    status: StateMachineStatus = StateMachineStatus.ACTIVE
    update_date: float | None = None
    label: str | None = None


@dataclass(slots=True)
class Execution:
    arn: str
    name: str
    state_machine: StateMachine  # the record (or version record) that runs
    state_machine_arn: str  # the unqualified state machine ARN
    input: str
    start_date: float
    status: ExecutionStatus = ExecutionStatus.RUNNING
    stop_date: float | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    trace_header: str | None = None
    state_machine_version_arn: str | None = None
    state_machine_alias_arn: str | None = None
    express: bool = False
    history: History = field(default_factory=History)
    redrive_count: int = 0
    handle: Any = None  # owned by the runtime (its task / completion signal)
