"""Local Python Lambda handlers, run in a pool of warm subprocess workers that behave like Lambda.

The functions are a ``LocalFunctions`` registry (emulator/integrations/lambda_functions.py), looked
up at each invoke, so functions added or replaced while the server runs take effect at once (a
replaced function's warm workers are retired). Each function (in each account and region) has its
own workers: started on first use or at start-up (``start``, which also reports a handler that
cannot be imported), kept warm, at most ``max_workers`` at once, one event at a time each.

Lambda's limits are kept: the function's ``Timeout`` (``Sandbox.Timedout``), its ``MemorySize``
(resident memory checked while it runs and at its end: ``Runtime.OutOfMemory``), the 6 MB
response limit (enforced by the worker: ``Function.ResponseSizeTooLarge``). A handler that crashes
its worker, hangs or runs out of memory costs that worker only. Workers are restarted when a
source file they loaded from the function's folder changes (one ``stat`` per such file per
invoke), so an edited handler answers anew without restarting the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.integrations.clients import ServiceError
from emulator.integrations.lambda_functions import FunctionConfig, LocalFunctions
from emulator.integrations.lambda_logs import FunctionLogs, LogTarget
from emulator.integrations.lambda_pool import FunctionWorkers, LogCapture, Worker
from emulator.integrations.lambda_sandbox import (
    HandlerError,
    Sandbox,
    dependencies_hint,
    log_stream_name,
    on_amazon_linux_2023,
    resolve_code,
    worker_environment,
)

log = logging.getLogger("emulator.integrations.lambda_handlers")

WORKER_SCRIPT = str(Path(__file__).with_name("lambda_worker.py"))
DEFAULT_TIMEOUT_SECONDS = 900.0
MEMORY_CHECK_SECONDS = 0.1
INIT_LIMIT_SECONDS = 10.0  # Lambda's limit on a function's init phase
_FRAME_LIMIT = 8 * 1024 * 1024  # a frame's body: the worker caps responses at 6 MB
_LINE_LIMIT = 64 * 1024  # one output line (longer ones are split)
LOG_TAIL_WAIT_SECONDS = 2.0  # how long a reply waits for its REPORT line (LogType Tail)


@dataclass(frozen=True, slots=True)
class LambdaReply:
    """A function's answer: the response body and whether it is a function error (``Unhandled``)."""

    body: str
    function_error: bool = False
    # The invocation's log (START … REPORT lines and the function's output), when asked for.
    log: str | None = None


def _error(error_type: str, message: str) -> LambdaReply:
    """An error the Lambda platform reports itself (a timeout, the runtime exiting): compact JSON,
    ``errorType`` first, as Lambda writes it."""
    return LambdaReply(
        json.dumps({"errorType": error_type, "errorMessage": message}, separators=(",", ":")), True
    )


