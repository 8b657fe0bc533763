"""The ``sfn-emulator`` command as users run it: one-line start-up errors, ``--version``, log lines
in JSON, and Lambda workers that end with the emulator even when it is killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compat_tests.helpers import ROLE_ARN, aws_client, wait_finished
from compat_tests.server import free_port

EMULATOR = [sys.executable, "-m", "emulator"]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EMULATOR, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "sfn-emulator: error: argument --port: port 99999 is out of range (1-65535)"),
        (
            ["--log-level", "LOUD"],
            "sfn-emulator: error: argument --log-level: log level 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        ),
        (
            ["--lambda-handler", "orders"],
            "sfn-emulator: error: Lambda handler mapping 'orders' is not name=module:function",
        ),
        (
            ["--lambda-env", "orders=NOVALUE"],
            "sfn-emulator: error: --lambda-env 'orders=NOVALUE' is not FUNCTION=NAME=VALUE",
        ),
        (
            ["--mock-config", "missing.json"],
            "sfn-emulator: error: mock config file 'missing.json' does not exist",
        ),
    ],
)
def test_a_bad_command_line_is_one_line_and_a_non_zero_exit(
    args: list[str], message: str, tmp_path: Path
) -> None:
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.splitlines() == [message]


def test_a_missing_mock_module_and_a_bad_environment_are_one_line(tmp_path: Path) -> None:
    missing = run_cli("--mock-module", "not_here", cwd=tmp_path)
    assert missing.returncode != 0
    assert missing.stderr.splitlines() == [
        f"sfn-emulator: error: mock module 'not_here' not found (looked in {tmp_path} and the Python path)"
    ]
    bad_port = run_cli(cwd=tmp_path, env={"SFN_EMULATOR_PORT": "eighty"})
    assert bad_port.returncode != 0
    assert len(bad_port.stderr.splitlines()) == 1 and "invalid" in bad_port.stderr


def test_a_busy_port_names_the_port_and_the_flag(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_cli("--port", str(port), cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.splitlines() == [
        f"sfn-emulator: error: port {port} is in use; choose another with --port"
    ]


def test_version_prints_the_version() -> None:
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("sfn-emulator 0.")


class Emulator:
    def __init__(self, *args: str, cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*EMULATOR, "--port", str(self.port), *args], cwd=cwd, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stderr is not None
        self.lines: list[str] = []
        for line in self.process.stderr:  # until it says it listens
            self.lines.append(line)
            if "listening on" in line:
                break
        else:
            raise AssertionError("".join(self.lines))

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        _, err = self.process.communicate(timeout=30)
        return "".join(self.lines) + err


@pytest.fixture
def functions(tmp_path: Path) -> Path:
    (tmp_path / "spin.py").write_text(
        "import os, time\n"
        "def handler(event, context):\n"
        "    with open('worker.pid', 'w') as f:\n"
        "        f.write(str(os.getpid()))\n"
        "    while True:\n"
        "        pass\n"
    )
    (tmp_path / "fail.py").write_text("def handler(event, context):\n    raise ValueError('no such order')\n")
    return tmp_path


def start_machine(server: Any, function: str) -> tuple[Any, str, str]:
    sfn = aws_client(server, "stepfunctions")
    name = f"cli-{function}-{time.monotonic_ns()}"
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function},
                "End": True,
            }
        },
    }
    arn = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE_ARN)[
        "stateMachineArn"
    ]
    return sfn, name, sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]


def test_json_log_lines_for_requests_and_executions(functions: Path) -> None:
    emulator = Emulator(
        "--log-format", "json", "--log-level", "DEBUG", "--lambda-handler", "fail=fail.handler", cwd=functions
    )
    try:
        sfn, machine, execution = start_machine(emulator, "fail")
        wait_finished(sfn, execution)
    finally:
        err = emulator.stop()
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert all(not record["logger"].startswith(("botocore", "moto", "urllib3")) for record in records)
    requests = [record for record in records if record["logger"] == "emulator.requests"]
    assert {"operation": "CreateStateMachine", "status": 200, "level": "DEBUG"}.items() <= requests[0].items()
    ended = next(
        record
        for record in records
        if record["logger"] == "emulator.executions" and record["status"] == "FAILED"
    )
    assert ended["machine"] == machine and ended["state"] == "Call" and ended["error"] == "ValueError"
    assert "no such order" in ended["cause"]
    lambda_lines = [record["message"] for record in records if record["logger"] == "lambda.fail"]
    assert any(line.startswith("[ERROR] ValueError: no such order") for line in lambda_lines)


def test_lambda_workers_end_when_the_emulator_is_killed(functions: Path) -> None:
    emulator = Emulator("--lambda-handler", "spin=spin.handler", cwd=functions)
    try:
        start_machine(emulator, "spin")
        pid_file = functions / "worker.pid"
        for _ in range(500):  # bounded: the worker writes its pid as it starts the event
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.02)
        worker = int(pid_file.read_text())
        assert alive(worker)
    finally:
        emulator.process.kill()  # SIGKILL: no clean-up runs
        emulator.process.wait(timeout=10)
    for _ in range(250):
        if not alive(worker):
            break
        time.sleep(0.02)
    assert not alive(worker), "the busy worker outlived the emulator"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture(autouse=True)
def _linux_only() -> Iterator[None]:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    yield
