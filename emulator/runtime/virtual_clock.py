"""Virtual time for tests (``--clock virtual`` / ``--clock auto``): Temporal-style time skipping.

Every timer of an execution — Wait states, Retry intervals, task ``TimeoutSeconds`` /
``HeartbeatSeconds``, the execution's own ``TimeoutSeconds`` — is a ``sleep`` on this clock, and
every timestamp (history events, ``$$.State.EnteredTime``, start and stop dates) is its ``now``.
Time moves only when told to:

* ``virtual``: ``advance(seconds)`` / ``set(epoch)`` (``POST /_emulator/clock``, ``sfn_clock``)
  fire the timers due on the way, one deadline at a time, letting the woken executions run (and
  set new timers) before the next deadline, so a history reads exactly as if the time had passed.
* ``auto``: additionally, whenever nothing is running and no task is out with a service, a Lambda
  function or a worker, the clock jumps to the next timer (a 1-year Wait ends in milliseconds).
  A task waiting for a task token or an activity worker holds the clock: the test is expected to
  answer it (advance explicitly to reach its ``HeartbeatSeconds``).

"Nothing is running" is observed, not declared: every read of ``now`` (each recorded event, each
state entered) counts as activity, and the clock is idle after ``QUIET_STEPS`` event-loop steps
without any. Work off the loop is declared by the runtime with ``holding(clock)`` (a service call, an
ItemReader / ResultWriter call, an evaluation on a thread) and ``parking(clock)`` (held work now
waiting on the outside world: a task token, an activity worker). A nested execution's parent does
not hold: its child declares its own work (see ``task.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import math
import time
from collections.abc import Awaitable, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

# The clock whose ``holding`` encloses the running code (a task started inside inherits it).
_HELD: contextvars.ContextVar[VirtualClock | None] = contextvars.ContextVar("held", default=None)

# 9999-12-31T23:59:59Z: timestamps past it cannot be written in ISO 8601 (nor by AWS).
LATEST_EPOCH = 253402300799.0
# Event-loop steps without any clock activity after which the executions are taken as settled.
QUIET_STEPS = 8
# How long (real seconds) ``advance`` lets work that is out with a service finish before moving on.
SETTLE_LIMIT_SECONDS = 2.0


class VirtualClock:
    """A clock whose time moves only by ``advance`` / ``set`` (and, when ``auto``, by itself when
    every execution waits on a timer). Single event loop: every method runs on that loop."""

    def __init__(self, start: float | None = None, auto: bool = False) -> None:
        self.auto = auto
        self._now = _wall_milliseconds() if start is None else float(start)
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        # schedules' timers: fired when the time passes them, never what an auto clock jumps to
        self._background: list[tuple[float, int, asyncio.Future[bool]]] = []
        self._order = itertools.count()
        self._activity = 0  # bumped by every read and change: the idle detector's signal
        self._busy = 0  # work out with a service, a function, a worker
        self._parked = 0  # of which waiting on the outside world (task tokens, activity workers)
        self._wake: asyncio.Event | None = None
        self._driver: asyncio.Task[None] | None = None

    @property
    def mode(self) -> str:
        return "auto" if self.auto else "virtual"

    # --- the Clock protocol -------------------------------------------------------------------

    def now(self) -> float:
        self._activity += 1
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            self._activity += 1
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self._now + seconds, next(self._order), future))
        self._changed()
        try:
            await future
        finally:
            if not future.done():
                future.cancel()  # dropped from the heap when it reaches the top
            self._changed()

    async def sleep_in_background(self, seconds: float) -> bool:
        """Wait ``seconds`` of virtual time without moving an ``auto`` clock there (a schedule's
        timer: an idle emulator does not jump to its next firing). True once the time has come;
        False if the clock was ``reset`` first (the waiter then computes its time again)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._background, (self._now + max(seconds, 0.0), next(self._order), future))
        try:
            return await future
        finally:
            if not future.done():
                future.cancel()

    # --- what the runtime declares ------------------------------------------------------------

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        self._busy += 1
        mark = _HELD.set(self)  # (tasks started inside inherit it: their parked waits count)
        try:
            yield
        finally:
            _HELD.reset(mark)
            self._busy -= 1
            self._changed()

    @contextlib.contextmanager
    def parking(self) -> Iterator[None]:
        """Held work now waits on the outside world. A wait no hold encloses (the parent of a
        nested execution waiting for its token: the child declares its own work) changes nothing,
        so it cannot offset another execution's hold."""
        if _HELD.get() is not self:
            yield
            return
        self._parked += 1
        try:
            yield
        finally:
            self._parked -= 1
            self._changed()

    # --- control (POST /_emulator/clock) -------------------------------------------------------

    def set_auto(self, auto: bool) -> None:
        self.auto = auto
        if auto:
            self._changed()

    def pending(self) -> list[float]:
        """Deadlines of the timers waiting, earliest first."""
        return sorted(deadline for deadline, _, future in self._timers if not future.done())

    async def advance(self, seconds: float) -> None:
        if not seconds >= 0:  # NaN too
            raise ValueError("the clock cannot move backwards")
        await self.set(self._now + seconds)

    async def set(self, epoch: float) -> None:
        """Move to ``epoch`` (not before now), firing the timers due on the way in deadline order."""
        if not math.isfinite(epoch) or epoch > LATEST_EPOCH:
            raise ValueError("the clock cannot go past the year 9999")
        if epoch < self._now:
            raise ValueError("the clock cannot move backwards")
        while True:
            await self._settle(wait_for_work=True)
            deadline = _earliest(self._next_deadline(), self._next_background())
            if deadline is None or deadline > epoch:
                break
            self._fire(deadline)
        self._now = epoch
        self._activity += 1
        await self._settle(wait_for_work=True)

    def reset(self, start: float | None = None) -> None:
        """Forget every timer (their sleepers are cancelled) and start again at ``start`` (now)."""
        for _, _, future in self._timers:
            future.cancel()
        self._timers.clear()  # (work still out keeps its holds: they end with it)
        for _, _, waiter in self._background:
            if not waiter.done():
                waiter.set_result(False)
        self._background.clear()
        self._now = _wall_milliseconds() if start is None else float(start)
        self._activity += 1

    async def close(self) -> None:
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._driver
            self._driver = None

    # --- inside ---------------------------------------------------------------------------------

    def _next_deadline(self) -> float | None:
        timers = self._timers
        while timers and timers[0][2].done():
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def _next_background(self) -> float | None:
        timers = self._background
        while timers and timers[0][2].done():
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def _fire(self, deadline: float) -> None:
        """Time is ``deadline``: wake every sleeper due by then."""
        self._now = max(self._now, deadline)
        self._activity += 1
        timers = self._timers
        while timers and timers[0][0] <= self._now:
            _, _, future = heapq.heappop(timers)
            if not future.done():
                future.set_result(None)
        background = self._background
        while background and background[0][0] <= self._now:
            _, _, waiter = heapq.heappop(background)
            if not waiter.done():
                waiter.set_result(True)

    async def _settle(self, wait_for_work: bool) -> None:
        """Let the executions run until nothing reads the clock for ``QUIET_STEPS`` loop steps and
        (``wait_for_work``) nothing but parked waits is out, within ``SETTLE_LIMIT_SECONDS``."""
        started = time.monotonic()
        while True:
            seen = self._activity
            for _ in range(QUIET_STEPS):
                await asyncio.sleep(0)
                if self._activity != seen:
                    break
            else:
                working = self._busy > self._parked
                if not (wait_for_work and working):
                    return
                if time.monotonic() - started > SETTLE_LIMIT_SECONDS:
                    return
                await asyncio.sleep(0.001)  # a service call runs on another thread: give it time

    def _changed(self) -> None:
        self._activity += 1
        if not self.auto:
            return
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._driver is None or self._driver.done():
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on the loop yet: the first timer starts the driver
                return
            self._driver = loop.create_task(self._drive())

    async def _drive(self) -> None:
        """``auto``: jump to the next timer whenever every execution waits on one."""
        wake = self._wake
        assert wake is not None
        while True:
            await wake.wait()
            wake.clear()
            while self.auto:
                await self._settle(wait_for_work=False)
                if self._busy:  # out with a service or the outside world: its answer moves us on
                    break
                deadline = self._next_deadline()
                if deadline is None:
                    break
                self._fire(deadline)


