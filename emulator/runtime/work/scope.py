"""The seams between the executor and the units of work.

A unit of work (``work/simple.py``, ``task.py``, ``parallel.py``, ``inline_map.py``,
``distributed_map.py``) does one kind of state's work; the executor owns the lifecycle around it
(entered → prepare → attempts under the one retry loop → catch → exited). A unit receives only
``Scope``: the run it works in, the data steps, the run's waiting and clock, and a way to run a
sub-machine (a branch, an iteration). What else it needs (integrations, callbacks, the Map Run
sink) it was given when it was built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from emulator.language.errors import StatesError
from emulator.language.states.common import Retrier
from emulator.model.types import Json

if TYPE_CHECKING:
    from emulator.language.parse.definition import Definition
    from emulator.runtime.dataflow import DataFlow
    from emulator.runtime.recorder import Chain
    from emulator.runtime.run import Run

# The context object ($$) as one state sees it.
Context = dict[str, Json]
# What a state's work produces: its output and the next state's name (None: the machine ends).
Outcome = tuple[Json, str | None]

StateT_contra = TypeVar("StateT_contra", contravariant=True)
PreparedT = TypeVar("PreparedT")


class Scope(Protocol):
    """What a unit of work may use of the executor, for one run."""

    @property
    def run(self) -> Run: ...

    @property
    def dataflow(self) -> DataFlow: ...

    def now(self) -> float:
        """The run's time (the clock plus the virtual seconds Wait states skipped)."""
        ...

    async def wait(self, seconds: float) -> None:
        """Wait ``seconds`` of the run's time (raises ``TimedOut`` at the execution's deadline)."""
        ...

    async def run_machine(
        self, definition: Definition, value: Json, chain: Chain, start: str | None = None
    ) -> Json:
        """Run a branch / iteration (or resume it at ``start``) in ``chain``; returns its output."""
        ...


class Work(Protocol[StateT_contra, PreparedT]):
    """One kind of state's work.

    ``prepare`` evaluates what the state reads once, before its first attempt (a failure there is
    a failure "before start"); ``attempt`` is one try, run again by the executor's retry loop when
    it raises ``AttemptFailed`` and a retrier takes the failure. Any other ``StatesError`` from an
    attempt goes straight to the state's Catch.
    """

    # Recorded when the state gives up after its attempts, or fails before its first one
    # ("ParallelStateFailed", "MapStateFailed"; None: nothing, as for Task and the simple states).
    failed_event: str | None
    # A failed Task has no state-level end event: it stays active (aborted with its branch).
    stays_active_on_failure: bool

    def prepare(
        self, scope: Scope, state: StateT_contra, value: Json, context: Context, chain: Chain
    ) -> PreparedT: ...

    async def attempt(
        self,
        scope: Scope,
        state: StateT_contra,
        prepared: PreparedT,
        value: Json,
        context: Context,
        chain: Chain,
    ) -> Outcome: ...


class Waiter(Protocol):
    """How a run waits (Wait states, retry back-off): on the clock, or not at all (TestState)."""

    async def wait(self, run: Run, seconds: float) -> None: ...


class RetryDecider(Protocol):
    """Whether a failed attempt is retried, and after how many seconds (None: not retried).
    ``attempts`` counts the retries each retrier has made and is updated in place."""

    def delay(
        self, retriers: tuple[Retrier, ...], failure: StatesError, attempts: list[int]
    ) -> float | None: ...
