"""`make ratchet`: rewrite compat_tests/conformance_passing.txt from a fresh strict conformance run."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.compat import REPO, run_conformance

PASSING = REPO / "compat_tests" / "conformance_passing.txt"


def main() -> int:
    shared = REPO.parent / "shared"
    if not (shared / "corpus").is_dir():
        print("no ../shared/corpus: nothing to ratchet")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        report = run_conformance(shared, Path(folder) / "report.json", [], echo=False)
    passed = sorted(case["id"] for case in report["cases"] if case["status"] == "passed")
    header = "# Conformance cases (../shared/corpus) that pass in strict mode; the ratchet test keeps them passing.\n"
    PASSING.write_text(header + "".join(f"{case_id}\n" for case_id in passed))
    print(f"{len(passed)} passing cases written to {PASSING.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