def _earliest(first: float | None, second: float | None) -> float | None:
    if first is None or second is None:
        return second if first is None else first
    return min(first, second)


def _wall_milliseconds() -> float:
    """Now, to the millisecond (AWS's timestamps have milliseconds: histories then read exactly)."""
    return round(time.time(), 3)


def is_virtual(clock: object) -> bool:
    return isinstance(clock, VirtualClock)


def holding(clock: object) -> contextlib.AbstractContextManager[None]:
    """Declare work out with a service (a virtual clock does not skip time meanwhile)."""
    return clock.holding() if isinstance(clock, VirtualClock) else contextlib.nullcontext()


def parking(clock: object) -> contextlib.AbstractContextManager[None]:
    """Declare a wait on the outside world (``advance`` does not wait for it to end)."""
    return clock.parking() if isinstance(clock, VirtualClock) else contextlib.nullcontext()


def held(clock: object, work: Coroutine[Any, Any, T]) -> Coroutine[Any, Any, T]:
    """``work``, awaited while holding a virtual ``clock`` (see ``holding``); as it is otherwise."""
    if not isinstance(clock, VirtualClock):
        return work

    async def holding_while() -> T:
        with clock.holding():
            return await work

    return holding_while()


async def within(work: Awaitable[T], seconds: float, clock: object = None) -> T:
    """``work``'s result, or ``TimeoutError`` after ``seconds``: of virtual time on a virtual clock
    (task deadlines follow ``--clock virtual|auto``), else of real time."""
    if not isinstance(clock, VirtualClock):
        # asyncio.timeout, not wait_for: 3.11's wait_for can return the result of work that ends as
        # the caller is cancelled (StopExecution) and drop the cancellation.
        async with asyncio.timeout(seconds):
            return await work
    task = asyncio.ensure_future(work)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait([task, timer], return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        timer.cancel()
    if task.done():
        return task.result()
    task.cancel()
    await asyncio.wait([task])  # let it unwind (its outcome is the timeout)
    raise TimeoutError()
