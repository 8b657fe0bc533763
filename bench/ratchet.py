"""`make ratchet`: rewrite compat_tests/conformance_passing.txt from fresh strict conformance runs.

Only cases that pass in every one of ``--runs`` runs (default 2) are listed, so a case whose result
depends on timing never enters the ratchet.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.compat import REPO, run_conformance

PASSING = REPO / "compat_tests" / "conformance_passing.txt"
# Cases whose recorded value depends on chance on AWS too (never listed): the Content-Length of a
# nested StartExecution answer varies with the start date's microseconds (Java drops a trailing 0).
# The same holds for the nested start of a .sync task with a task token (its StartExecution answer).
UNSTABLE = frozenset(
    {
        "test_sfn_task_service__TestTaskServiceSfn__test_start_execution",
        "test_callback__TestCallback__test_sync_with_task_token",
    }
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    shared = REPO.parent / "shared"
    if not (shared / "corpus").is_dir():
        print("no ../shared/corpus: nothing to ratchet")
        return 0
    stable: set[str] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            report = run_conformance(shared, Path(folder) / f"report{run}.json", [], echo=False)
            passed = {case["id"] for case in report["cases"] if case["status"] == "passed"}
            stable = passed if stable is None else stable & passed
            print(f"run {run + 1}: {len(passed)} passed")
    listed = sorted((stable or set()) - UNSTABLE)
    header = "# Conformance cases (../shared/corpus) that pass in strict mode; the ratchet test keeps them passing.\n"
    PASSING.write_text(header + "".join(f"{case_id}\n" for case_id in listed))
    print(f"{len(listed)} cases passing in every run written to {PASSING.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
