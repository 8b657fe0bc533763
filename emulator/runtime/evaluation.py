"""Where a state's JSONata evaluations run, so that no evaluation can stall the server.

``await evaluations.run(step, *args)`` runs ``step`` (a data step of ``DataFlow``: it evaluates a
state's expressions) under a ``Budget`` (``language/evaluate/budget.py``):

1. On the event loop first, with a short slice (``slice_seconds``): nearly every evaluation ends
   well within it, at the cost of a function call (no thread hand-off on the hot path).
2. When the slice runs out (``SliceExhausted``), the step runs again from the start on a thread of
   its own, with the whole timeout. The loop answers other requests meanwhile (the thread gives the
   interpreter up every few milliseconds); at most ``threads`` such steps run at once. A step is
   pure but for the random numbers it draws ($random, $uuid) and the assignments it parks on the
   chain, which the second run sets again.
3. Past the timeout the budget ends the evaluation (``States.QueryEvaluationError``, D1012). A
   thread stuck where the budget is not checked (a long loop inside the library) is interrupted
   with an asynchronous exception a grace period later; if even that does not land (one C call),
   the state fails all the same and the thread is left to finish on its own.
4. When the execution is stopped (StopExecution, its TimeoutSeconds) while the step runs off the
   loop, the budget is cancelled and the waiting task ends at once.

The language layer knows none of this: it only reads the budget active on its thread.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Callable
from typing import Final, Generic, TypeVar

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.budget import (
    ACTIVE,
    Budget,
    BudgetExhausted,
    EvaluationCancelled,
    EvaluationInterrupted,
    SliceExhausted,
)
from emulator.runtime.clock import monotonic
from emulator.runtime.virtual_clock import holding

T = TypeVar("T")

DEFAULT_TIMEOUT_SECONDS: Final = 10.0
SLICE_SECONDS: Final = 0.02
GRACE_SECONDS: Final = 1.0


class Evaluations:
    """The evaluation policy of one engine: a timeout per step, the on-loop slice, the threads."""

    __slots__ = ("timeout", "slice_seconds", "timer", "threads", "clock", "_threads")

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        slice_seconds: float = SLICE_SECONDS,
        threads: int = 2,
        timer: Callable[[], float] = monotonic,
        clock: object = None,
    ) -> None:
        """``clock``: a virtual clock is held while a step runs on a thread (our own work: an
        ``auto`` clock does not jump to another execution's timer meanwhile)."""
        self.timeout = timeout
        self.slice_seconds = slice_seconds
        self.timer = timer
        self.threads = threads
        self.clock = clock
        self._threads: asyncio.Semaphore | None = None

    async def run(self, step: Callable[..., T], *args: object) -> T:
        budget = Budget(self.timeout, self.timer, self.slice_seconds)
        previous = ACTIVE.budget
        ACTIVE.budget = budget
        try:
            return step(*args)
        except SliceExhausted:
            pass
        finally:
            ACTIVE.budget = previous
        with holding(self.clock):
            return await self._off_the_loop(budget, step, args)

    async def _off_the_loop(self, budget: Budget, step: Callable[..., T], args: tuple[object, ...]) -> T:
        if self._threads is None:
            self._threads = asyncio.Semaphore(self.threads)
        async with self._threads:
            loop = asyncio.get_running_loop()
            done: asyncio.Future[T] = loop.create_future()
            worker = _Worker(budget, step, args, loop, done)
            budget.off_the_loop()
            thread = threading.Thread(target=worker.run, name="evaluation", daemon=True)
            thread.start()
            try:
                # asyncio.timeout, not wait_for (3.11's can drop a cancellation arriving as it ends)
                async with asyncio.timeout(self.timeout + GRACE_SECONDS):
                    return await asyncio.shield(done)
            except TimeoutError:
                # The budget was not checked in time: interrupt the thread where it is.
                worker.interrupt(BudgetExhausted)
                try:
                    async with asyncio.timeout(GRACE_SECONDS):
                        return await asyncio.shield(done)
                except TimeoutError:
                    raise _timed_out(budget) from None
            except asyncio.CancelledError:
                budget.cancel()
                worker.interrupt(EvaluationCancelled)
                raise


def _timed_out(budget: Budget) -> StatesError:
    return StatesError(
        ErrorName.QUERY_EVALUATION_ERROR,
        f"An expression threw an error during evaluation. D1012: Evaluation timeout after "
        f"{round(budget.timeout * 1000)} milliseconds. Check for infinite loop",
    )


class _Worker(Generic[T]):
    """One step on its own thread; its outcome is handed back to the loop's future."""

    __slots__ = ("budget", "step", "args", "loop", "done", "ident", "finished")

    def __init__(
        self,
        budget: Budget,
        step: Callable[..., T],
        args: tuple[object, ...],
        loop: asyncio.AbstractEventLoop,
        done: asyncio.Future[T],
    ) -> None:
        self.budget = budget
        self.step = step
        self.args = args
        self.loop = loop
        self.done = done
        self.ident: int | None = None
        self.finished = False

    def run(self) -> None:
        self.ident = threading.get_ident()
        ACTIVE.budget = self.budget
        outcome: tuple[bool, object]
        done: asyncio.Future[object] = self.done  # type: ignore[assignment]  # settled with a T or an error
        try:
            try:
                outcome = (True, self.step(*self.args))
            except BudgetExhausted:  # landed outside an expression (the async interruption)
                outcome = (False, _timed_out(self.budget))
            except EvaluationInterrupted as interrupted:
                outcome = (False, StatesError(ErrorName.QUERY_EVALUATION_ERROR, type(interrupted).__name__))
            except Exception as error:  # handed to the awaiting task, which raises it
                outcome = (False, error)
            finally:
                self.finished = True
                ACTIVE.budget = None
        except EvaluationInterrupted:  # an interruption landing after the step: nothing to report
            return
        self.loop.call_soon_threadsafe(_settle, done, outcome)

    def interrupt(self, kind: type[BaseException]) -> None:
        """Raise ``kind`` in the thread at its next bytecode (not inside a C call)."""
        if self.ident is not None and not self.finished:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.ident), ctypes.py_object(kind))


def _settle(done: asyncio.Future[object], outcome: tuple[bool, object]) -> None:
    if done.done():
        return
    succeeded, value = outcome
    if succeeded:
        done.set_result(value)
    else:
        assert isinstance(value, BaseException)
        done.set_exception(value)
