"""Whole-definition validation: the checks CreateStateMachine, UpdateStateMachine and
ValidateStateMachineDefinition run, with AWS's diagnostic codes, messages and locations.

``validate_definition`` reads the text and returns every diagnostic; ``invalid_definition_message``
words them as the ``InvalidDefinition`` error; ``validation_response`` shapes them as the
ValidateStateMachineDefinition answer.
"""

from __future__ import annotations

from emulator.language.validate.context import JSONATA, QUERY_LANGUAGES, Checker
from emulator.language.validate.diagnostics import (
    ERROR,
    WARNING,
    Diagnostic,
    errors_of,
    invalid_definition_message,
    validation_response,
)
from emulator.language.validate.graph import check_transitions
from emulator.language.validate.json_text import parse_definition_text, too_deep_diagnostic
from emulator.language.validate.states import check_machine
from emulator.model.types import JsonObject

__all__ = [
    "ERROR",
    "WARNING",
    "Diagnostic",
    "errors_of",
    "invalid_definition_message",
    "validate_definition",
    "validate_document",
    "validation_response",
]


def validate_definition(text: str, state_machine_type: str = "STANDARD") -> list[Diagnostic]:
    """Every diagnostic for the definition ``text`` of a machine of ``state_machine_type``."""
    return validate_document(text, state_machine_type)[0]


def validate_document(
    text: str, state_machine_type: str = "STANDARD"
) -> tuple[list[Diagnostic], JsonObject | None]:
    """Every diagnostic for the definition ``text``, and the document read from it (None when the
    text is no JSON object), so that compilation reads the same document (the text is parsed once).

    Schema checks come first; transitions are checked only on a schema-valid definition, as
    AWS does (its transition errors assume well-formed states).
    """
    document, problem = parse_definition_text(text)
    if problem is not None:
        return [problem], None
    assert document is not None
    top_language = document.get("QueryLanguage")
    checker = Checker(
        state_machine_type=state_machine_type,
        query_language=JSONATA if top_language == JSONATA else QUERY_LANGUAGES[0],
    )
    try:
        check_machine(checker, document, "/")
        if checker.error_count == 0:
            check_transitions(checker, document)
    except RecursionError:  # values nested almost as deep as the parser allows
        return [too_deep_diagnostic(text)], document
    return checker.diagnostics, document
