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


class _Record:
    """An object whose attributes are the named members of a JSON object (None when absent), as
    the runtime builds ``context.client_context``, its ``client`` and ``context.identity``."""

    __slots__: tuple[str, ...] = ()

    def __init__(self, members: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, members.get(name))


class CognitoIdentity(_Record):
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")


class Client(_Record):
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")


class ClientContext(_Record):
    __slots__ = ("custom", "env", "client")


class LambdaContext:
    """The attributes and method of Lambda's Python context object.

    ``arn``: the ARN the caller invoked (with its qualifier, when it gave one); ``version``: the
    version that runs; ``client_context``: Invoke's ``ClientContext`` (base64 of a JSON object),
    as ``context.client_context.custom`` / ``.env`` / ``.client``."""

    def __init__(
        self,
        arn: str,
        request_id: str,
        deadline: float,
        version: str | None = None,
        client_context: dict[str, Any] | None = None,
    ) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = version or os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = CognitoIdentity({})
        self.client_context: ClientContext | None = None
        if client_context is not None:
            self.client_context = ClientContext(client_context)
            client = self.client_context.client  # type: ignore[attr-defined]
            self.client_context.client = Client(client) if isinstance(client, dict) else None  # type: ignore[attr-defined]
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
    """The handler, or raises ``LoadError`` with Lambda's error document: an import failure is
    ``Runtime.ImportModuleError``, a syntax error ``Runtime.UserCodeSyntaxError`` (its trace: the
    file, line and text), a missing attribute ``Runtime.HandlerNotFound``; any other exception the
    module raises while loading is reported by its own type, message and frames."""
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as error:
        trace = [f'  File "{shown_path(str(error.filename))}" Line {error.lineno}\n    {error.text}']
        raise LoadError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}", trace=trace
        ) from None
    except ImportError as error:
        raise LoadError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}", error
        ) from None
    except Exception as error:  # noqa: BLE001 - an init error, reported as Lambda does
        raise LoadError(type(error).__name__, str(error), error, stack_trace(error, TRACE_ROOT)) from None
    handler = getattr(module, function, None)
    if handler is None:
        raise LoadError("Runtime.HandlerNotFound", f"Handler '{function}' missing on module '{module_name}'")
    return handler


class LoadError(Exception):
    def __init__(
        self,
        error_type: str,
        message: str,
        cause: BaseException | None = None,
        trace: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.cause = cause
        self.trace = trace or []


# (task root, what to show instead) when error documents use Lambda's paths (``/var/task/…``).
TRACE_ROOT: tuple[str, str] | None = None


def shown_path(path: str, trace_root: tuple[str, str] | None = None) -> str:
    root = trace_root or TRACE_ROOT
    if root is not None and path.startswith(root[0] + os.sep):
        return root[1] + path[len(root[0]) :]
    return path


def stack_trace(error: BaseException, trace_root: tuple[str, str] | None = None) -> list[str]:
    """The handler's frames (the worker's own dropped), with the real paths of the user's files
    unless ``trace_root`` maps the function's folder to another name; one string per frame, as
    ``traceback.format_list`` writes it (the Python runtime's ``stackTrace``)."""
    if error.__traceback__ is None:
        return []
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename != __file__]
    if trace_root is not None:
        for frame in frames:
            frame.filename = shown_path(frame.filename, trace_root)
    return traceback.format_list(frames)


def error_document(
    error_type: str, message: str, request_id: str, trace: list[str], ascii_only: bool = True
) -> bytes:
    """Lambda's error document, as the Python runtime writes it (its JSON encoder: ``", "`` and
    ``": "`` separators; non-ASCII characters kept on python3.12 and later)."""
    document = {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": trace,
    }
    return json.dumps(document, ensure_ascii=ascii_only).encode()


def error_log(error_type: str, message: str, trace: list[str]) -> str:
    """The runtime's log record of an error: ``[ERROR] Type: message`` (no colon without a
    message), then the traceback, each line's indentation in no-break spaces (U+00A0) as the
    runtime writes it, so that the record stays one log event."""
    line = "[ERROR]"
    if error_type:
        line += " " + error_type
    if message:
        line += (":" if error_type else "") + " " + message
    lines = [line, "Traceback (most recent call last):"]
    for element in trace:
        for text in element.splitlines():
            stripped = text.lstrip(" ")
            lines.append("\u00a0" * (len(text) - len(stripped)) + stripped)
    return "\n".join(lines) + "\n"


