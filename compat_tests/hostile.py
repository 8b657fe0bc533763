"""What the hostile-input tests share: raw HTTP to a live server, a watcher that times a concurrent
ListStateMachines while a hostile request is served, and a log handler catching tracebacks."""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

# A concurrent ListStateMachines must be answered within this while a hostile request is served
# (generous for a loaded 2-core machine, where one answer took 2.5 s beside six busy sessions; a
# stalled server answers only when the evaluation ends, after the whole 10 s evaluation timeout).
CONCURRENT_BOUND_SECONDS = 5.0
SFN_HEADERS = {"Content-Type": "application/x-amz-json-1.0"}


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    @property
    def error_type(self) -> str | None:
        found = self.document.get("__type")
        return str(found) if found is not None else None


def raw(
    url: str, method: str, path: str = "/", body: bytes = b"", headers: dict[str, str] | None = None
) -> Answer:
    """One HTTP request with exactly these headers (``Host`` too, when given)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        given = dict(headers or {})
        host = given.pop("Host", None)
        connection.putrequest(method, path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        for name, value in given.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def sfn_call(url: str, operation: str, body: bytes | dict[str, Any], **headers: str) -> Answer:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw(
        url, "POST", "/", payload, {**SFN_HEADERS, "X-Amz-Target": f"AWSStepFunctions.{operation}", **headers}
    )


@dataclass
class Watch:
    """Latencies of the ListStateMachines calls made while the hostile request was in flight."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def worst(self) -> float:
        return max(self.latencies, default=0.0)

    def assert_answered_within(self, bound: float = CONCURRENT_BOUND_SECONDS) -> None:
        assert self.failures == []
        assert self.latencies, "no concurrent request was made"
        assert self.worst < bound, f"a concurrent ListStateMachines took {self.worst:.3f} s"


def while_running(url: str, action: Callable[[], T], minimum_probes: int = 3) -> tuple[T, Watch]:
    """Run ``action`` in a thread and time ListStateMachines calls until it returns (at least
    ``minimum_probes`` of them, so a quick action is still checked against a live server)."""
    watch = Watch()
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(action())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    probes = 0
    while thread.is_alive() or probes < minimum_probes:
        began = time.perf_counter()
        answer = sfn_call(url, "ListStateMachines", {})
        watch.latencies.append(time.perf_counter() - began)
        if answer.status != 200:
            watch.failures.append(f"{answer.status} {answer.body[:200]!r}")
        probes += 1
        time.sleep(0.02)
    thread.join()
    if errors:
        raise errors[0]
    return result[0], watch


class Logged(logging.Handler):
    """Every ERROR record (tracebacks of requests answered 500 land here)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def logged_errors(*loggers: str) -> Iterator[Logged]:
    handler = Logged()
    for name in loggers or ("emulator", "aiohttp"):
        logging.getLogger(name).addHandler(handler)
    try:
        yield handler
    finally:
        for name in loggers or ("emulator", "aiohttp"):
            logging.getLogger(name).removeHandler(handler)