class LocalHandlers:
    def __init__(
        self,
        functions: LocalFunctions | Mapping[str, str],
        max_workers: int = 4,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        sandbox: Sandbox | None = None,
        logs: FunctionLogs | None = None,
    ) -> None:
        if not isinstance(functions, LocalFunctions):
            functions = LocalFunctions.from_mapping(functions)
        self.functions = functions
        self.sandbox = sandbox or Sandbox(timeout_seconds=timeout_seconds)
        self.logs = logs or FunctionLogs()
        self._functions: dict[tuple[str, str, str], FunctionWorkers] = {}
        self._retired: list[Worker] = []
        self._max_workers = max_workers
        self._events: set[asyncio.Task[LambdaReply]] = set()  # asynchronous invocations under way

    @property
    def timeout_seconds(self) -> float:
        return self.sandbox.timeout_seconds

    def find(self, name: str) -> str | None:
        """The handler target for a function name, or None when no local handler is mapped."""
        config = self.functions.find(name)
        return None if config is None else config.handler

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not None

    async def start(self) -> None:
        """Start one warm worker per declared function, and report (ERROR, naming the function and
        its file) each handler that cannot be loaded; runs in the background at start-up."""
        for config in self.functions.all():
            name = config.name.rstrip("*") or config.name
            try:
                function = self._function(name, config, self.sandbox.account, self.sandbox.region)
            except HandlerError as error:
                log.error("Lambda function %s: %s", config.name, error)
                continue
            # An invocation arriving meanwhile waits for this worker instead of starting another.
            warming: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            function.warming = warming
            try:
                worker, load_error = await self._spawn(function)
            except OSError as error:
                log.error("Lambda function %s: cannot start its worker: %s", config.name, error)
                continue
            finally:
                warming.set_result(None)
            if load_error is not None:
                report_load_error(function, load_error, config.name)
            if config.is_prefix:
                self._retire(function, worker)
            else:
                function.idle.append(worker)

    async def invoke(
        self,
        name: str,
        payload: str,
        request_id: str,
        function_arn: str,
        tail: bool = False,
        version: str = "$LATEST",
        client_context: str | None = None,
    ) -> LambdaReply:
        """Run the function on ``payload`` (Lambda refusing to: ``ServiceError``, which each
        integration reports in its own SDK's form); ``tail``: the reply carries the invocation's log (Invoke's
        ``LogType: Tail``); ``function_arn``: the ARN invoked (``context.invoked_function_arn``, with
        the caller's qualifier); ``version``: the version that runs (``context.function_version``);
        ``client_context``: Invoke's ``ClientContext`` (base64 JSON, ``context.client_context``)."""
        config = self.functions.find(name)
        if config is None:
            raise KeyError(name)
        parts = function_arn.split(":")
        account = parts[4] if len(parts) > 4 and parts[4] else self.sandbox.account
        region = parts[3] if len(parts) > 3 and parts[3] else self.sandbox.region
        try:
            function = self._function(name, config, account, region)
        except HandlerError as error:
            raise ServiceError(
                "lambda", "InvalidRuntimeException", str(error), 502, request_id, "InvalidRuntimeException"
            ) from None
        reserved = config.reserved_concurrency
        if reserved is not None and function.in_flight >= reserved:
            # Lambda refuses an invocation past the function's reserved concurrency.
            raise ServiceError(
                "lambda",
                "TooManyRequestsException",
                "Rate Exceeded.",
                429,
                request_id,
                "TooManyRequestsException",
            )
        function.in_flight += 1
        try:
            return await self._invoke(
                function, config, payload, request_id, function_arn, tail, version, client_context
            )
        except OSError as error:  # the worker could not be started: Lambda's own failure
            log.error("Lambda function %s: cannot start its worker: %s", name, error)
            raise ServiceError(
                "lambda",
                "ServiceException",
                f"Lambda could not start the function's runtime: {error}",
                500,
                request_id,
                "ServiceException",
            ) from None
        finally:
            function.in_flight -= 1

    async def _invoke(
        self,
        function: FunctionWorkers,
        config: FunctionConfig,
        payload: str,
        request_id: str,
        function_arn: str,
        tail: bool,
        version: str,
        client_context: str | None,
    ) -> LambdaReply:
        if function.code_changed():
            self._restart(function)
        timeout = config.timeout_seconds or self.sandbox.timeout_seconds
        memory = config.memory_size_mb or self.sandbox.memory_mb
        async with function.slots:
            try:
                # Lambda's init phase has its own limit (10 s); past it, the init is retried within
                # the invocation, under the function's Timeout. asyncio.timeout, not wait_for: on
                # Python 3.11 wait_for returns its result when a cancellation (the task's TimeoutSeconds,
                # StopExecution) arrives as the worker becomes ready, and the cancelled call would run on.
                async with asyncio.timeout(INIT_LIMIT_SECONDS + timeout):
                    worker = await self._take(function)
            except TimeoutError:
                return _timeout_error(config, request_id, timeout)
            request = {
                "requestId": request_id,
                "payload": payload,
                "functionArn": function_arn,
                "timeoutMs": int(timeout * 1000),
                "version": version,
                "clientContext": client_context,
            }
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            capture = worker.tail = LogCapture(request_id) if tail else None
            exchange = asyncio.ensure_future(self._exchange(function, worker, request))
            try:
                while True:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        exchange.cancel()
                        return self._timed_out(function, worker, request_id, timeout)
                    done, _ = await asyncio.wait({exchange}, timeout=min(remaining, MEMORY_CHECK_SECONDS))
                    if done:
                        reply, peak_mb = exchange.result()
                        break
                    if worker.resident_mb() > memory:
                        exchange.cancel()
                        self._retire(function, worker)
                        return _out_of_memory(request_id)
            except BaseException:  # cancelled (task timeout, StopExecution): the event is abandoned
                exchange.cancel()
                self._retire(function, worker)
                raise
            if reply is None:
                self._retire(function, worker)
                code = worker.process.returncode
                return _error(
                    "Runtime.ExitError",
                    f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}",
                )
            if peak_mb > memory:  # it passed MemorySize between two checks: Lambda would have ended it
                self._retire(function, worker)
                return _out_of_memory(request_id)
            if capture is not None:
                # The REPORT line was written before the reply, on another pipe: read up to it.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(LOG_TAIL_WAIT_SECONDS):
                        await capture.done.wait()
                worker.tail = None
                reply = dataclasses.replace(reply, log=capture.text())
            if worker.generation != function.generation:
                self._retire(function, worker)
            else:
                function.idle.append(worker)
            return reply

    def invoke_event(self, name: str, payload: str, request_id: str, function_arn: str) -> None:
        """An asynchronous invocation (Invoke's ``InvocationType: Event``): accepted at once, the
        function runs in the background and its answer is dropped (its errors are in its log)."""
        if self.functions.find(name) is None:
            raise KeyError(name)
        task = asyncio.get_running_loop().create_task(self.invoke(name, payload, request_id, function_arn))
        self._events.add(task)
        task.add_done_callback(self._event_done)

    def _event_done(self, task: asyncio.Task[LambdaReply]) -> None:
        self._events.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("asynchronous invocation failed: %s", task.exception())

    def _function(self, name: str, config: FunctionConfig, account: str, region: str) -> FunctionWorkers:
        key = (name, account, region)
        function = self._functions.get(key)
        if function is None or function.config is not config:
            if function is not None:  # replaced while running: its warm workers run the old code
                self._restart(function)
            code = resolve_code(config)
            function = self._functions[key] = FunctionWorkers(
                name, account, region, config, code, self._max_workers
            )
        return function

    def _restart(self, function: FunctionWorkers) -> None:
        """Retire the idle workers now and the busy ones when they finish."""
        function.generation += 1
        function.files.clear()
        for worker in function.idle:
            self._retire(function, worker)
        function.idle.clear()

    async def _take(self, function: FunctionWorkers) -> Worker:
        """A warm worker, or a new one once its handler is loaded."""
        warming = function.warming
        if warming is not None and not warming.done() and not function.idle:
            await asyncio.shield(warming)
        while function.idle:
            worker = function.idle.pop()
            if worker.alive:
                return worker
            function.all.discard(worker)
        worker, load_error = await self._spawn(function)
        if load_error is not None:
            report_load_error(function, load_error, function.name)
        return worker

    async def _exchange(
        self, function: FunctionWorkers, worker: Worker, request: dict[str, Any]
    ) -> tuple[LambdaReply | None, int]:
        """Send one event; its reply (None when the worker ended) and the worker's peak memory."""
        process = worker.process
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n")
            await process.stdin.drain()
            frame = await self._frame(function, worker)
        except (BrokenPipeError, ConnectionResetError):
            frame = None
        if frame is None:
            await process.wait()
            return None, 0
        header, body = frame
        return LambdaReply(body.decode("utf-8", "replace"), bool(header.get("error"))), header["maxRssMb"]

    async def _spawn(self, function: FunctionWorkers) -> tuple[Worker, str | None]:
        """A new worker, once its handler is loaded; with the load error's message, if any."""
        account, region = function.account, function.region
        target = LogTarget(function.name, account, region, log_stream_name())
        spec = {
            "module": function.code.module,
            "function": function.code.function,
            "taskRoot": function.code.task_root,
            "paths": list(function.code.paths),
            "parent": os.getpid(),
            "traceRoot": "/var/task" if self.sandbox.lambda_paths else None,
            "escapeNonAscii": not on_amazon_linux_2023(function.config.runtime),
        }
        env = worker_environment(
            self.sandbox, function.config, function.code, function.name, account, region, target.stream
        )
        process = await asyncio.create_subprocess_exec(
            self.sandbox.python,
            "-P",
            WORKER_SCRIPT,
            json.dumps(spec),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=function.code.task_root,
            env=env,
            limit=_FRAME_LIMIT,
        )
        worker = Worker(process, function.generation, target)
        worker.pump = asyncio.get_running_loop().create_task(self._pump(worker))
        function.all.add(worker)
        try:
            frame = await self._frame(function, worker)
        except BaseException:  # the init limit passed, or the invocation was cancelled
            self._retire(function, worker)
            raise
        if frame is None:
            return worker, "the worker exited while loading the handler"
        header, body = frame
        if header.get("error"):
            document = json.loads(body)
            return worker, f"{document.get('errorType')}: {document.get('errorMessage')}"
        return worker, None

    @staticmethod
    async def _frame(function: FunctionWorkers, worker: Worker) -> tuple[dict[str, Any], bytes] | None:
        """One frame from the worker (None when it ended, or broke the protocol)."""
        stdout = worker.process.stdout
        assert stdout is not None
        try:
            line = await stdout.readline()
            if not line:
                return None
            header = json.loads(line)
            size = int(header["size"])
            if size > _FRAME_LIMIT:
                raise ValueError(f"frame of {size} bytes")
            body = await stdout.readexactly(size)
        except (ValueError, KeyError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            worker.kill()
            return None
        if worker.generation == function.generation:  # a retired worker's view of the files is stale
            for path, (mtime, size) in (header.get("files") or {}).items():
                function.files.setdefault(path, (mtime, size))
        return header, body

    async def _pump(self, worker: Worker) -> None:
        """Hand each line the worker writes to stderr to the function's logs."""
        stream = worker.process.stderr
        assert stream is not None
        pending = b""
        while True:
            chunk = await stream.read(_LINE_LIMIT)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if len(pending) >= _LINE_LIMIT:
                lines.append(pending)
                pending = b""
            for line in lines:
                text = line.decode("utf-8", "replace").rstrip("\r")
                self.logs.line(worker.target, text)
                if worker.tail is not None:
                    worker.tail.add(text)
        if pending:
            self.logs.line(worker.target, pending.decode("utf-8", "replace"))

    def _timed_out(
        self, function: FunctionWorkers, worker: Worker, request_id: str, timeout: float
    ) -> LambdaReply:
        self._retire(function, worker)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        for text in (
            f"{stamp}Z {request_id} Task timed out after {timeout:.2f} seconds",
            f"END RequestId: {request_id}",
            f"REPORT RequestId: {request_id}\tDuration: {timeout * 1000:.2f} ms\t"
            f"Billed Duration: {int(timeout * 1000)} ms\tStatus: timeout",
        ):
            self.logs.line(worker.target, text)
        return _timeout_error(function.config, request_id, timeout)

    def _retire(self, function: FunctionWorkers, worker: Worker) -> None:
        worker.kill()
        function.all.discard(worker)
        self._retired.append(worker)
        self._retired = [old for old in self._retired if old.alive or (old.pump and not old.pump.done())]

    async def close(self) -> None:
        """Stop every worker (the app's shutdown)."""
        for task in list(self._events):
            task.cancel()
        workers = [*self._retired, *(w for function in self._functions.values() for w in function.all)]
        for worker in workers:
            if worker.process.stdin is not None and worker.alive:
                worker.process.stdin.close()
            worker.kill()
        for worker in workers:
            with contextlib.suppress(Exception):
                await worker.process.wait()
            if worker.pump is not None:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(1):
                        await worker.pump
        for function in self._functions.values():
            function.all.clear()
            function.idle.clear()
        await self.logs.flush()


def _timeout_error(config: FunctionConfig, request_id: str, timeout: float) -> LambdaReply:
    """A function that ran past its Timeout. Amazon Linux 2023 runtimes: ``Sandbox.Timedout``;
    Amazon Linux 2 runtimes: the message alone (Step Functions: ``Lambda.Unknown``, "Unhandled errors
    in Lambda are reported as Lambda.Unknown … These include out-of-memory errors and function
    timeouts", https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html)."""
    if on_amazon_linux_2023(config.runtime):
        return _error(
            "Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        )
    now = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
    message = f"{stamp} {request_id} Task timed out after {timeout:.2f} seconds"
    return LambdaReply(json.dumps({"errorMessage": message}, separators=(",", ":")), True)


def _out_of_memory(request_id: str) -> LambdaReply:
    return _error(
        "Runtime.OutOfMemory", f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"
    )


def report_load_error(function: FunctionWorkers, message: str, name: str) -> None:
    log.error(
        "Lambda function %s: %s (handler %s, file %s)%s",
        name,
        message,
        function.config.handler,
        function.code.source_file,
        dependencies_hint(function.code, message),
    )
