"""Corpus cases recorded against AWS, replayed through the evaluation layer alone.

Every self-contained case whose definition is a chain of Pass states using only Parameters /
Result / InputPath / ResultPath / OutputPath is run here with jsonpath, templates, intrinsics and
the io pipeline, and its final output (or error and cause) compared with the recording. The
``intrinsic_functions`` category must pass completely; other categories are replayed too.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.io import (
    ROOT_PATH,
    ROOT_REFERENCE_PATH,
    apply_input_path,
    apply_output_path,
    apply_result_path,
    runtime_error_prefix,
)
from emulator.language.evaluate.jsonpath import compile_path, compile_reference_path
from emulator.language.evaluate.templates import compile_template

CORPUS = Path(__file__).resolve().parents[4] / ".." / "shared" / "corpus"
ALLOWED_KEYS = {
    "Type",
    "Parameters",
    "Result",
    "InputPath",
    "ResultPath",
    "OutputPath",
    "Next",
    "End",
    "Comment",
}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

STATE_MACHINE_NAME = "<ArnPart_0idx>"
EXECUTION_NAME = "<ExecArnPart_0idx>"
STATE_MACHINE_ARN = f"arn:<partition>:states:<region>:111111111111:stateMachine:{STATE_MACHINE_NAME}"
EXECUTION_ARN = (
    f"arn:<partition>:states:<region>:111111111111:execution:{STATE_MACHINE_NAME}:{EXECUTION_NAME}"
)


def _is_pass_chain(case: dict[str, Any]) -> bool:
    definition = case.get("definition")
    if case.get("requires") or case.get("api") != "StartExecution" or not isinstance(definition, dict):
        return False
    if definition.get("QueryLanguage", "JSONPath") != "JSONPath" or "States" not in definition:
        return False
    final = case.get("expected", {}).get("final") or {}
    if final.get("status") not in ("SUCCEEDED", "FAILED") or final.get("error") == "States.DataLimitExceeded":
        return False  # payload size limits are the runtime's business
    return all(
        state.get("Type") == "Pass" and set(state) <= ALLOWED_KEYS for state in definition["States"].values()
    )


def _cases(categories: tuple[str, ...] | None) -> list[Any]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.glob("*/*.json")):
        category = path.parent.name
        if categories is not None and category not in categories:
            continue
        if categories is None and category == "intrinsic_functions":
            continue
        case = json.loads(path.read_text())
        if _is_pass_chain(case):
            found.append(pytest.param(case, id=f"{category}/{path.stem}"))
    return found


def _context(case_input: Any, state_name: str) -> dict[str, Any]:
    return {
        "Execution": {
            "Id": EXECUTION_ARN,
            "Input": case_input,
            "Name": EXECUTION_NAME,
            "RoleArn": "snf_role_arn",
            "StartTime": "date",
            "RedriveCount": 0,
        },
        "State": {"EnteredTime": "date", "Name": state_name},
        "StateMachine": {"Id": STATE_MACHINE_ARN, "Name": STATE_MACHINE_NAME},
    }


def _path(state: dict[str, Any], key: str):
    if key not in state:
        return ROOT_PATH
    return None if state[key] is None else compile_path(state[key])


def _run(definition: dict[str, Any], case_input: Any) -> Any:
    rng = random.Random(7)
    name = definition["StartAt"]
    value = case_input
    entered_event_id = 2
    while True:
        state = definition["States"][name]
        context = _context(case_input, name)
        try:
            effective = apply_input_path(_path(state, "InputPath"), value, context)
            if "Parameters" in state:
                effective = compile_template(state["Parameters"]).evaluate(effective, context, rng)
            result = state.get("Result", effective)
            if "ResultPath" not in state:
                reference = ROOT_REFERENCE_PATH
            else:
                reference = (
                    None if state["ResultPath"] is None else compile_reference_path(state["ResultPath"])
                )
            value = apply_output_path(
                _path(state, "OutputPath"), apply_result_path(reference, value, result), context
            )
        except StatesError as error:
            prefix = runtime_error_prefix(name, entered_event_id) if error.error == "States.Runtime" else ""
            raise StatesError(error.error, prefix + (error.cause or "")) from None
        if state.get("End"):
            return value
        name = state["Next"]
        entered_event_id += 2


def _recorded_form(value: Any) -> Any:
    """The snapshot keeps JSON objects parsed and everything else as JSON text."""
    return value if isinstance(value, dict) else json.dumps(value)


def _matches(actual: Any, expected: Any) -> bool:
    if expected == "RandomNumberGenerated":
        return isinstance(actual, int)
    if expected == "generated-uuid":
        return isinstance(actual, str) and UUID_RE.match(actual) is not None
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(_matches(actual[k], expected[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_matches(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return type(actual) is type(expected) and actual == expected


def _check(case: dict[str, Any]) -> None:
    final = case["expected"]["final"]
    try:
        output = _run(case["definition"], case["input"])
    except StatesError as error:
        assert final["status"] == "FAILED", f"unexpected {error.error}: {error.cause}"
        assert error.error == final["error"]
        pattern = re.escape(final["cause"])
        pattern = re.sub(r"<json\\-input:\d+>", ".*", pattern)
        assert re.fullmatch(pattern, error.cause or ""), error.cause
        return
    assert final["status"] == "SUCCEEDED", f"succeeded with {output!r}, expected {final}"
    expected = final["output"]
    if isinstance(expected, str) and not isinstance(output, dict):
        expected = json.loads(expected)
    assert _matches(output, expected), f"{output!r} != {expected!r}"


@pytest.fixture(autouse=True)
def _need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("conformance corpus not available")


@pytest.mark.parametrize("case", _cases(("intrinsic_functions",)) or [pytest.param(None, id="no-corpus")])
def test_intrinsic_case_matches_aws(case: dict[str, Any] | None) -> None:
    assert case is not None
    _check(case)


@pytest.mark.parametrize("case", _cases(None) or [pytest.param(None, id="no-corpus")])
def test_pass_chain_case_matches_aws(case: dict[str, Any] | None) -> None:
    assert case is not None
    _check(case)
