"""Local Python Lambda handlers, run in a pool of warm subprocess workers.

The functions are a ``LocalFunctions`` registry (emulator/integrations/lambda_functions.py), looked
up at each invoke, so functions added or replaced while the server runs take effect at once (a
replaced function's warm workers are retired). Each function has its own workers (started on first use, kept warm, at most ``max_workers`` at
once, one event at a time each). A handler that crashes its worker or outlives its timeout costs
that worker only: the caller gets the error document Lambda would return.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions

log = logging.getLogger("emulator.integrations.lambda_handlers")

WORKER_SCRIPT = str(Path(__file__).with_name("lambda_worker.py"))
DEFAULT_TIMEOUT_SECONDS = 900.0  # Lambda's maximum; a Task's TimeoutSeconds usually ends it first
_LINE_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LambdaReply:
    """A function's answer: the response body and whether it is a function error (``Unhandled``)."""

    body: str
    function_error: bool = False


class _Worker:
    __slots__ = ("process",)

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()


class _Function:
    def __init__(self, name: str, config: FunctionConfig, max_workers: int) -> None:
        self.name = name
        self.config = config
        self.target = config.handler
        self.idle: list[_Worker] = []
        self.slots = asyncio.Semaphore(max_workers)
        self.all: set[_Worker] = set()


class LocalHandlers:
    def __init__(
        self,
        functions: LocalFunctions | Mapping[str, str],
        max_workers: int = 4,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        python: str = sys.executable,
    ) -> None:
        if not isinstance(functions, LocalFunctions):
            functions = LocalFunctions.from_mapping(functions)
        self.functions = functions
        self._functions: dict[str, _Function] = {}
        self._replaced: list[_Function] = []
        self._max_workers = max_workers
        self._python = python
        self.timeout_seconds = timeout_seconds

    def find(self, name: str) -> str | None:
        """The handler target for a function name, or None when no local handler is mapped."""
        config = self.functions.find(name)
        return None if config is None else config.handler

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not None

    async def invoke(self, name: str, payload: str, request_id: str, function_arn: str) -> LambdaReply:
        config = self.functions.find(name)
        if config is None:
            raise KeyError(name)
        function = self._functions.get(name)
        if function is None or function.config is not config:
            if function is not None:  # replaced while running: its warm workers run the old code
                for worker in list(function.idle):
                    self._retire(function, worker)
                function.idle.clear()
                if function.all:  # busy ones end with the server (close)
                    self._replaced.append(function)
            function = self._functions[name] = _Function(name, config, self._max_workers)
        async with function.slots:
            worker = await self._take(function)
            request = {
                "requestId": request_id,
                "payload": payload,
                "functionArn": function_arn,
                "timeoutMs": int(self.timeout_seconds * 1000),
            }
            try:
                reply = await asyncio.wait_for(self._exchange(worker, request), self.timeout_seconds)
            except TimeoutError:
                self._retire(function, worker)
                return LambdaReply(
                    json.dumps(
                        {
                            "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
                            f"{self.timeout_seconds:.2f} seconds",
                            "errorType": "Sandbox.Timedout",
                        }
                    ),
                    True,
                )
            except BaseException:  # cancelled (task timeout, StopExecution): the event is abandoned
                self._retire(function, worker)
                raise
            if reply is None:
                self._retire(function, worker)
                code = worker.process.returncode
                return LambdaReply(
                    json.dumps(
                        {
                            "errorType": "Runtime.ExitError",
                            "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}",
                        }
                    ),
                    True,
                )
            function.idle.append(worker)
            return reply

    async def _take(self, function: _Function) -> _Worker:
        while function.idle:
            worker = function.idle.pop()
            if worker.alive:
                return worker
            function.all.discard(worker)
        process = await asyncio.create_subprocess_exec(
            self._python,
            WORKER_SCRIPT,
            function.target,
            function.name,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=_LINE_LIMIT,
        )
        worker = _Worker(process)
        function.all.add(worker)
        return worker

    @staticmethod
    async def _exchange(worker: _Worker, request: dict[str, object]) -> LambdaReply | None:
        process = worker.process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            line = b""
        else:
            line = await process.stdout.readline()
        if not line:
            await process.wait()
            return None
        reply = json.loads(line)
        return LambdaReply(reply["body"], bool(reply["error"]))

    @staticmethod
    def _retire(function: _Function, worker: _Worker) -> None:
        worker.kill()
        function.all.discard(worker)

    async def close(self) -> None:
        """Stop every worker (the app's shutdown)."""
        for function in [*self._functions.values(), *self._replaced]:
            for worker in list(function.all):
                if worker.process.stdin is not None and worker.alive:
                    worker.process.stdin.close()
                worker.kill()
                with contextlib.suppress(Exception):
                    await worker.process.wait()
            function.all.clear()
            function.idle.clear()
