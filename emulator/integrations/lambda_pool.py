"""The workers of local Lambda functions: one subprocess each, and the set kept per function."""

from __future__ import annotations

import asyncio
import contextlib
import os

from emulator.integrations.lambda_functions import FunctionConfig
from emulator.integrations.lambda_logs import LogTarget
from emulator.integrations.lambda_sandbox import HandlerCode

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class Worker:
    """One worker process, its output pump, and the code generation it was started for."""

    __slots__ = ("process", "generation", "target", "pump", "cold", "tail")

    def __init__(self, process: asyncio.subprocess.Process, generation: int, target: LogTarget) -> None:
        self.process = process
        self.generation = generation
        self.target = target
        self.pump: asyncio.Task[None] | None = None
        self.cold = True
        # The log lines of the invocation under way, when its caller asked for them (LogType Tail).
        self.tail: LogCapture | None = None

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def resident_mb(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/statm") as statm:
                return int(statm.read().split()[1]) * _PAGE_SIZE / (1024 * 1024)
        except (OSError, ValueError, IndexError):
            return 0.0


class FunctionWorkers:
    """The workers of one function in one account and region."""

    def __init__(
        self,
        name: str,
        account: str,
        region: str,
        config: FunctionConfig,
        code: HandlerCode,
        max_workers: int,
    ) -> None:
        self.name = name
        self.account = account
        self.region = region
        self.config = config
        self.code = code
        self.idle: list[Worker] = []
        self.slots = asyncio.Semaphore(max_workers)
        self.all: set[Worker] = set()
        self.generation = 0
        self.in_flight = 0  # invocations under way (reserved concurrency counts them)
        # Set while start-up warms this function's first worker.
        self.warming: asyncio.Future[None] | None = None
        # Source files the workers loaded from the function's folder: path -> (mtime_ns, size).
        self.files: dict[str, tuple[int, int]] = {}

    def code_changed(self) -> bool:
        for path, seen in self.files.items():
            try:
                stat = os.stat(path)
            except OSError:
                return True
            if (stat.st_mtime_ns, stat.st_size) != seen:
                return True
        return False


class LogCapture:
    """One invocation's log lines, complete once its ``REPORT`` line has been read."""

    __slots__ = ("lines", "report", "done")

    def __init__(self, request_id: str) -> None:
        self.lines: list[str] = []
        self.report = f"REPORT RequestId: {request_id}"
        self.done = asyncio.Event()

    def add(self, line: str) -> None:
        self.lines.append(line)
        if line.startswith(self.report):
            self.done.set()

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)
