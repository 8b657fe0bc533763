"""The only module that reads the time or sleeps."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


def monotonic() -> float:
    """Seconds on the process's monotonic clock: how long work took (evaluation budgets), never
    what time an execution sees (that is ``Clock.now``, virtual or real)."""
    return time.perf_counter()


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
