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
    refused = integration_diagnostics(definition)
    if refused:
        raise InvalidDefinition(invalid_definition_message(refused))
    return checked.definition


def integration_diagnostics(definition: str) -> list[Any]:
    """What the service integrations refuse in a definition the language accepts (an action the
    service lacks, a pattern it does not support, a field its API does not take)."""
    if _SERVICE_RESOURCE not in definition:
        return []
    import json

    from emulator.integrations.task_parameters import integration_diagnostics as diagnostics_of

    try:
        document = json.loads(definition)
    except ValueError:
        return []
    return diagnostics_of(document)


_SERVICE_RESOURCE = "arn:aws:states:::"


def validate_state_machine_definition(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    """ValidateStateMachineDefinition: the validator's diagnostics, shaped as AWS answers."""
    from emulator.language.validate import validate_definition, validation_response

    diagnostics = validate_definition(request["definition"], request.get("type") or "STANDARD")
    if not any(diagnostic.severity == "ERROR" for diagnostic in diagnostics):
        diagnostics = [*diagnostics, *integration_diagnostics(request["definition"])]
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
