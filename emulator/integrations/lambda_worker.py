"""A warm Lambda worker: runs ONE local Python handler, one event at a time, the way Lambda's
Python runtime does.

    python -P lambda_worker.py '<spec as JSON>'

It is started with ``-P`` so that its own folder (emulator/integrations, which holds an ``http.py``)
is never on the import path: the handler sees the import path of a real Lambda, its own folder
first (``taskRoot``), then its dependencies (``paths``), then the interpreter's own. Only the
standard library is used here: the worker never imports the emulator.

Protocol. The parent writes one JSON line per event to stdin (``{"requestId", "payload",
"functionArn", "timeoutMs"}``). The worker answers on the protocol pipe (the original stdout) with
a frame: a JSON header line (``{"error": bool, "size": n, "files": {path: [mtime_ns, size]},
"maxRssMb": m}``) then exactly ``n`` bytes of body. The first frame, sent once the handler is
loaded, is ``{"ready": true, "error": bool, ...}`` with the load error document as its body.
Everything the handler prints or logs goes to stderr (the parent labels each line with the function
name and delivers it to CloudWatch Logs), as do Lambda's ``START`` / ``END`` / ``REPORT`` lines.

The worker ends when its stdin closes, when its parent dies (``PR_SET_PDEATHSIG`` on Linux, and a
thread that notices the parent process changing), never outliving the emulator.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import resource
import sys
import threading
import time
import traceback
from typing import Any

# Lambda's synchronous response limit, and the error it reports past it.
RESPONSE_LIMIT_BYTES = 6_291_556
PARENT_CHECK_SECONDS = 0.5


class LambdaContext:
    """The attributes and method of Lambda's Python context object."""

    def __init__(self, arn: str, request_id: str, deadline: float) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class _RequestId(logging.Filter):
    """Adds the current request id to every record, as Lambda's log format shows it."""

    current = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _RequestId.current
        return True


def die_with_parent(parent: int) -> None:
    """Linux: the kernel kills us when the parent dies (even by kill -9). Everywhere: a thread
    notices the parent changing (reparented to init) and ends the process."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # died before the signal was armed
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def configure_logging() -> None:
    """The root logger at Lambda's level (INFO unless AWS_LAMBDA_LOG_LEVEL) in Lambda's text format."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestId())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper())
    # botocore says at INFO where AWS_ENDPOINT_URL sent it: an artefact of running locally.
    logging.getLogger("botocore.configprovider").setLevel(logging.WARNING)


def load_handler(module_name: str, function: str) -> Any:
    """The handler, or raises ``LoadError`` with Lambda's error document."""
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as error:
        raise LoadError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}", error
        ) from None
    except ImportError as error:
        raise LoadError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}", error
        ) from None
    except Exception as error:  # noqa: BLE001 - an init error, reported as Lambda does
        raise LoadError(type(error).__name__, str(error), error) from None
    handler = getattr(module, function, None)
    if handler is None:
        raise LoadError("Runtime.HandlerNotFound", f"Handler '{function}' missing on module '{module_name}'")
    return handler


class LoadError(Exception):
    def __init__(self, error_type: str, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.cause = cause


# (task root, what to show instead) when error documents use Lambda's paths (``/var/task/…``).
TRACE_ROOT: tuple[str, str] | None = None


def stack_trace(error: BaseException, trace_root: tuple[str, str] | None = None) -> list[str]:
    """The handler's frames (the worker's own dropped), with the real paths of the user's files
    unless ``trace_root`` maps the function's folder to another name."""
    if error.__traceback__ is None:
        return []
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename != __file__]
    if trace_root is not None:
        root, shown = trace_root
        for frame in frames:
            if frame.filename.startswith(root + os.sep):
                frame.filename = shown + frame.filename[len(root) :]
    return traceback.format_list(frames)


def error_document(error_type: str, message: str, request_id: str, error: BaseException | None) -> bytes:
    """Lambda's error document."""
    frames = stack_trace(error, TRACE_ROOT) if error is not None else []
    document = {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": frames,
    }
    return json.dumps(document).encode()


