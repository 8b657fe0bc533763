"""Definition checking at CreateStateMachine/UpdateStateMachine: validate, then compile once."""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import InvalidDefinition
from emulator.service.environment import RequestContext, ServiceEnvironment


def compile_or_reject(definition: str, state_machine_type: str) -> Any:
    """Return the compiled definition or raise ``InvalidDefinition`` with AWS's message."""
    from emulator.language.errors import DefinitionError
    from emulator.language.parse import compile_definition
    from emulator.language.validate import invalid_definition_message, validate_definition
    from emulator.language.validate.json_text import too_deep_diagnostic

    diagnostics = validate_definition(definition, state_machine_type)
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    if errors:
        raise InvalidDefinition(invalid_definition_message(errors))
    try:
        return compile_definition(json.loads(definition))
    except RecursionError:  # nesting the validator could read but compilation cannot
        raise InvalidDefinition(invalid_definition_message([too_deep_diagnostic(definition)]))
    except DefinitionError as error:
        raise InvalidDefinition(
            f"Invalid State Machine Definition: '{error.code}: {error.message} at {error.location}'"
        )


def validate_state_machine_definition(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """ValidateStateMachineDefinition: the validator's diagnostics, shaped as AWS answers."""
    from emulator.language.validate import validate_definition, validation_response

    diagnostics = validate_definition(request["definition"], request.get("type") or "STANDARD")
    return validation_response(diagnostics, request.get("maxResults"), request.get("severity") or "ERROR")
