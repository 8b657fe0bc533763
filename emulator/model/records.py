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
    # AWS reports no revision for the first configuration; every effective update mints a new id.
    revision_id: str | None = None
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
    # State machines only: the last version number handed out (numbers are never reused) and
    # the revision that the newest version was published from.
    version_counter: int = 0
    latest_version_arn: str | None = None
    state_machine_arn: str | None = None  # versions only: the machine they belong to


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
    redrive_date: float | None = None
    map_run_arn: str | None = None  # set on the child executions of a Distributed Map run
    item_count: int | None = None  # Map Run children: the items it processes (ListExecutions' itemCount)
    handle: Any = None  # owned by the runtime (its task / completion signal)


@dataclass(frozen=True, slots=True)
class RoutingEntry:
    """One row of an alias's routing configuration."""

    version_arn: str
    weight: int


@dataclass(slots=True)
class Alias:
    arn: str
    name: str
    state_machine_arn: str
    routing: tuple[RoutingEntry, ...]
    creation_date: float
    description: str | None = None
    update_date: float | None = None


@dataclass(slots=True)
class Activity:
    arn: str
    name: str
    creation_date: float
    encryption_configuration: dict[str, Any] | None = None


class MapRunStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ABORTED = "ABORTED"


@dataclass(slots=True)
class MapRun:
    """A Distributed Map run, created by the runtime when a distributed Map state starts."""

    arn: str
    execution_arn: str
    state_machine_arn: str
    start_date: float
    max_concurrency: int = 0
    tolerated_failure_percentage: float = 0.0
    tolerated_failure_count: int = 0
    status: MapRunStatus = MapRunStatus.RUNNING
    stop_date: float | None = None
    item_counts: dict[str, int] = field(default_factory=dict)
    execution_counts: dict[str, int] = field(default_factory=dict)
    redrive_count: int = 0
    label: str | None = None  # the Map state's Label, or the id generated in its place
