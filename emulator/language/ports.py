"""What the language layer needs from the outside, as Protocols (no I/O happens in language/).

The runtime implements these: it owns time, task invocation and concurrency.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from emulator.model.types import Json


class TaskInvocation(Protocol):
    """One call of a Task resource, as the runtime hands it to an integration."""

    resource: Any  # emulator.language.states.task_state.TaskResource
    parameters: Json
    context: Mapping[str, Json]
    timeout_seconds: int | None
    heartbeat_seconds: int | None


class Invoker(Protocol):
    """Runs a Task resource and returns its result, or raises ``StatesError``."""

    async def invoke(self, invocation: TaskInvocation) -> Json: ...


class Clock(Protocol):
    """Time as the language sees it (epoch seconds)."""

    def now(self) -> float: ...
