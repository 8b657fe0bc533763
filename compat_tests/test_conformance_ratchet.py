"""The conformance ratchet: every case listed in conformance_passing.txt must keep passing.

Runs ../shared/tools/conformance.py (strict mode) over ../shared/corpus against a fresh emulator.
Skips when ../shared is absent (a user's clone). When more cases pass than the list holds, the
test says which to add (`make ratchet` rewrites the list).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.compat import REPO, run_conformance

SHARED = Path(os.environ.get("SFN_SHARED", REPO.parent / "shared"))
PASSING = Path(__file__).with_name("conformance_passing.txt")


def _listed() -> set[str]:
    if not PASSING.exists():
        return set()
    return {
        line.strip() for line in PASSING.read_text().splitlines() if line.strip() and not line.startswith("#")
    }


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason=f"no conformance corpus at {SHARED / 'corpus'}")
def test_every_listed_conformance_case_still_passes(tmp_path: Path) -> None:
    report = run_conformance(SHARED, tmp_path / "report.json", [], echo=False)
    status = {case["id"]: case for case in report["cases"]}
    regressed = sorted(case_id for case_id in _listed() if status.get(case_id, {}).get("status") != "passed")
    newly = sorted(cid for cid, case in status.items() if case["status"] == "passed" and cid not in _listed())
    if newly:
        print(
            f"\n{len(newly)} conformance cases pass but are not in {PASSING.name}; run `make ratchet` to add them."
        )
    details = [
        f"{cid}: {status.get(cid, {}).get('first_diff') or status.get(cid, {}).get('reason')}"
        for cid in regressed
    ]
    assert not regressed, "conformance cases stopped passing:\n" + "\n".join(details[:50])
