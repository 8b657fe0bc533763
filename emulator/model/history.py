"""Execution history events: appended cheaply, serialised on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class HistoryEvent:
    """One event of GetExecutionHistory.

    ``details_key`` is the wire name of the details member (``stateEnteredEventDetails``, …) or
    None; ``details`` its already wire-shaped (camelCase) content. ``timestamp`` is epoch seconds.
    """

    id: int
    previous_event_id: int
    type: str
    timestamp: float
    details_key: str | None = None
    details: dict[str, Any] | None = None

    def to_wire(self, include_execution_data: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "timestamp": self.timestamp,
            "type": self.type,
            "id": self.id,
            "previousEventId": self.previous_event_id,
        }
        if self.details_key is not None and self.details is not None:
            details = self.details
            if not include_execution_data:
                details = {k: v for k, v in details.items() if k not in _EXECUTION_DATA_KEYS}
            out[self.details_key] = details
        return out


# Members that GetExecutionHistory drops when includeExecutionData is false.
_EXECUTION_DATA_KEYS = frozenset(
    {"input", "output", "parameters", "cause", "error", "inputDetails", "outputDetails", "parametersDetails"}
)


class History:
    """The ordered events of one execution (or one Map/Parallel-free run).

    ``add`` assigns ids; callers pass ``previous_event_id`` explicitly, because AWS's
    ``previousEventId`` follows the causal chain, not simply the prior event.
    """

    __slots__ = ("events", "listener")

    def __init__(self) -> None:
        self.events: list[HistoryEvent] = []
        # Told of every appended event (the service layer's execution event hub); None costs nothing.
        self.listener: Callable[[HistoryEvent], None] | None = None

    def add(
        self,
        type_: str,
        timestamp: float,
        previous_event_id: int,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> HistoryEvent:
        event = HistoryEvent(len(self.events) + 1, previous_event_id, type_, timestamp, details_key, details)
        self.events.append(event)
        if self.listener is not None:
            self.listener(event)
        return event

    @property
    def last_id(self) -> int:
        return len(self.events)

    def __len__(self) -> int:
        return len(self.events)