class Worker:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.roots = [spec["taskRoot"]]
        self.protocol = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)  # prints and logs go to stderr, never into the protocol
        sys.stdout = sys.stderr
        self.reported: set[str] = set()
        self.module_count = 0
        self.memory_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))

    def send(self, header: dict[str, Any], body: bytes) -> None:
        header["size"] = len(body)
        header["files"] = self.new_files()
        header.setdefault("maxRssMb", max_rss_mb())
        self.protocol.write(json.dumps(header).encode() + b"\n" + body)
        self.protocol.flush()

    def new_files(self) -> dict[str, list[int]]:
        """Source files of the function's folder loaded since the last frame (the parent restarts
        the worker when one of them changes)."""
        if len(sys.modules) == self.module_count:
            return {}
        self.module_count = len(sys.modules)
        found: dict[str, list[int]] = {}
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if not path or path in self.reported:
                continue
            # Installed packages (a .venv inside the folder) are not the function's own code.
            installed = f"{os.sep}site-packages{os.sep}" in path
            if not installed and any(path.startswith(root + os.sep) for root in self.roots):
                self.reported.add(path)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = [stat.st_mtime_ns, stat.st_size]
        return found

    def run(self, module_name: str, function: str) -> int:
        started = time.monotonic()
        try:
            handler = load_handler(module_name, function)
        except LoadError as error:
            print(f"[ERROR] {error.error_type}: {error.message}", file=sys.stderr, flush=True)
            root = os.environ.get("LAMBDA_TASK_ROOT", "")
            if isinstance(error.cause, ModuleNotFoundError) and os.path.isfile(f"{root}/requirements.txt"):
                print(  # the emulator installs nothing: say how (its log says it too)
                    f"[ERROR] {root}/requirements.txt is not installed here: "
                    f"pip install -r {root}/requirements.txt -t {root} (or into a .venv folder there)",
                    file=sys.stderr,
                    flush=True,
                )
            self.send(
                {"ready": True, "error": True},
                error_document(error.error_type, error.message, "", error.cause),
            )
            return self.serve_load_error(error)
        init_ms: float | None = (time.monotonic() - started) * 1000
        self.limit_memory()
        self.send({"ready": True, "error": False, "initMs": init_ms}, b"")
        for line in sys.stdin.buffer:
            request = json.loads(line)
            self.invoke(handler, request, init_ms)
            init_ms = None
        return 0

    def serve_load_error(self, error: LoadError) -> int:
        """Every event meets the load error, as on Lambda."""
        for line in sys.stdin.buffer:
            request_id = json.loads(line)["requestId"]
            self.send({"error": True}, error_document(error.error_type, error.message, request_id, None))
        return 0

    def invoke(self, handler: Any, request: dict[str, Any], init_ms: float | None) -> None:
        request_id = request["requestId"]
        _RequestId.current = request_id
        version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        sys.stderr.write(f"START RequestId: {request_id} Version: {version}\n")
        sys.stderr.flush()
        started = time.monotonic()
        deadline = started + request.get("timeoutMs", 900_000) / 1000
        context = LambdaContext(request.get("functionArn", ""), request_id, deadline)
        error = False
        try:
            event = json.loads(request["payload"]) if request["payload"] else {}
            result = handler(event, context)
            body = bytes(result) if isinstance(result, bytes | bytearray) else marshal(result)
        except MarshalError as exception:
            error = True
            body = error_document("Runtime.MarshalError", str(exception), request_id, None)
            sys.stderr.write(f"[ERROR] Runtime.MarshalError: {exception}\n")
        except Exception as exception:  # noqa: BLE001 - a function error, reported as Lambda does
            error = True
            body = error_document(type(exception).__name__, str(exception), request_id, exception)
            frames = stack_trace(exception)  # the log shows the real paths
            # Lambda's runtime logs the error with its stack before the END line.
            sys.stderr.write(
                f"[ERROR] {type(exception).__name__}: {exception}\nTraceback (most recent call last):\n"
                + "".join(frames)
            )
        if len(body) > RESPONSE_LIMIT_BYTES:
            error = True
            body = json.dumps(
                {
                    "errorMessage": "Response payload size exceeded maximum allowed payload size "
                    f"({RESPONSE_LIMIT_BYTES} bytes).",
                    "errorType": "Function.ResponseSizeTooLarge",
                }
            ).encode()
        duration = (time.monotonic() - started) * 1000
        peak_mb = max_rss_mb()
        sys.stdout.flush()
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: "
            f"{max(1, int(duration + 0.999))} ms\tMemory Size: {self.memory_mb} MB\t"
            f"Max Memory Used: {peak_mb} MB"
        )
        if init_ms is not None:
            report += f"\tInit Duration: {init_ms:.2f} ms"
        sys.stderr.write(f"END RequestId: {request_id}\n{report}\n")
        sys.stderr.flush()
        self.send({"error": error, "maxRssMb": peak_mb}, body)

    def limit_memory(self) -> None:
        """A hard backstop under the parent's MemorySize check (which kills a worker whose
        resident memory passes it): the address space may grow by MemorySize plus 1 GiB of room
        for reservations (thread stacks, allocator arenas) that are never touched."""
        try:
            with open("/proc/self/statm") as statm:
                virtual = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            return
        limit = virtual + (self.memory_mb + 1024) * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class MarshalError(Exception):
    """The handler's result is not JSON (Lambda: ``Runtime.MarshalError``)."""


def marshal(result: Any) -> bytes:
    try:
        return json.dumps(result).encode()
    except (TypeError, ValueError) as error:
        raise MarshalError(f"Unable to marshal response: {error}") from None


def max_rss_mb() -> int:
    """Peak resident memory of this process (VmHWM: ru_maxrss would include the parent's, which
    Linux keeps across exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    die_with_parent(int(spec["parent"]))
    here = os.path.dirname(os.path.abspath(__file__))
    first = [spec["taskRoot"], *spec.get("paths", ())]
    sys.path[:] = first + [entry for entry in sys.path if entry not in first and entry not in ("", here)]
    configure_logging()
    if spec.get("traceRoot"):
        global TRACE_ROOT
        TRACE_ROOT = (spec["taskRoot"], spec["traceRoot"])
    return Worker(spec).run(spec["module"], spec["function"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
