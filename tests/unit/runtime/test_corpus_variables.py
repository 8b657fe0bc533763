"""Replays the self-contained corpus cases that use JSONata or workflow variables through
validate -> compile -> Engine, strictly compared with AWS's recording (see test_corpus_engine).

Skips cleanly when the corpus (``<repo>/../shared/corpus``) is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.unit.runtime.test_corpus_engine import CORPUS, TOOL, _load_tool, replay

CATEGORIES = (
    "assign",
    "arguments",
    "evaluate_jsonata",
    "outputdecl",
    "query_language",
    "states_variables",
    "intrinsic_functions",
    "scenarios",
    "base",
    "choice_operators",
    "context_object",
    "error_handling",
)

# Cases the engine does not reproduce, with the reason.
KNOWN_DIFFERENCES: dict[str, str] = {}


def _selected_cases() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    selected = []
    for category in CATEGORIES:
        for path in sorted((CORPUS / category).glob("*.json")):
            case = json.loads(path.read_text())
            text = json.dumps(case["definition"])
            if (
                case["api"] != "StartExecution"
                or case["requires"]
                or case.get("state_machine_type") == "EXPRESS"
                or re.search(r"\{\{[^}]+\}\}", text)
            ):
                continue
            if "JSONata" in text or '"Assign"' in text:
                selected.append(path)
    return selected


CASES = _selected_cases()


@pytest.fixture(scope="module")
def tool() -> Any:
    if not TOOL.is_file():
        pytest.skip("conformance tool not present")
    return _load_tool()


@pytest.mark.skipif(not CASES, reason="corpus not present")
@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem[:90]}" for p in CASES])
async def test_engine_reproduces_aws_recording_of_jsonata_and_variables(tool: Any, path: Path) -> None:
    if path.stem in KNOWN_DIFFERENCES:
        pytest.xfail(KNOWN_DIFFERENCES[path.stem])
    differences = await replay(tool, path)
    assert not differences, "\n".join(differences[:5])
