"""`make bench` phase ``testkit``: what the pytest plugin costs a test suite, and how long virtual
time takes on the wall clock.

Each round runs in a fresh interpreter (a cold start, as a pytest session has): the fixture's
emulator start-up (until its first answered request), the per-test reset (empty, after a few
executions, after a test used the in-process SQS, and over HTTP), and the wall time of three
virtual-clock workflows: a 1-year Wait, a Retry with BackoffRate 2.0 over 10 attempts, and a missed
HeartbeatSeconds (each asserted correct before it is counted).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from typing import Any

from bench.report import Summary

RESETS = 50


def measure(rounds: int) -> dict[str, Summary]:
    results = [_round() for _ in range(rounds)]
    return {key: _summary([result[key] for result in results]) for key in results[0]}


def _summary(values: list[float]) -> Summary:
    return Summary(statistics.median(values), min(values), max(values), len(values))


def _round() -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.testing_kit"], capture_output=True, text=True, timeout=600, check=True
    )
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _median_ms(action: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _timed_ms(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return (time.perf_counter() - started) * 1000, value


def child() -> dict[str, float]:
    started = time.perf_counter()
    from emulator.settings import Settings
    from emulator.testing.in_process import InProcessEmulator

    server = InProcessEmulator(Settings(clock="auto", log_level="WARNING")).start()
    with urllib.request.urlopen(server.url + "/_emulator/health", timeout=10) as response:
        response.read()
    startup = time.perf_counter() - started
    from emulator.testing.handle import SfnEmulator

    emulator = SfnEmulator(server)
    emulator.client()
    pass_machine = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    emulator.run(pass_machine)  # the interpreter is imported: resets below measure resets alone
    reset_empty = _median_ms(emulator.reset, RESETS)

    def busy_then_reset() -> None:
        arn = emulator.create_state_machine(pass_machine, name="m")
        for _ in range(5):
            emulator.wait(emulator.start(arn))
        started = time.perf_counter()
        emulator.reset()
        busy_times.append((time.perf_counter() - started) * 1000)

    busy_times: list[float] = []
    for _ in range(20):
        busy_then_reset()

    def http_reset() -> None:
        request = urllib.request.Request(
            server.url + "/_emulator/reset",
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},  # admin writes are JSON (browser guard)
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    reset_http = _median_ms(http_reset, RESETS)
    sqs = emulator.client("sqs")
    sqs.list_queues()  # moto loaded
    sqs_times: list[float] = []
    for number in range(10):
        sqs.create_queue(QueueName=f"q{number}")
        started = time.perf_counter()
        emulator.reset()
        sqs_times.append((time.perf_counter() - started) * 1000)
    year_ms, year = _timed_ms(lambda: _year_wait(emulator))
    retries_ms, retries = _timed_ms(lambda: _retries(emulator))
    heartbeat_ms, heartbeat = _timed_ms(lambda: _heartbeat(emulator))
    assert year and retries and heartbeat, "a virtual-clock workflow ended wrongly"
    server.stop()
    import asyncio

    year_local, retries_local = asyncio.run(_in_process())
    return {
        "kit_year_wait_engine_ms": year_local,
        "kit_10_retries_engine_ms": retries_local,
        "kit_startup_s": startup,
        "kit_reset_empty_ms": reset_empty,
        "kit_reset_after_5_executions_ms": statistics.median(busy_times),
        "kit_reset_http_ms": reset_http,
        "kit_reset_after_sqs_ms": statistics.median(sqs_times),
        "kit_year_wait_ms": year_ms,
        "kit_10_retries_ms": retries_ms,
        "kit_heartbeat_timeout_ms": heartbeat_ms,
    }


async def _in_process() -> tuple[float, float]:
    """The same workflows without HTTP (``sfn-emulator run``'s way): the clock's own cost."""
    from emulator.service.emulator_control import register_lambda_handler
    from emulator.settings import Settings
    from emulator.testing.local_run import LocalEmulator

    def fail(event: Any, context: Any) -> Any:
        raise ConnectionError("down")

    async with LocalEmulator(Settings(clock="auto")) as local:
        register_lambda_handler(local.env, "down", fail)
        year = await local.create_state_machine("year", json.dumps(YEAR_MACHINE))
        retries = await local.create_state_machine("retries", json.dumps(RETRY_MACHINE))
        await local.execute(year)  # imports
        times: dict[str, list[float]] = {"year": [], "retries": []}
        for _ in range(20):
            for name, arn in (("year", year), ("retries", retries)):
                started = time.perf_counter()
                await local.execute(arn)
                times[name].append((time.perf_counter() - started) * 1000)
    return statistics.median(times["year"]), statistics.median(times["retries"])


YEAR_MACHINE = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 365 * 86400, "End": True}}}
RETRY_MACHINE = {
    "StartAt": "T",
    "States": {
        "T": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "down"},
            "Retry": [
                {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 10}
            ],
            "End": True,
        }
    },
}


def _year_wait(emulator: Any) -> bool:
    year = 365 * 86400
    described = emulator.run(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": year, "End": True}}}
    )
    return bool(described["stopDate"] - described["startDate"] >= timedelta(seconds=year))


def _retries(emulator: Any) -> bool:
    def fail(event: Any, context: Any) -> Any:
        raise ConnectionError("down")

    emulator.lambda_handler("down", fail)
    retry = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 10}
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "down"},
        "Retry": [retry],
        "End": True,
    }
    described = emulator.run({"StartAt": "T", "States": {"T": task}})
    return bool(described["stopDate"] - described["startDate"] >= timedelta(seconds=1023))


def _heartbeat(emulator: Any) -> bool:
    emulator.clock.auto = False
    sfn = emulator.client()
    activity = sfn.create_activity(name="bench")["activityArn"]
    task = {"Type": "Task", "Resource": activity, "HeartbeatSeconds": 60, "End": True}
    execution = emulator.start(emulator.create_state_machine({"StartAt": "A", "States": {"A": task}}))
    sfn.get_activity_task(activityArn=activity)
    emulator.clock.advance(seconds=60)
    described = emulator.wait(execution, timeout=10)
    emulator.clock.auto = True
    return bool(described.get("error") == "States.Timeout")  # a missed heartbeat (Task state page)


def render(summaries: dict[str, Summary]) -> list[str]:
    labels = {
        "kit_startup_s": ("pytest plugin: emulator start-up to first answer", "s", 3),
        "kit_reset_empty_ms": ("per-test reset, nothing to forget", "ms", 2),
        "kit_reset_after_5_executions_ms": ("per-test reset after a machine and 5 executions", "ms", 2),
        "kit_reset_after_sqs_ms": ("per-test reset after the test used SQS (moto reset)", "ms", 2),
        "kit_reset_http_ms": ("POST /_emulator/reset over HTTP", "ms", 2),
        "kit_year_wait_ms": ("virtual clock: 1-year Wait (create + run + describe)", "ms", 1),
        "kit_10_retries_ms": ("virtual clock: 10 retries, BackoffRate 2.0", "ms", 1),
        "kit_heartbeat_timeout_ms": ("virtual clock: missed HeartbeatSeconds", "ms", 1),
        "kit_year_wait_engine_ms": ("virtual clock, in process (no HTTP): 1-year Wait execution", "ms", 2),
        "kit_10_retries_engine_ms": ("virtual clock, in process (no HTTP): 10 retries execution", "ms", 2),
    }
    lines = []
    for key, (label, unit, digits) in labels.items():
        if key in summaries:
            s = summaries[key]
            lines.append(
                f"{label}: {s.median:.{digits}f} {unit} (min {s.minimum:.{digits}f}, max {s.maximum:.{digits}f})"
            )
    return lines


if __name__ == "__main__":
    print(json.dumps(child()))
