"""What a load did, per file, stack and resource: what ``GET /_emulator/templates`` answers and
what the server logs at start-up (one line per resource it could not create)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# CloudFormation's words where it has them; NOT_SUPPORTED / NOT_RUNNABLE / SKIPPED are ours.
CREATED = "CREATE_COMPLETE"
UPDATED = "UPDATE_COMPLETE"
FAILED = "CREATE_FAILED"
UPDATE_FAILED = "UPDATE_FAILED"  # a reload could not update it: it stays as it was
NOT_SUPPORTED = "NOT_SUPPORTED"  # a resource type the emulator cannot create
NOT_RUNNABLE = "NOT_RUNNABLE"  # created as a name, but its code cannot run here (a Node.js function …)
SKIPPED = "SKIPPED"  # its Condition is false
PROBLEMS = (FAILED, UPDATE_FAILED, NOT_SUPPORTED, NOT_RUNNABLE)
LIVE = (CREATED, UPDATED, UPDATE_FAILED)  # the resource exists (under its physical id)
# DeletionPolicy values that keep a resource a stack no longer declares
RETAINED = ("Retain", "RetainExceptOnCreate")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A schedule that starts state machines: an EventBridge rule's ``ScheduleExpression`` or an
    EventBridge Scheduler schedule (``rate(…)`` or ``cron(…)``)."""

    arn: str  # the rule's or the schedule's
    expression: str
    targets: tuple[dict[str, Any], ...]  # the state machine targets
    timezone: str | None = None  # ScheduleExpressionTimezone (Scheduler); cron fields read UTC else
    scheduler: bool = False  # Scheduler sends the target's Input, not a Scheduled Event


@dataclass(frozen=True, slots=True)
class ResourceOutcome:
    logical_id: str
    type: str
    status: str
    physical_id: str = ""
    message: str = ""
    deletion_policy: str = ""  # as the template says (Retain keeps it when it is no longer declared)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"logicalId": self.logical_id, "type": self.type, "status": self.status}
        if self.physical_id:
            out["physicalId"] = self.physical_id
        if self.message:
            out["message"] = self.message
        if self.deletion_policy:
            out["deletionPolicy"] = self.deletion_policy
        return out


@dataclass(frozen=True, slots=True)
class StackReport:
    stack_name: str
    file: str
    resources: tuple[ResourceOutcome, ...] = ()
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # the stack could not be loaded at all (parameters, SAM transform)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stackName": self.stack_name,
            "file": self.file,
            "resources": [item.to_json() for item in self.resources],
            "outputs": self.outputs,
        }
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True, slots=True)
class LoadReport:
    """One ``--template`` argument's load."""

    path: str
    stacks: tuple[StackReport, ...] = ()
    error: str | None = None  # the path could not be read
    files: tuple[str, ...] = ()  # every file the load read (templates, definitions), for reload
    loaded_at: float = 0.0
    duration_seconds: float = 0.0
    generation: int = 1  # 1 for the first load, +1 per reload
    # the schedules that target state machines
    schedules: tuple[Schedule, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and all(stack.error is None for stack in self.stacks)

    def problems(self) -> list[str]:
        """One line per thing that did not load, for the start-up log."""
        lines = [self.error] if self.error else []
        for stack in self.stacks:
            if stack.error:
                lines.append(stack.error)
            for item in stack.resources:
                if item.status in PROBLEMS:
                    lines.append(
                        f"{stack.file}: {item.logical_id} ({item.type}): {item.status}: {item.message}"
                    )
        return lines

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for stack in self.stacks:
            for item in stack.resources:
                counts[item.status] = counts.get(item.status, 0) + 1
        text = ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "no resources"
        names = ", ".join(stack.stack_name for stack in self.stacks)
        return f"template {self.path} (stack {names}): {text} in {self.duration_seconds * 1000:.0f} ms"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "generation": self.generation,
            "loadedAt": self.loaded_at,
            "durationSeconds": round(self.duration_seconds, 4),
            "stacks": [stack.to_json() for stack in self.stacks],
            "files": list(self.files),
        }
        if self.error:
            out["error"] = self.error
        return out
