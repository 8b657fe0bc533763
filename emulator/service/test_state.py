"""TestState: run one state in isolation (checked here; the run itself needs engine support)."""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import (
    InvalidDefinition,
    InvalidExecutionInput,
    UnsupportedOperation,
    ValidationException,
)
from emulator.model.jsontext import from_json_text
from emulator.service.environment import RequestContext, ServiceEnvironment


def _document(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise InvalidDefinition(f"Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {error}'")
    if not isinstance(document, dict):
        raise InvalidDefinition(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object'"
        )
    return document


async def test_state(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    document = _document(request["definition"])
    state_name = request.get("stateName")
    if "States" in document:
        states = document.get("States")
        if state_name is None:
            raise ValidationException("stateName must be specified when the definition is a state machine")
        if not isinstance(states, dict) or state_name not in states:
            raise ValidationException(f"State '{state_name}' does not exist in the state machine definition")
    elif "Type" not in document:
        raise InvalidDefinition(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [Type]'"
        )
    if request.get("revealSecrets") and request.get("inspectionLevel") != "TRACE":
        raise ValidationException("revealSecrets can only be set to true when inspectionLevel is TRACE")
    text = request.get("input")
    if text is not None:
        try:
            from_json_text(text)
        except ValueError as error:
            raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{error}'")
    run = getattr(env.engine, "test_state", None)
    if run is None:
        raise UnsupportedOperation(
            "The emulator does not implement TestState yet: its engine cannot run a single state in isolation."
        )
    result: dict[str, Any] = await run(request)
    return result