def platform_error(error_type: str, message: str) -> bytes:
    """An error the platform (not the runtime) reports: compact JSON, as Lambda writes it."""
    return json.dumps({"errorMessage": message, "errorType": error_type}, separators=(",", ":")).encode()


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
            sys.stderr.write(error_log(error.error_type, error.message, error.trace))
            sys.stderr.flush()
            root = os.environ.get("LAMBDA_TASK_ROOT", "")
            if isinstance(error.cause, ModuleNotFoundError) and os.path.isfile(f"{root}/requirements.txt"):
                print(  # the emulator installs nothing: say how (its log says it too)
                    f"[ERROR] {root}/requirements.txt is not installed here: "
                    f"pip install -r {root}/requirements.txt -t {root} (or into a .venv folder there)",
                    file=sys.stderr,
                    flush=True,
                )
            self.send({"ready": True, "error": True}, self.load_error_document(error))
            return self.serve_load_error(error)
        init_ms: float | None = (time.monotonic() - started) * 1000
        self.limit_memory()
        self.send({"ready": True, "error": False, "initMs": init_ms}, b"")
        for line in sys.stdin.buffer:
            request = json.loads(line)
            self.invoke(handler, request, init_ms)
            init_ms = None
        return 0

    def load_error_document(self, error: LoadError) -> bytes:
        # An init error is reported outside any invocation: its requestId is empty.
        return error_document(error.error_type, error.message, "", error.trace, ASCII_ONLY)

    def serve_load_error(self, error: LoadError) -> int:
        """Every event meets the load error, as on Lambda (which tries the init again within the
        invocation and answers its error document)."""
        for line in sys.stdin.buffer:
            request = json.loads(line)
            request_id = request["requestId"]
            sys.stderr.write(
                f"START RequestId: {request_id} Version: {request.get('version') or '$LATEST'}\n"
            )
            sys.stderr.write(error_log(error.error_type, error.message, error.trace))
            sys.stderr.write(f"END RequestId: {request_id}\n{self.report(request_id, 0.0, None)}\n")
            sys.stderr.flush()
            self.send({"error": True}, self.load_error_document(error))
        return 0

    def report(self, request_id: str, duration: float, init_ms: float | None) -> str:
        line = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tBilled Duration: "
            f"{max(1, int(duration + 0.999))} ms\tMemory Size: {self.memory_mb} MB\t"
            f"Max Memory Used: {max_rss_mb()} MB"
        )
        if init_ms is not None:
            line += f"\tInit Duration: {init_ms:.2f} ms"
        return line

    def invoke(self, handler: Any, request: dict[str, Any], init_ms: float | None) -> None:
        request_id = request["requestId"]
        _RequestId.current = request_id
        version = request.get("version") or os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        sys.stderr.write(f"START RequestId: {request_id} Version: {version}\n")
        sys.stderr.flush()
        started = time.monotonic()
        deadline = started + request.get("timeoutMs", 900_000) / 1000
        error = False
        try:
            context = LambdaContext(
                request.get("functionArn", ""),
                request_id,
                deadline,
                version,
                client_context(request.get("clientContext")),
            )
            event = unmarshal(request["payload"])
            result = handler(event, context)
            body = bytes(result) if isinstance(result, bytes) else marshal(result)
        except RuntimeFault as fault:
            error = True
            body = error_document(fault.error_type, fault.message, request_id, [], ASCII_ONLY)
            sys.stderr.write(error_log(fault.error_type, fault.message, []))
        except Exception as exception:  # noqa: BLE001 - a function error, reported as Lambda does
            error = True
            name, message = type(exception).__name__, str(exception)
            body = error_document(name, message, request_id, stack_trace(exception, TRACE_ROOT), ASCII_ONLY)
            # Lambda's runtime logs the error with its stack before the END line (the log shows
            # the real paths).
            sys.stderr.write(error_log(name, message, stack_trace(exception)))
        if len(body) > RESPONSE_LIMIT_BYTES:
            error = True
            body = platform_error(
                "Function.ResponseSizeTooLarge",
                f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT_BYTES} bytes).",
            )
        duration = (time.monotonic() - started) * 1000
        peak_mb = max_rss_mb()
        sys.stdout.flush()
        sys.stderr.write(f"END RequestId: {request_id}\n{self.report(request_id, duration, init_ms)}\n")
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


