"""The pytest plugin as users use it: the sample project in examples/order-workflow runs its own
tests with ``pytest`` in a subprocess (the plugin registers itself; no conftest), alone and under
pytest-xdist (one emulator per worker, every test starting from an empty emulator)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "examples" / "order-workflow"


def _pytest(
    folder: Path, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "ignore::DeprecationWarning", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def _passed(result: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"(\d+) passed", result.stdout)
    return int(match.group(1)) if match else 0


def test_the_sample_project_passes_its_own_tests_under_xdist_with_an_emulator_per_worker(
    tmp_path: Path,
) -> None:
    report = tmp_path / "workers.txt"
    # --dist each: every worker runs every test (with the default load scheduling, which worker gets
    # the isolation tests depends on timing, and a loaded machine can hand them all to one).
    result = _pytest(
        PROJECT, "-n", "2", "-p", "xdist", "--dist", "each", env={"ORDER_FLOW_WORKERS_REPORT": str(report)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert _passed(result) == 2 * 9 and "failed" not in result.stdout
    lines = report.read_text().split()
    workers = dict(zip(lines[::2], lines[1::2], strict=True))  # one emulator URL per worker
    assert set(workers) == {"gw0", "gw1"}  # both workers ran isolation tests …
    assert len(set(workers.values())) == 2  # … each on its own emulator


def test_a_failing_user_test_fails_the_run_and_state_never_leaks_into_the_next_test(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "import json\n"
        "DEFINITION = json.dumps({'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': True}}})\n"
        "def test_first_creates_a_machine(sfn):\n"
        "    sfn.create_state_machine(name='m', definition=DEFINITION, roleArn='arn:aws:iam::123456789012:role/r')\n"
        "    sfn.create_activity(name='a')\n"
        "def test_second_sees_nothing_of_it(sfn):\n"
        "    assert sfn.list_state_machines()['stateMachines'] == []\n"
        "    assert sfn.list_activities()['activities'] == []\n"
        "def test_a_wrong_expectation_fails(sfn_emulator):\n"
        "    assert sfn_emulator.run(DEFINITION, {'x': 1})['status'] == 'FAILED'\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    result = _pytest(tmp_path, "--durations=3")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed" in result.stdout
    assert "test_a_wrong_expectation_fails" in result.stdout


@pytest.mark.parametrize("mode", ["virtual", "real"])
def test_the_session_clock_is_chosen_on_the_command_line(tmp_path: Path, mode: str) -> None:
    (tmp_path / "test_mode.py").write_text(
        f"def test_mode(sfn_emulator):\n    assert sfn_emulator.clock.mode == {mode!r}\n"
        if mode != "real"
        else "def test_mode(sfn_emulator):\n    import pytest\n    with pytest.raises(Exception):\n"
        "        sfn_emulator.clock.advance(seconds=1)\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    result = _pytest(tmp_path, f"--sfn-clock={mode}")
    assert result.returncode == 0, result.stdout + result.stderr
