"""kill -9 in the middle of 200 STANDARD executions, restart on the same --data-dir, answer the
callbacks: every execution ends as it would have without the crash, its history gapless.

The server is a real subprocess (``python -m emulator --data-dir``) on a free loopback port. The
mix: Waits of 1-3 s, ``.waitForTaskToken`` callbacks (answered after the restart with the token
read from the history), an inline Map, a Parallel and a Distributed Map. The kill comes at a
seeded random moment. ``make test`` runs two seeds; ``SFN_CRASH_SEEDS=10 make crash`` more.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from compat_tests.server import free_port

ROLE = "arn:aws:iam::123456789012:role/r"
EXECUTIONS = int(os.environ.get("SFN_CRASH_EXECUTIONS", "200"))
SEEDS = list(range(int(os.environ.get("SFN_CRASH_SEEDS", "2"))))

WAIT_THEN_PASS = {
    "StartAt": "W",
    "States": {
        "W": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"waited.$": "$.seconds", "i.$": "$.i"}, "End": True},
    },
}
CALLBACK = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
            "Parameters": {
                "Entries": [
                    {"Source": "crash.test", "DetailType": "ask", "Detail": {"token.$": "$$.Task.Token"}}
                ]
            },
            "ResultPath": "$.answer",
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}
INLINE_MAP = {
    "StartAt": "M",
    "States": {
        "M": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "StartAt": "W",
                "States": {
                    "W": {"Type": "Wait", "Seconds": 1, "Next": "Double"},
                    "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": True},
                },
            },
            "End": True,
        }
    },
}
PARALLEL = {
    "StartAt": "Par",
    "States": {
        "Par": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": True}}},
            ],
            "Next": "After",
        },
        "After": {"Type": "Pass", "Parameters": {"branches.$": "$"}, "End": True},
    },
}
DISTRIBUTED_MAP = {
    "StartAt": "DM",
    "States": {
        "DM": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "W",
                "States": {
                    "W": {"Type": "Wait", "Seconds": 1, "Next": "Id"},
                    "Id": {"Type": "Pass", "End": True},
                },
            },
            "End": True,
        }
    },
}
MACHINES = {
    "wait": WAIT_THEN_PASS,
    "callback": CALLBACK,
    "map": INLINE_MAP,
    "parallel": PARALLEL,
    "distributed": DISTRIBUTED_MAP,
}


def _input(kind: str, index: int, rng: random.Random) -> dict[str, Any]:
    if kind == "wait":
        return {"seconds": rng.randint(1, 3), "i": index}
    if kind in ("map", "distributed"):
        return {"items": [index, index + 1, index + 2]}
    return {"i": index}


def _expected(kind: str, given: dict[str, Any]) -> Any:
    if kind == "wait":
        return {"waited": given["seconds"], "i": given["i"]}
    if kind == "callback":
        return {"i": given["i"], "answer": {"answered": given["i"]}}
    if kind == "map":
        return [{"v": 2 * item} for item in given["items"]]
    if kind == "parallel":
        return {"branches": [{"i": given["i"]}, "b"]}
    return given["items"]


class Server:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log = open(os.path.join(directory, "server.log"), "ab")  # noqa: SIM115

    def start(self) -> Any:
        port = self.port = free_port()
        environment = dict(os.environ, SFN_CONSOLE="0", SFN_RETAINED_EXECUTIONS="0")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulator",
                "--port",
                str(port),
                "--data-dir",
                os.path.join(self.directory, "data"),
            ],
            stdout=self.log,
            stderr=self.log,
            env=environment,
        )
        client = boto3.client(
            "stepfunctions",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0}, max_pool_connections=20),
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                client.list_state_machines()
                return client
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


_TOKEN = re.compile(r'"token":"([A-Za-z0-9_-]+)"')


def _assert_gapless(events: list[dict[str, Any]], arn: str) -> None:
    assert [e["id"] for e in events] == list(range(1, len(events) + 1)), arn
    assert all(0 <= e["previousEventId"] < e["id"] for e in events), arn


def _history(client: Any, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token = None
    while True:
        page = client.get_execution_history(
            executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {})
        )
        events.extend(page["events"])
        token = page.get("nextToken")
        if not token:
            return events


@pytest.mark.parametrize("seed", SEEDS)
def test_every_execution_ends_as_without_the_crash(seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="sfn-crash-") as directory:
        server = Server(directory)
        try:
            client = server.start()
            machines = {
                kind: client.create_state_machine(
                    name=f"crash-{kind}", definition=json.dumps(d), roleArn=ROLE
                )["stateMachineArn"]
                for kind, d in MACHINES.items()
            }
            started: dict[str, tuple[str, dict[str, Any]]] = {}
            kinds = list(MACHINES)
            for index in range(EXECUTIONS):
                kind = kinds[index % len(kinds)]
                given = _input(kind, index, rng)
                arn = client.start_execution(
                    stateMachineArn=machines[kind], name=f"e{index}", input=json.dumps(given)
                )["executionArn"]
                started[arn] = (kind, given)
            time.sleep(rng.uniform(0.0, 2.5))  # the crash, somewhere in the Waits and the Maps
            server.kill()
            client = server.start()
            outcome = _settle(client, started)
        finally:
            server.stop()
        failures = {arn: result for arn, result in outcome.items() if result != _expected(*started[arn])}
        assert not failures, (
            f"seed {seed}: {len(failures)} of {len(started)} ended otherwise, e.g. {list(failures.items())[:3]}; "
            f"log: {Path(directory, 'server.log')}"
        )


def _settle(client: Any, started: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Answer each waiting callback (its token read from the history) until every execution ended;
    check each history is gapless; return each execution's output (or its error)."""
    answered: set[str] = set()
    outcome: dict[str, Any] = {}
    deadline = time.monotonic() + 90
    while len(outcome) < len(started) and time.monotonic() < deadline:
        for arn, (kind, given) in started.items():
            if arn in outcome:
                continue
            described = client.describe_execution(executionArn=arn)
            if described["status"] == "RUNNING":
                if kind == "callback":
                    events = _history(client, arn)
                    scheduled = [e for e in events if e["type"] == "TaskScheduled"]
                    submitted = any(e["type"] == "TaskSubmitted" for e in events)
                    found = (
                        _TOKEN.search(scheduled[-1]["taskScheduledEventDetails"]["parameters"])
                        if scheduled
                        else None
                    )
                    if submitted and found and found.group(1) not in answered:
                        try:
                            client.send_task_success(
                                taskToken=found.group(1), output=json.dumps({"answered": given["i"]})
                            )
                            answered.add(found.group(1))
                        except client.exceptions.TaskTimedOut:
                            pass  # not waited for yet (the execution resumes in a moment)
                continue
            _assert_gapless(_history(client, arn), arn)
            if described["status"] == "SUCCEEDED":
                outcome[arn] = json.loads(described["output"])
            else:
                outcome[arn] = {
                    "status": described["status"],
                    "error": described.get("error"),
                    "cause": described.get("cause"),
                }
        time.sleep(0.2)
    missing = [arn for arn in started if arn not in outcome]
    assert not missing, f"{len(missing)} executions never ended, e.g. {missing[:3]}"
    return outcome
