"""`make bench BENCH_ARGS="--data-dir"`: the same scenarios against an emulator started with
``--data-dir`` (a fresh directory per round) beside the memory-only one, and the start-up with
``--stored-executions`` (default 100,000) finished executions in the directory.

The stored executions are made quickly: one real execution of a 2-Pass machine (so every row and
event is what the emulator writes), then its row and its 6 events copied N - 1 times in SQL under
new names. The emulator is then started on the directory with retention off (the default keeps
10,000 per account and region and would evict the rest) and timed to its first answer, its first
ListExecutions page and a DescribeExecution / GetExecutionHistory of a stored execution (details
and history are read on first use).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bench.report import Summary, ratio

DATABASE_FILE = "sfn-emulator.sqlite3"
# Rows of the side-by-side table: (result key, label, what the --data-dir figure may be at most).
DURABLE_ROWS: tuple[tuple[str, str], ...] = (
    ("startup_s", "start-up to first answer, empty (s)"),
    ("exec1000_wall_s", "1,000 x 10-Pass STANDARD, 8 threads (s)"),
    ("sync_median_ms", "StartSyncExecution 10-Pass p50 (ms)"),
    ("sync_p95_ms", "StartSyncExecution 10-Pass p95 (ms)"),
    ("start_rps_1", "StartExecution req/s, 1 thread"),
    ("start_rps_8", "StartExecution req/s, 8 threads"),
    ("start_lat_median_ms_8", "StartExecution p50, 8 threads (ms)"),
    ("map_s", "inline Map, 1,000 Pass items (s)"),
    ("parallel10_ms", "Parallel of 10 branches p50 (ms)"),
)
HIGHER_IS_BETTER = {"start_rps_1", "start_rps_8"}
MAX_SLOWDOWN = 2.0
STORED_TARGET_S = 2.0


def fill(directory: Path, count: int, start: Callable[[Path], Any], core: types.ModuleType) -> str:
    """``count`` finished executions in ``directory``; returns the machine's ARN. ``start`` starts
    an emulator on the directory and returns the server (with ``endpoint`` and ``stop()``)."""
    server = start(directory)
    try:
        client = core.Sfn(server.endpoint)
        machine = core.create_sm(client, "stored", core.chain_of_pass(2))
        started = client.call(
            "StartExecution", {"stateMachineArn": machine, "name": "seed", "input": '{"i":0}'}
        )
        core.wait_execution(client, started["executionArn"], 60)
        client.close()
    finally:
        server.stop()
    database = sqlite3.connect(directory / DATABASE_FILE)
    try:
        seed, arn = database.execute("SELECT id, arn FROM executions WHERE name = 'seed'").fetchone()
        prefix = arn[: -len("seed")]
        database.execute("BEGIN")
        database.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO executions (id, arn, account, region, name, machine, state_machine_arn, input, "
            "start_date, status, stop_date, output, error, cause, trace_header, version_arn, alias_arn, "
            "redrive_count, redrive_date, map_run_arn, position, root_last) "
            "SELECT e.id + n.i, ? || 'x' || n.i, account, region, 'x' || n.i, machine, state_machine_arn, "
            "input, start_date + n.i * 0.001, status, stop_date + n.i * 0.001, output, error, cause, "
            "trace_header, version_arn, alias_arn, redrive_count, redrive_date, map_run_arn, position, "
            "root_last FROM executions e, n WHERE e.id = ?",
            (count - 1, prefix, seed),
        )
        database.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO events (execution, id, previous, type, timestamp, details_key, details) "
            "SELECT ? + n.i, id, previous, type, timestamp, details_key, details FROM events, n "
            "WHERE execution = ?",
            (count - 1, seed, seed),
        )
        database.execute("COMMIT")
    finally:
        database.close()
    return str(machine)


def bench_stored_startup(
    core: types.ModuleType, count: int, start: Callable[[Path], Any], keep: Path | None = None
) -> dict[str, Any]:
    """Start-up on a directory holding ``count`` finished executions (made once, then reused from
    ``keep`` if given)."""
    directory = Path(keep) if keep is not None else Path(tempfile.mkdtemp(prefix="sfn-bench-stored-"))
    try:
        marker = directory / f".filled-{count}"
        if not marker.exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            machine = fill(directory, count, start, core)
            marker.write_text(machine)
        machine = marker.read_text()
        began = time.perf_counter()
        server = start(directory)
        first_answer = time.perf_counter() - began
        try:
            client = core.Sfn(server.endpoint)
            began = time.perf_counter()
            page = client.call("ListExecutions", {"stateMachineArn": machine, "maxResults": 100})
            listed = time.perf_counter() - began
            stored = page["executions"][-1]["executionArn"]
            began = time.perf_counter()
            described = client.call("DescribeExecution", {"executionArn": stored})
            history = client.call("GetExecutionHistory", {"executionArn": stored})
            detail = time.perf_counter() - began
            client.close()
            assert described["status"] == "SUCCEEDED" and len(history["events"]) == 6, described
        finally:
            server.stop()
        return {
            "stored_startup_s": round(first_answer, 3),
            "stored_list_ms": round(listed * 1000, 2),
            "stored_describe_and_history_ms": round(detail * 1000, 2),
            "stored_executions": count,
        }
    finally:
        if keep is None:
            shutil.rmtree(directory, ignore_errors=True)


def data_dir_for_round() -> str:
    return tempfile.mkdtemp(prefix="sfn-bench-data-")


def remove(directory: str) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def render(memory: Mapping[str, Summary], disk: Mapping[str, Summary]) -> str:
    """Memory and --data-dir side by side, each scenario's slowdown against the target (<= 2x)."""
    header = ["scenario (median)", "memory", "--data-dir", "slowdown", f"target <= {MAX_SLOWDOWN:g}x"]
    rows = [header]
    for key, label in DURABLE_ROWS:
        ours, theirs = memory.get(key), disk.get(key)
        if ours is None or theirs is None:
            continue
        slowdown = (
            ratio(ours.median, theirs.median)
            if key in HIGHER_IS_BETTER
            else ratio(theirs.median, ours.median)
        )
        verdict = "-" if slowdown is None else ("ok" if slowdown <= MAX_SLOWDOWN else "MISS")
        rows.append([label, _number(ours.median), _number(theirs.median), _slowdown(slowdown), verdict])
    stored = disk.get("stored_startup_s")
    if stored is not None:
        count = disk.get("stored_executions")
        label = f"start-up with {count.median:,.0f} stored executions (s)" if count else "stored start-up (s)"
        verdict = "ok" if stored.median <= STORED_TARGET_S else "MISS"
        rows.append([label, "-", _number(stored.median), "-", f"<= {STORED_TARGET_S:g} s {verdict}"])
        for key, text in (
            ("stored_list_ms", "  then ListExecutions, 100 (ms)"),
            ("stored_describe_and_history_ms", "  then Describe + GetHistory of one (ms)"),
        ):
            found = disk.get(key)
            if found is not None:
                rows.append([text, "-", _number(found.median), "-", ""])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(
            "  ".join(
                [row[0].ljust(widths[0])] + [c.rjust(widths[i]) for i, c in enumerate(row[1:], 1)]
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.4g}"


def _slowdown(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
