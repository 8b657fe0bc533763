"""A warm Lambda worker: runs ONE local Python handler, one event at a time.

    python lambda_worker.py <target> <function name>

``target`` is ``path/to/file.py:function`` or ``package.module:function``. The parent writes one JSON
line per event (``{"requestId", "payload", "functionArn", "timeoutMs"}``) to stdin and reads one
JSON line back (``{"body": text, "error": bool}``) from the protocol pipe: the original stdout.
Anything the handler prints goes to stderr, so it cannot corrupt the protocol. Only the standard
library is used: the worker never imports the emulator.

What the handler returns becomes the body the way Lambda's Python runtime makes it: bytes are sent
as they are, anything else as ``json.dumps``; an exception becomes Lambda's error document.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

TASK_ROOT = "/var/task/"


class LambdaContext:
    """The attributes of Lambda's Python context object handlers commonly read."""

    def __init__(self, name: str, arn: str, request_id: str, deadline: float) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = "128"
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(target: str) -> tuple[Any, Path | None]:
    """The handler function and the folder its code lives in (shown as /var/task in traces)."""
    location, _, function = target.rpartition(":")
    if not location:
        location, _, function = target.rpartition(".")
    if location.endswith(".py") or os.sep in location or "/" in location:
        path = Path(location).resolve()
        sys.path.insert(0, str(path.parent))
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"No module named '{path.stem}'")
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        return getattr(module, function), path.parent
    sys.path.insert(0, os.getcwd())
    module = importlib.import_module(location)
    module_file = getattr(module, "__file__", None)
    root = Path(module_file).resolve().parent if module_file else None
    for _ in range(location.count(".")):
        root = root.parent if root else None
    return getattr(module, function), root


def error_document(error: BaseException, request_id: str, root: Path | None, skip: int = 1) -> str:
    tb = error.__traceback__
    for _ in range(skip):
        tb = tb.tb_next if tb is not None else None
    frames = traceback.extract_tb(tb)
    for frame in frames:
        if root is not None and frame.filename.startswith(str(root) + os.sep):
            frame.filename = TASK_ROOT + os.path.relpath(frame.filename, root)
    return json.dumps(
        {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "requestId": request_id,
            "stackTrace": traceback.format_list(frames),
        }
    )


def main(argv: list[str]) -> int:
    target, name = argv[1], argv[2]
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the handler's prints go to stderr
    sys.stdout = sys.stderr
    try:
        handler, root = load_handler(target)
        load_error: str | None = None
    except Exception as error:  # noqa: BLE001 - reported per event, as Lambda does
        handler, root = None, None
        load_error = json.dumps(
            {
                "errorMessage": f"Unable to import module '{target}': {error}",
                "errorType": "Runtime.ImportModuleError",
                "requestId": "",
                "stackTrace": [],
            }
        )
    for line in sys.stdin.buffer:
        request = json.loads(line)
        request_id = request["requestId"]
        if load_error is not None:
            reply = {"body": load_error, "error": True}
        else:
            deadline = time.monotonic() + request.get("timeoutMs", 900_000) / 1000
            context = LambdaContext(name, request.get("functionArn", ""), request_id, deadline)
            try:
                event = json.loads(request["payload"]) if request["payload"] else {}
                result = handler(event, context)
                body = (
                    result.decode("utf-8", "replace")
                    if isinstance(result, bytes | bytearray)
                    else json.dumps(result)
                )
                reply = {"body": body, "error": False}
            except Exception as error:  # noqa: BLE001 - a function error, reported as Lambda does
                reply = {"body": error_document(error, request_id, root), "error": True}
        protocol.write(json.dumps(reply).encode() + b"\n")
        protocol.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