class RuntimeFault(Exception):
    """A failure the runtime itself reports (``Runtime.MarshalError``, ``Runtime.UnmarshalError``):
    no stack trace in the error document."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


# python3.12 and later runtimes write non-ASCII characters as they are; earlier ones escape them
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html, "Response format"); the spec
# says which (``escapeNonAscii``).
ASCII_ONLY = True


def unmarshal(payload: str) -> Any:
    """The event: the request's JSON (Lambda hands an empty payload to the function as ``{}``)."""
    if not payload:
        return {}
    try:
        return json.loads(payload)
    except ValueError as error:
        raise RuntimeFault("Runtime.UnmarshalError", f"Unable to unmarshal input: {error}") from None


def client_context(encoded: str | None) -> dict[str, Any] | None:
    """Invoke's ``ClientContext``: base64 of a JSON object."""
    if not encoded:
        return None
    import base64

    try:
        decoded = json.loads(base64.b64decode(encoded))
    except ValueError as error:
        raise RuntimeFault(
            "Runtime.LambdaContextUnmarshalError", f"Unable to parse Client Context JSON: {error}"
        ) from None
    return decoded if isinstance(decoded, dict) else None


_PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only what the standard library's C encoder writes exactly as the
    runtime's encoder does (dict, list, tuple, str, int, float, bool, None; string keys)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _PLAIN:
            continue
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return False
    return True


def marshal(result: Any, ascii_only: bool | None = None) -> bytes:
    """The function's result as the Python runtime serialises it (simplejson, as the runtime
    configures it): ``", "`` / ``": "`` separators, ``NaN`` / ``Infinity`` allowed, ``Decimal``
    written as its digits, bytes inside the value decoded as UTF-8, a named tuple as an object;
    anything else is ``Runtime.MarshalError``."""
    escape = ASCII_ONLY if ascii_only is None else ascii_only
    try:
        if _plain(result):
            return json.dumps(result, ensure_ascii=escape).encode()
        return "".join(_encode(result, escape)).encode()
    except (TypeError, ValueError, RecursionError, UnicodeDecodeError) as error:
        raise RuntimeFault("Runtime.MarshalError", f"Unable to marshal response: {error}") from None


def _encode(value: Any, escape: bool) -> Any:
    """Yield the JSON text of ``value`` (the uncommon values: the rest is the C encoder's)."""
    import decimal

    if isinstance(value, str):
        yield json.dumps(value, ensure_ascii=escape)
    elif value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif isinstance(value, int):
        yield int.__repr__(value)
    elif isinstance(value, float):
        yield json.dumps(float(value))
    elif isinstance(value, decimal.Decimal):
        yield "NaN" if value.is_nan() else str(value)
    elif isinstance(value, bytes):
        yield json.dumps(value.decode("utf-8"), ensure_ascii=escape)
    elif isinstance(value, dict) or (isinstance(value, tuple) and callable(getattr(value, "_asdict", None))):
        members = value if isinstance(value, dict) else value._asdict()  # type: ignore[attr-defined]
        yield "{"
        for index, (key, member) in enumerate(members.items()):
            yield ("" if index == 0 else ", ") + _key(key, escape) + ": "
            yield from _encode(member, escape)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for index, member in enumerate(value):
            if index:
                yield ", "
            yield from _encode(member, escape)
        yield "]"
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: Any, escape: bool) -> str:
    if isinstance(key, bytes):
        key = key.decode("utf-8")
    elif key is None or isinstance(key, int | float):  # bool is an int: true / false
        key = json.dumps(key)
    elif not isinstance(key, str):
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return json.dumps(key, ensure_ascii=escape)


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
    global TRACE_ROOT, ASCII_ONLY
    if spec.get("traceRoot"):
        TRACE_ROOT = (spec["taskRoot"], spec["traceRoot"])
    ASCII_ONLY = bool(spec.get("escapeNonAscii", True))
    return Worker(spec).run(spec["module"], spec["function"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
