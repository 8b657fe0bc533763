"""Definition checking at CreateStateMachine/UpdateStateMachine: validate, then compile once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.errors import InvalidDefinition
from emulator.service.environment import RequestContext, ServiceEnvironment

if TYPE_CHECKING:
    from emulator.language.parse.definition import Definition


def compile_or_reject(definition: str, state_machine_type: str) -> Definition:
    """Return the compiled definition or raise ``InvalidDefinition`` with AWS's message."""
    from emulator.language.definitions import check_definition
    from emulator.language.errors import DefinitionError
    from emulator.language.validate import invalid_definition_message
    from emulator.language.validate.json_text import too_deep_diagnostic

    try:
        checked = check_definition(definition, state_machine_type)
    except RecursionError:  # nesting the validator could read but compilation cannot
        raise InvalidDefinition(invalid_definition_message([too_deep_diagnostic(definition)]))
    except DefinitionError as error:
        raise InvalidDefinition(
            f"Invalid State Machine Definition: '{error.code}: {error.message} at {error.location}'"
        )
    if checked.definition is None:
        raise InvalidDefinition(invalid_definition_message(checked.errors))
    return checked.definition


def validate_state_machine_definition(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """ValidateStateMachineDefinition: the validator's diagnostics, shaped as AWS answers."""
    from emulator.language.validate import validate_definition, validation_response

    diagnostics = validate_definition(request["definition"], request.get("type") or "STANDARD")
    return validation_response(diagnostics, request.get("maxResults"), request.get("severity") or "ERROR")


def find_path_matches(path: str, value: Any) -> list[Any]:
    """The nodes a JSONPath selects in ``value``, read as Step Functions reads paths: one node (or
    none) for a definite path, every match for an indefinite one. ``ValueError`` when ``path`` is
    not a JSONPath."""
    from emulator.language.evaluate.jsonpath import PathNotFound, compile_path

    compiled = compile_path(path)
    try:
        found = compiled.get(value)
    except PathNotFound:
        return []
    if compiled.is_definite:
        return [found]
    return list(found) if isinstance(found, list) else [found]
