"""The standard scenarios, stdlib only: our stand-in for ``../shared/tools/peer_bench.py``.

``bench.perf`` imports the shared file when it exists, so our numbers are measured by the very code
that measured the peers; when it does not, this module is used instead. It offers the same names and
calling conventions (a ``Sfn`` client; ``bench_exec_1000(args, arn)``, ``bench_sync``, ``bench_map``,
``bench_throughput(args, arn, threads, tag)`` taking an options namespace and returning flat dicts with
the same keys), and talks raw AWS JSON 1.0 so it runs unchanged against any Step Functions endpoint.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

ROLE = "arn:aws:iam::000000000000:role/bench-role"
_TICKS = os.sysconf("SC_CLK_TCK")
# An unsigned SigV4-shaped header: emulators read the region (and service) from its credential scope.
_AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=test/20240101/{region}/{service}/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)


# Some peers (moto's executing backend) name an unnamed execution "None", so the second one collides;
# bench.perf turns this on for peer rounds. AWS itself generates a UUID when the name is missing.
NAME_EXECUTIONS = False


class SfnError(Exception):
    """A non-200 answer; ``body`` holds the raw error document."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}: {body[:300]!r}")
        self.status = status
        self.body = body


class Sfn:
    """One keep-alive HTTP/1.1 connection speaking JSON 1.0 (use one per thread)."""

    def __init__(
        self,
        endpoint: str,
        region: str = "us-east-1",
        sigv4: bool = False,
        timeout: float = 60,
        service: str = "states",
    ) -> None:
        parts = urllib.parse.urlparse(endpoint)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.authorization = _AUTHORIZATION.format(region=region, service=service)
        self.connection: http.client.HTTPConnection | None = None

    def call(
        self, operation: str, payload: dict[str, Any] | None = None, target_prefix: str = "AWSStepFunctions"
    ) -> Any:
        if (
            NAME_EXECUTIONS
            and operation.startswith("Start")
            and payload is not None
            and "name" not in payload
        ):
            payload = {**payload, "name": uuid.uuid4().hex}
        body = json.dumps(payload or {}).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"{target_prefix}.{operation}",
            "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
            "Authorization": self.authorization,
        }
        for attempt in range(2):  # one reconnect when the server closed an idle connection
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                    self.connection.connect()
                    assert self.connection.sock is not None
                    self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.connection.request("POST", "/", body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                if (response.getheader("connection") or "").lower() == "close":
                    self.close()
                break
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        if response.status != 200:
            raise SfnError(response.status, data)
        return json.loads(data) if data else {}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


# --- the server's process tree, read from /proc ----------------------------------------------------


def _process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, ()))
    return tree


def _status_field(pid: int, name: str) -> int:
    total = 0
    for member in _process_tree(pid):
        try:
            with open(f"/proc/{member}/status") as handle:
                for line in handle:
                    if line.startswith(name):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MiB."""
    return round(_status_field(pid, "VmRSS:") / 1024, 1)


def threads_of(pid: int) -> int:
    return _status_field(pid, "Threads:")


def tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants."""
    ticks = 0
    for member in _process_tree(pid):
        try:
            with open(f"/proc/{member}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return ticks / _TICKS


def host_busy_s() -> float:
    """Busy CPU seconds of the whole host (everything but idle and iowait)."""
    with open("/proc/stat") as handle:
        values = [int(x) for x in handle.readline().split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / _TICKS


# --- definitions -----------------------------------------------------------------------------------


def chain_of_pass(count: int) -> dict[str, Any]:
    """``count`` plain Pass states, each pointing at the next."""
    states: dict[str, Any] = {}
    for index in range(count):
        state: dict[str, Any] = {"Type": "Pass"}
        if index == count - 1:
            state["End"] = True
        else:
            state["Next"] = f"P{index + 1}"
        states[f"P{index}"] = state
    return {"Comment": f"{count} chained Pass states", "StartAt": "P0", "States": states}


def map_of_pass() -> dict[str, Any]:
    """One inline Map over ``$.items`` whose iteration is a single Pass with Parameters."""
    processor = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}},
    }
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 0,
                "ItemProcessor": processor,
                "End": True,
            }
        },
    }


def create_sm(client: Sfn, name: str, definition: dict[str, Any], type_: str = "STANDARD") -> str:
    request = {
        "name": f"{name}-{uuid.uuid4().hex[:8]}",
        "definition": json.dumps(definition),
        "roleArn": ROLE,
        "type": type_,
    }
    return str(client.call("CreateStateMachine", request)["stateMachineArn"])


# --- waiting ---------------------------------------------------------------------------------------


def count_executions(client: Sfn, machine_arn: str, status: str) -> int:
    total, token = 0, None
    while True:
        request: dict[str, Any] = {"stateMachineArn": machine_arn, "statusFilter": status, "maxResults": 1000}
        if token:
            request["nextToken"] = token
        page = client.call("ListExecutions", request)
        total += len(page.get("executions", []))
        token = page.get("nextToken")
        if not token:
            return total


