"""A definition's text, read once: validated, then (when valid) compiled from the same document.

CreateStateMachine, UpdateStateMachine and TestState (with a whole definition) call
``check_definition``; ValidateStateMachineDefinition only needs the diagnostics
(``validate.validate_definition``). Compilation consumes what validation read: the text is
parsed once, and the compiler builds states from a document validation has accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.language.parse.definition import Definition, compile_definition
from emulator.language.validate import ERROR, Diagnostic, validate_document


@dataclass(frozen=True, slots=True)
class CheckedDefinition:
    """Every diagnostic of the definition; ``definition`` is the compiled machine, or None when
    an ERROR diagnostic rejects it."""

    diagnostics: tuple[Diagnostic, ...]
    definition: Definition | None

    @property
    def errors(self) -> list[Diagnostic]:
        return [diagnostic for diagnostic in self.diagnostics if diagnostic.severity == ERROR]


def check_definition(text: str, state_machine_type: str = "STANDARD") -> CheckedDefinition:
    """Validate ``text`` and compile the document it holds when nothing rejects it.

    Raises ``DefinitionError`` when the compiler meets what the validator let through, and
    ``RecursionError`` for nesting the validator could read but compilation cannot."""
    diagnostics, document = validate_document(text, state_machine_type)
    found = tuple(diagnostics)
    if document is None or any(diagnostic.severity == ERROR for diagnostic in found):
        return CheckedDefinition(found, None)
    return CheckedDefinition(found, compile_definition(document))
