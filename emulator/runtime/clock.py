"""The only module that reads the time or sleeps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    """Time source for the runtime. ``sleep`` honours the configured wait-time scale."""

    def now(self) -> float:
        """Epoch seconds."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time; ``wait_time_scale`` scales every sleep (0 = no waiting), as WAIT_TIME_SCALE
    does in Step Functions Local."""

    def __init__(self, wait_time_scale: float = 1.0) -> None:
        self.wait_time_scale = wait_time_scale

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        scaled = seconds * self.wait_time_scale
        if scaled > 0:
            await asyncio.sleep(scaled)
        else:
            await asyncio.sleep(0)


async def within(work: Awaitable[T], seconds: float, clock: Clock | None = None) -> T:
    """``work``'s result, or ``TimeoutError`` after ``seconds`` of ``clock`` time (``None``: real
    time). A virtual clock (``--clock virtual|auto``) times task deadlines and heartbeats too."""
    if clock is None:
        return await asyncio.wait_for(work, seconds)
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
