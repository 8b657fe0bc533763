"""What one evaluation may spend: time (checked every few JSONata steps) and size (checked before a
string or array is allocated).

A definition is code the server runs: ``( $f := function($x){ $f($x+1) }; $f(0) )`` loops for ever,
``$pad('', 1e9)`` asks for a gigabyte. Every JSONata evaluation runs under the ``Budget`` active on
its thread (``ACTIVE``): the evaluator calls ``Budget.tick`` for each node it evaluates, and
every ``CHECK_EVERY`` ticks the budget reads its timer. The runtime decides where an evaluation
runs (``emulator/runtime/evaluation.py``): first on the event loop with a short *slice*
(``SliceExhausted`` tells it to run the step again off the loop), then, off the loop, with the
whole timeout (``BudgetExhausted``: the state fails with ``States.QueryEvaluationError`` and a
D1012 "evaluation timeout" cause). ``cancel`` (StopExecution, the execution's timeout) ends an
evaluation at its next check.

Both interruptions derive from ``BaseException`` so that no ``except Exception`` on the way (the
JSONata library has several) swallows them.

Sizes: AWS limits every payload (state input and output, a task's parameters) to 256 KiB
(https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html: "Maximum input or output
size for a task, activity, or workflow execution: 256 KiB"). A value past that can never leave the
state, so building it is refused as soon as its size is known, before it is allocated:
``States.DataLimitExceeded``.

The timer is the process's monotonic clock by default (this budget protects the server's CPU, so it
is real time even when the execution's clock is virtual); tests inject their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Final

PAYLOAD_LIMIT_BYTES: Final = 256 * 1024
"""AWS's limit on a state's input or output (and so on any value a state can produce)."""

MAX_ARRAY_ITEMS: Final = PAYLOAD_LIMIT_BYTES // 2
"""The most items an array can hold and still fit in a payload (``[0,0,…]``: two bytes an item)."""

DEFAULT_TIMEOUT_SECONDS: Final = 10.0
CHECK_EVERY: Final = 64
"""Ticks between two reads of the timer (a tick is a few microseconds of evaluation)."""


class EvaluationInterrupted(BaseException):  # noqa: N818 - an interruption, not an error
    """An evaluation stopped by its budget (BaseException: nothing on the way may swallow it)."""


class SliceExhausted(EvaluationInterrupted):
    """The on-loop slice is used up: the runtime runs the step again off the event loop."""


class BudgetExhausted(EvaluationInterrupted):
    """The evaluation ran past its timeout."""

    def __init__(self, timeout_seconds: float) -> None:
        super().__init__(timeout_seconds)
        self.timeout_seconds = timeout_seconds

    @property
    def milliseconds(self) -> int:
        return round(self.timeout_seconds * 1000)


class EvaluationCancelled(EvaluationInterrupted):
    """The execution stopped (StopExecution, its own timeout) while this evaluation ran."""


class DataLimitReached(EvaluationInterrupted):
    """A value would exceed the payload limit (the evaluator fails the state with
    ``States.DataLimitExceeded`` and this message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Budget:
    """The time one step's evaluations may take. ``slice_seconds``: on the event loop, how long
    before ``SliceExhausted`` (None: off the loop, only the timeout counts)."""

    __slots__ = ("timeout", "deadline", "slice_end", "cancelled", "countdown", "timer", "on_loop")

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        timer: Callable[[], float] = time.perf_counter,
        slice_seconds: float | None = None,
    ) -> None:
        self.timer = timer
        self.timeout = timeout
        self.cancelled = False
        self.countdown = CHECK_EVERY
        now = timer()
        self.deadline = now + timeout
        self.slice_end = None if slice_seconds is None else now + slice_seconds
        self.on_loop = slice_seconds is not None

    def tick(self) -> None:
        self.countdown -= 1
        if self.countdown <= 0:
            self.check()

    def check(self) -> None:
        self.countdown = CHECK_EVERY
        if self.cancelled:
            raise EvaluationCancelled()
        now = self.timer()
        if self.slice_end is not None and now >= self.slice_end:
            raise SliceExhausted()
        if now >= self.deadline:
            raise BudgetExhausted(self.timeout)

    def off_the_loop(self) -> None:
        """The step now runs where it may take its whole timeout (counted from now)."""
        self.slice_end = None
        self.on_loop = False
        self.countdown = CHECK_EVERY
        self.deadline = self.timer() + self.timeout

    def cancel(self) -> None:
        self.cancelled = True


class _Active(threading.local):
    budget: Budget | None = None


ACTIVE: Final = _Active()
"""The budget of the evaluation running on this thread (set by the runtime around a step)."""


def data_limit_exceeded(what: str) -> DataLimitReached:
    return DataLimitReached(f"{what} would exceed the maximum payload size of {PAYLOAD_LIMIT_BYTES} bytes.")


def check_string_length(length: int, what: str = "The string") -> None:
    """Refuse a string of ``length`` characters before it is built (each is at least one byte)."""
    if length > PAYLOAD_LIMIT_BYTES:
        raise data_limit_exceeded(f"{what} of {length} characters")


def check_array_length(length: int, what: str = "The array") -> None:
    if length > MAX_ARRAY_ITEMS:
        raise data_limit_exceeded(f"{what} of {length} items")


def exceeds_payload(value: Any, limit: int = PAYLOAD_LIMIT_BYTES) -> bool:
    """Whether ``value`` written as JSON would take more than ``limit`` bytes, found without writing
    it: a walk that stops as soon as the count passes ``limit`` (so it costs at most ``limit`` steps,
    however many times a shared value is referenced)."""
    remaining = limit
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            remaining -= len(item) + 2
        elif isinstance(item, dict):
            remaining -= 2 + len(item)
            if remaining < 0:
                return True
            for key, member in item.items():
                remaining -= len(key) + 3 if isinstance(key, str) else 3
                stack.append(member)
        elif isinstance(item, list | tuple):
            remaining -= 2 + len(item)
            if remaining < 0:
                return True
            stack.extend(item)
        else:
            remaining -= 1
        if remaining < 0:
            return True
    return False
