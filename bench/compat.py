"""`make compat`: start the emulator, replay ../shared/corpus with the shared conformance runner.

    python -m bench.compat [--shared ../shared] [--report compat-report.json] [runner args…]

Prints the runner's table; the last line is the runner's ``N passed, N failed``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorProcess:
    """The emulator as a child process on a free loopback port (no waiting in Wait states)."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            WAIT_TIME_SCALE=os.environ.get("COMPAT_WAIT_TIME_SCALE", "0.1"),
            LOG_LEVEL="WARNING",
            **(extra_env or {}),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_emulator/health", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the emulator did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_conformance(shared: Path, report: Path, runner_args: list[str], echo: bool = True) -> dict:
    """Run the shared conformance runner against a fresh emulator; return its JSON report."""
    from bench.conformance_plugin import setups_environment

    server = EmulatorProcess(extra_env=setups_environment())
    try:
        command = [
            sys.executable,
            "-m",
            "bench.conformance_plugin",
            "--endpoint",
            server.url,
            "--corpus",
            str(shared / "corpus"),
            "--jobs",
            "8",
            "--timeout",
            "30",
            "--report",
            str(report),
            *runner_args,
        ]
        environment = dict(os.environ, SFN_SHARED=str(shared))
        completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=environment)
        if echo:
            sys.stdout.write(completed.stdout)
            sys.stderr.write(completed.stderr)
        if completed.returncode != 0:
            raise RuntimeError(
                f"conformance runner exited {completed.returncode}: {completed.stdout[-2000:]}"
            )
        return json.loads(report.read_text())
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--report", default=str(REPO / "compat-report.json"))
    args, rest = parser.parse_known_args(argv)
    shared = Path(args.shared)
    if not (shared / "corpus").is_dir():
        print(f"no corpus at {shared / 'corpus'}: nothing to run")
        return 0
    run_conformance(shared, Path(args.report), rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
