"""Replays self-contained StartExecution cases of the AWS-recorded corpus through
validate -> compile -> Engine (in-process, fake clock) and compares with what AWS recorded.

The comparison reuses the normalisation of the shared conformance runner
(``../shared/tools/conformance.py``) so it is as strict as the HTTP conformance run. Skips cleanly
when the corpus (``<repo>/../shared/corpus``) is absent.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from emulator.language.errors import DefinitionError
from emulator.language.validate import validate_definition
from tests.unit.runtime.harness import EXECUTION_NAME, MACHINE_NAME, REGION, ROLE_ARN, run_definition

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
CORPUS = SHARED / "corpus"
TOOL = SHARED / "tools" / "conformance.py"
CATEGORIES = ("base", "scenarios", "intrinsic_functions", "error_handling", "context_object")

# Cases whose recording the engine cannot reproduce on purpose (with the reason).
KNOWN_DIFFERENCES: dict[str, str] = {
    "test_base_scenarios__TestBaseScenarios__test_max_concurrency_path_negative": (
        "the recording holds only ExecutionStarted (snapshot taken before the run ended)"
    ),
    "test_base_scenarios__TestBaseScenarios__test_map_state_label": (
        "recorded Jul 2024: the first state's input is re-serialised compactly, while the recordings "
        "before it (and the engine) keep the caller's input text"
    ),
}


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
            ):
                continue
            if "JSONata" in text or '"Assign"' in text or re.search(r"\{\{[^}]+\}\}", text):
                continue
            selected.append(path)
    return selected


def _load_tool() -> Any:
    spec = importlib.util.spec_from_file_location("sfn_conformance_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sfn_conformance_tool", module)
    spec.loader.exec_module(module)
    return module


CASES = _selected_cases()


@pytest.fixture(scope="module")
def tool() -> Any:
    if not TOOL.is_file():
        pytest.skip("conformance tool not present")
    return _load_tool()


def _replacer(tool: Any, case: dict[str, Any]) -> Any:
    expected = json.dumps(case["expected"])
    role = (
        "snf_role_arn"
        if "snf_role_arn" in expected
        else "sfn_role_arn"
        if "sfn_role_arn" in expected
        else ROLE_ARN
    )
    substitutions = [
        (ROLE_ARN, role),
        (MACHINE_NAME, "<ArnPart_0idx>"),
        (EXECUTION_NAME, "<ExecArnPart_0idx>"),
        (REGION, "<region>"),
        ("arn:aws:", "arn:<partition>:"),
    ]

    def replace(text: str) -> str:
        if not text:
            return text
        text = tool.PATTERN_ISO8601.sub("date", text)
        for old, new in substitutions:
            text = text.replace(old, new)
        return text

    return replace


def _recorded_since(case: dict[str, Any], month: str) -> bool:
    """AWS changed how MapStateExited links to a Map Run in autumn 2024 (see runtime/work/distributed_map.py)."""
    day, mon, year = case.get("recorded_date", "01-01-2000")[:10].split("-")
    return f"{year}-{mon}" >= month


async def replay(tool: Any, path: Path) -> list[str]:
    """Run one case; returns the differences (empty when the engine matches AWS)."""
    case = json.loads(path.read_text())
    input_value = case.get("input")
    input_text = json.dumps(input_value) if input_value is not None else "{}"
    errors = [d for d in validate_definition(json.dumps(case["definition"])) if d.severity == "ERROR"]
    if errors:
        return [f"validate: {d.code} {d.message} at {d.location}" for d in errors]
    try:
        execution = await run_definition(
            case["definition"], input_text, map_exit_follows_run_start=_recorded_since(case, "2024-11")
        )
    except DefinitionError as error:
        if error.code == "UNSUPPORTED_FEATURE":
            pytest.xfail(f"not supported yet: {error.message}")
        return [f"compile: {error}"]
    replace = _replacer(tool, case)
    literal = {
        "<region>",
        "<partition>",
        "<ArnPart_0idx>",
        "<ExecArnPart_0idx>",
    } | tool.source_literal_tokens(tool.Case(str(path), case))
    comparator = tool.Comparator(False, literal, tool.find_masks(tool.Case(str(path), case)))
    wire = [event.to_wire() for event in execution.history.events]
    actual = tool.normalise({"events": wire}, replace)["events"]
    final = case["expected"].get("final")
    if final:
        expected_final = {k: v for k, v in final.items() if k != "source"}
        actual_final = tool.normalise(tool._final_from_history(wire), replace)
        comparator.compare("final", expected_final, actual_final)
    expected_history = case["expected"].get("history")
    if expected_history is not None:
        if any(isinstance(event, dict) and event.get("id") == [0] for event in expected_history):
            actual = tool._resort_parallel_expected(tool.parallel_normalise(actual))
            expected_history = tool._resort_parallel_expected(expected_history)
        comparator.compare("history", expected_history, actual)
    return [diff.short() for diff in comparator.diffs]


@pytest.mark.skipif(not CASES, reason="corpus not present")
@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem[:90]}" for p in CASES])
async def test_engine_reproduces_aws_recording(tool: Any, path: Path) -> None:
    if path.stem in KNOWN_DIFFERENCES:
        pytest.xfail(KNOWN_DIFFERENCES[path.stem])
    differences = await replay(tool, path)
    assert not differences, "\n".join(differences[:5])
