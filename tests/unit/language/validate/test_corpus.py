"""Validation against the AWS-recorded corpus: exact messages for the definitions AWS rejected,
and no error at all for every definition AWS accepted (a false rejection breaks everything)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from emulator.language.validate import (
    errors_of,
    invalid_definition_message,
    validate_definition,
    validation_response,
)

CORPUS = Path(__file__).resolve().parents[4].parent / "shared" / "corpus"
_ACCOUNT_ARN = "us-east-1:111111111111"


def _cases() -> list[tuple[str, dict[str, Any]]]:
    if not CORPUS.is_dir():
        return []
    return [(path.stem, json.loads(path.read_text())) for path in sorted(CORPUS.glob("*/*.json"))]


_ALL = _cases()
pytestmark = pytest.mark.skipif(not _ALL, reason="conformance corpus not present")


def _value_for(token: str, spec: dict[str, Any]) -> str:
    origin = spec.get("origin") or {}
    hint = f"{token} {origin.get('call')} {origin.get('attribute')}".lower()
    if "activityarn" in hint or "activity_arn" in hint:
        return f"arn:aws:states:{_ACCOUNT_ARN}:activity:activity"
    if "statemachinearn" in hint:
        return f"arn:aws:states:{_ACCOUNT_ARN}:stateMachine:machine"
    if "functionarn" in hint:
        return f"arn:aws:lambda:{_ACCOUNT_ARN}:function:function"
    if "topicarn" in hint:
        return f"arn:aws:sns:{_ACCOUNT_ARN}:topic"
    if "role" in hint:
        return "arn:aws:iam::111111111111:role/role"
    if token == "{{region}}":
        return "us-east-1"
    return str(spec.get("fake_value") or "value")


def _definition_text(case: dict[str, Any], definition: Any) -> str:
    """The text the test sent: ``json.dumps`` of the definition with its tokens filled in."""
    if definition is None and "definition_text" in case:
        return str(case["definition_text"])
    text = json.dumps(definition)
    for token, spec in (case.get("placeholders") or {}).items():
        text = text.replace(token, _value_for(token, spec))
    return text.replace("arn:<partition>:", "arn:aws:").replace("<region>", "us-east-1")


def _normalise(text: str) -> str:
    return re.sub(r"arn:aws:", "arn:<partition>:", text)


def _recorded_invalid_definition(rejection: dict[str, Any]) -> str | None:
    """The InvalidDefinition message of a CreateStateMachine rejection, or None for other errors."""
    for value in rejection.values():
        if value.get("exception_typename") == "InvalidDefinition":
            return str(value["exception_value"]).split("operation: ", 1)[1]
        error = value.get("Error") or {}
        if error.get("Code") == "InvalidDefinition":
            return str(error["Message"])
    return None


_REJECTED = [
    (name, case)
    for name, case in _ALL
    if "rejection" in case["expected"]
    and (
        case["api"] == "ValidateStateMachineDefinition"
        or _recorded_invalid_definition(case["expected"]["rejection"]) is not None
    )
]
_ACCEPTED = [
    (f"{name}#{index}", case, definition)
    for name, case in _ALL
    if "rejection" not in case["expected"]
    for index, definition in enumerate(
        [case["definition"]] + [extra["definition"] for extra in case.get("extra_state_machines") or []]
    )
    if isinstance(definition, dict) and "States" in definition
]


@pytest.mark.parametrize(("name", "case"), _REJECTED, ids=[name for name, _ in _REJECTED])
def test_rejected_definition_is_reported_as_aws_does(name: str, case: dict[str, Any]) -> None:
    text = _definition_text(case, case["definition"])
    diagnostics = validate_definition(text, case["state_machine_type"] or "STANDARD")
    rejection = case["expected"]["rejection"]
    if case["api"] == "ValidateStateMachineDefinition":
        recorded = dict(rejection["validation_response"])
        recorded.pop("ResponseMetadata", None)
        assert validation_response(diagnostics, None) == recorded
    else:
        message = invalid_definition_message(diagnostics, text)
        recorded = _recorded_invalid_definition(rejection)
        assert recorded is not None
        if recorded.startswith("Error=ValueError"):
            # Map Label cases: the corpus holds another emulator's Python exception text, not AWS's;
            # we reject with the same code and reason in AWS's message form instead.
            reason = re.search(r"Args=\[([\"'])(.*?)\1\]", recorded)
            assert reason is not None
            assert message.startswith("Invalid State Machine Definition: 'INVALID_LABEL_NAME: ")
            assert reason.group(2).split(":")[0] in message
        else:
            assert _normalise(message) == recorded


@pytest.mark.parametrize(("name", "case", "definition"), _ACCEPTED, ids=[name for name, _, _ in _ACCEPTED])
def test_accepted_definition_has_no_error(
    name: str, case: dict[str, Any], definition: dict[str, Any]
) -> None:
    text = _definition_text(case, definition)
    assert errors_of(validate_definition(text, case["state_machine_type"] or "STANDARD")) == []