def wait_drained(client: Sfn, machine_arn: str, timeout: float, interval: float = 0.1) -> float | None:
    """Seconds until no execution of the machine is RUNNING; None on time-out."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        page = client.call(
            "ListExecutions", {"stateMachineArn": machine_arn, "statusFilter": "RUNNING", "maxResults": 1}
        )
        if not page.get("executions"):
            return time.perf_counter() - began
        time.sleep(interval)
    return None


def wait_execution(client: Sfn, execution_arn: str, timeout: float, interval: float = 0.02) -> dict[str, Any]:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        described: dict[str, Any] = client.call("DescribeExecution", {"executionArn": execution_arn})
        if described["status"] != "RUNNING":
            return described
        time.sleep(interval)
    return {"status": "TIMEOUT"}


def pct(values: list[float], percent: float) -> float | None:
    """Linear-interpolated percentile (the same rule as statistics' 'inclusive' method)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- the scenarios ---------------------------------------------------------------------------------


def _in_threads(count: int, work: Callable[[int], None]) -> float:
    """Run ``work(k)`` on ``count`` threads; the wall seconds until all are done."""
    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def bench_exec_1000(args: Any, machine_arn: str) -> dict[str, Any]:
    """``args.executions`` StartExecution calls from ``args.submit_threads`` threads, then until none runs."""
    lock = threading.Lock()
    remaining = iter(range(args.executions))
    errors: list[str] = []

    def submit(_: int) -> None:
        client = Sfn(args.endpoint)
        while True:
            with lock:
                index = next(remaining, None)
            if index is None:
                break
            try:
                client.call(
                    "StartExecution", {"stateMachineArn": machine_arn, "input": json.dumps({"i": index})}
                )
            except (SfnError, OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(repr(error))
        client.close()

    began = time.perf_counter()
    submitted = _in_threads(args.submit_threads, submit)
    client = Sfn(args.endpoint)
    drained = wait_drained(client, machine_arn, args.drain_timeout, interval=0.05)
    wall = time.perf_counter() - began
    succeeded = count_executions(client, machine_arn, "SUCCEEDED")
    client.close()
    return {
        "exec1000_n": args.executions,
        "exec1000_submit_s": round(submitted, 3),
        "exec1000_wall_s": round(wall, 3) if drained is not None else None,
        "exec1000_succeeded": succeeded,
        "exec1000_errors": len(errors),
        "exec1000_error_sample": errors[:3],
    }


def bench_sync(args: Any, machine_arn: str) -> dict[str, Any]:
    """Sequential StartSyncExecution latency (after ``args.sync_warmup`` unmeasured calls)."""
    client = Sfn(args.endpoint)
    for _ in range(args.sync_warmup):
        client.call("StartSyncExecution", {"stateMachineArn": machine_arn, "input": "{}"})
    latencies, not_succeeded = [], 0
    for index in range(args.sync_n):
        began = time.perf_counter()
        answer = client.call(
            "StartSyncExecution", {"stateMachineArn": machine_arn, "input": json.dumps({"i": index})}
        )
        latencies.append((time.perf_counter() - began) * 1000)
        not_succeeded += answer.get("status") != "SUCCEEDED"
    client.close()
    return {
        "sync_n": args.sync_n,
        "sync_median_ms": round(statistics.median(latencies), 2),
        "sync_p95_ms": round(pct(latencies, 95) or 0.0, 2),
        "sync_p99_ms": round(pct(latencies, 99) or 0.0, 2),
        "sync_not_succeeded": not_succeeded,
    }


def bench_map(args: Any, machine_arn: str) -> dict[str, Any]:
    """One execution of ``map_of_pass`` over ``args.map_items`` items: start to terminal status."""
    client = Sfn(args.endpoint)
    began = time.perf_counter()
    started = client.call(
        "StartExecution",
        {"stateMachineArn": machine_arn, "input": json.dumps({"items": list(range(args.map_items))})},
    )
    described = wait_execution(client, started["executionArn"], args.drain_timeout)
    elapsed = time.perf_counter() - began
    client.close()
    output_length = len(json.loads(described["output"])) if described.get("status") == "SUCCEEDED" else None
    return {
        "map_items": args.map_items,
        "map_status": described.get("status"),
        "map_s": round(elapsed, 3),
        "map_output_len": output_length,
    }


def bench_throughput(args: Any, machine_arn: str, threads: int, tag: str) -> dict[str, Any]:
    """StartExecution as fast as ``threads`` clients can for ``args.duration`` s, then the drain."""
    deadline = time.perf_counter() + args.duration
    counts, failures = [0] * threads, [0] * threads
    latencies: list[float] = []
    lock = threading.Lock()

    def hammer(k: int) -> None:
        client = Sfn(args.endpoint)
        own: list[float] = []
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                client.call("StartExecution", {"stateMachineArn": machine_arn, "input": "{}"})
            except (SfnError, OSError, http.client.HTTPException):
                failures[k] += 1
                continue
            counts[k] += 1
            own.append((time.perf_counter() - began) * 1000)
        client.close()
        with lock:
            latencies.extend(own)

    elapsed = _in_threads(threads, hammer)
    client = Sfn(args.endpoint)
    drained = wait_drained(client, machine_arn, args.drain_timeout)
    client.close()
    total = sum(counts)
    return {
        f"start_rps_{tag}": round(total / elapsed, 1),
        f"start_n_{tag}": total,
        f"start_errors_{tag}": sum(failures),
        f"start_lat_median_ms_{tag}": round(statistics.median(latencies), 2) if latencies else None,
        f"start_lat_p95_ms_{tag}": round(pct(latencies, 95) or 0.0, 2) if latencies else None,
        f"start_drain_s_{tag}": round(drained, 2) if drained is not None else None,
    }
