"""Task tokens: the registry that callback tasks (``.waitForTaskToken``) and activity tasks share
with SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.

The interpreter ``issue``s a token and awaits ``PendingTask.outcome``; the control plane ``find``s the
token and calls ``succeed``/``fail``/``heartbeat``. When the task ends for another reason (timeout,
abort, execution end) the interpreter ``close``s it, so that later calls are told the task is gone.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from emulator.language.errors import StatesError
from emulator.model.jsontext import from_json_text
from emulator.model.types import Json


class OutcomeKind(StrEnum):
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    kind: OutcomeKind
    output: str | None = None  # SUCCESS: JSON text
    error: str | None = None  # FAILURE
    cause: str | None = None


class TaskFailedWithoutError(StatesError):
    """SendTaskFailure without ``error``: AWS records TaskFailed / ActivityFailed with the fields it
    was given (neither, or only ``cause``) and a Catch sees ``"Error": null``."""


def answer_of(outcome: TaskOutcome) -> Json:
    """What an answered callback or activity task produced: the value SendTaskSuccess sent, or the
    failure SendTaskFailure reported, raised (``error`` and ``cause`` exactly as sent: both are
    optional, https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html)."""
    if outcome.kind == OutcomeKind.SUCCESS:
        return from_json_text(outcome.output or "null")
    if outcome.error is None:
        raise TaskFailedWithoutError(None, outcome.cause)  # type: ignore[arg-type]
    raise StatesError(outcome.error, outcome.cause)


@dataclass(slots=True)
class PendingTask:
    token: str
    account: str
    region: str
    outcome: asyncio.Future[TaskOutcome]
    on_heartbeat: Callable[[], None] | None = None
    heartbeats: int = field(default=0)


class TokenState(StrEnum):
    PENDING = "PENDING"
    CLOSED = "CLOSED"  # it existed; its task is over
    UNKNOWN = "UNKNOWN"  # never issued here (or forgotten)


def is_well_formed(token: str) -> bool:
    """Tokens we issue are url-safe base64 of ``<account>:<region>:<uuid>``."""
    try:
        text = base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    parts = text.split(":")
    return len(parts) == 3 and len(parts[0]) == 12 and parts[0].isdigit()


class TaskTokenRegistry:
    """Pending tokens by value, plus a bounded memory of closed ones (so memory stays flat)."""

    def __init__(self, closed_memory: int = 10_000) -> None:
        self._pending: dict[str, PendingTask] = {}
        self._closed: OrderedDict[str, None] = OrderedDict()
        self._closed_memory = closed_memory
        self._answered: dict[str, TaskOutcome] = {}  # answers accepted before a restart

    def answered_before(self, token: str, outcome: TaskOutcome) -> None:
        """An answer accepted (and stored) before the server restarted (``--data-dir``): the
        resumed task that waits for ``token`` again gets it as soon as it issues it."""
        self._answered[token] = outcome

    def issue(
        self,
        account: str,
        region: str,
        on_heartbeat: Callable[[], None] | None = None,
        token: str | None = None,
    ) -> PendingTask:
        """A new token whose outcome future belongs to the running event loop (``token``: one
        issued before a restart, waited for again by a resumed execution)."""
        if token is None:
            raw = f"{account}:{region}:{uuid.uuid4()}".encode()
            token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        self._closed.pop(token, None)
        task = PendingTask(token, account, region, asyncio.get_running_loop().create_future(), on_heartbeat)
        self._pending[token] = task
        early = self._answered.pop(token, None) if self._answered else None
        if early is not None:
            self._settle(task, early)
        return task

    def state(self, token: str) -> TokenState:
        if token in self._pending:
            return TokenState.PENDING
        if token in self._closed:
            return TokenState.CLOSED
        return TokenState.UNKNOWN

    def find(self, token: str) -> PendingTask | None:
        return self._pending.get(token)

    def pending(self) -> list[PendingTask]:
        """The tasks still waiting for an answer, oldest first (the console lists them)."""
        return list(self._pending.values())

    def succeed(self, task: PendingTask, output: str) -> None:
        self._settle(task, TaskOutcome(OutcomeKind.SUCCESS, output=output))

    def fail(self, task: PendingTask, error: str | None, cause: str | None) -> None:
        self._settle(task, TaskOutcome(OutcomeKind.FAILURE, error=error, cause=cause))

    def heartbeat(self, task: PendingTask) -> None:
        task.heartbeats += 1
        if task.on_heartbeat is not None:
            task.on_heartbeat()

    def close(self, token: str) -> None:
        """The task ended without an answer (timeout, abort); later answers are refused."""
        task = self._pending.pop(token, None)
        if task is not None and not task.outcome.done():
            task.outcome.cancel()
        self._remember_closed(token)

    def _settle(self, task: PendingTask, outcome: TaskOutcome) -> None:
        self._pending.pop(task.token, None)
        if not task.outcome.done():
            task.outcome.set_result(outcome)
        self._remember_closed(task.token)

    def _remember_closed(self, token: str) -> None:
        self._closed[token] = None
        self._closed.move_to_end(token)
        while len(self._closed) > self._closed_memory:
            self._closed.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pending)
