"""Diagnostics: what validation finds, and the two ways AWS reports it.

CreateStateMachine/UpdateStateMachine fail with ``InvalidDefinition`` whose message joins every
error as ``<code>: <message> at <location>`` inside ``Invalid State Machine Definition: '…'``;
ValidateStateMachineDefinition answers with the diagnostics themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.model.types import Json, JsonObject

ERROR = "ERROR"
WARNING = "WARNING"

# AWS's diagnostic codes (API_ValidateStateMachineDefinitionDiagnostic).
INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
DUPLICATE_LABEL_NAME = "DUPLICATE_LABEL_NAME"
NO_DOLLAR = "NO_DOLLAR"
NO_PATH = "NO_PATH"
PASS_RESULT_IS_STATIC = "PASS_RESULT_IS_STATIC"

_DEFAULT_MAX_RESULTS = 100


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str
    code: str
    message: str
    location: str | None


def errors_of(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == ERROR]


def invalid_definition_message(diagnostics: list[Diagnostic], definition: str | None = None) -> str:
    """The ``message`` of the ``InvalidDefinition`` error for a definition with these diagnostics.

    The corpus records Map ``Label`` rejections as a Python ``ValueError`` text quoting the
    definition: that is another emulator's wording, not AWS's, so we answer those in AWS's form.
    ``definition`` is accepted for callers that have the text; it does not change the message.
    """
    errors = errors_of(diagnostics)
    parts = [f"{d.code}: {d.message} at {d.location if d.location is not None else 'null'}" for d in errors]
    return f"Invalid State Machine Definition: '{', '.join(parts)}'"


def validation_response(
    diagnostics: list[Diagnostic], max_results: int | None = None, severity: str = ERROR
) -> JsonObject:
    """The ValidateStateMachineDefinition response.

    ``severity`` is the request's minimum level: ``ERROR`` (the default) returns errors only,
    ``WARNING`` returns both. ``result`` is ``FAIL`` when any error exists, whatever is returned.
    ``max_results`` of ``None`` or ``0`` means AWS's default of 100.
    """
    limit = max_results or _DEFAULT_MAX_RESULTS
    shown = diagnostics if severity == WARNING else errors_of(diagnostics)
    listed: list[Json] = [_wire(d) for d in shown[:limit]]
    return {
        "result": "FAIL" if errors_of(diagnostics) else "OK",
        "diagnostics": listed,
        "truncated": len(shown) > limit,
    }


def _wire(diagnostic: Diagnostic) -> JsonObject:
    item: JsonObject = {
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "message": diagnostic.message,
    }
    if diagnostic.location is not None:
        item["location"] = diagnostic.location
    return item
