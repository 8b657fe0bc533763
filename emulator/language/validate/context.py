"""The state of one validation run: where diagnostics go and what the machine is."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.language.validate.diagnostics import ERROR, SCHEMA_VALIDATION_FAILED, WARNING, Diagnostic

JSONPATH = "JSONPath"
JSONATA = "JSONata"
QUERY_LANGUAGES = (JSONPATH, JSONATA)


@dataclass(slots=True)
class Checker:
    """Collects diagnostics for one definition.

    ``query_language`` is the machine's top-level one; states inherit it unless they set their own.
    """

    state_machine_type: str = "STANDARD"
    query_language: str = JSONPATH
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, location: str | None, code: str = SCHEMA_VALIDATION_FAILED) -> None:
        self.diagnostics.append(Diagnostic(ERROR, code, message, location))

    def warning(self, code: str, message: str, location: str | None) -> None:
        self.diagnostics.append(Diagnostic(WARNING, code, message, location))

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == ERROR)

    @property
    def is_express(self) -> bool:
        return self.state_machine_type == "EXPRESS"


def join(location: str, name: str) -> str:
    """``/States/A`` + ``Next`` → ``/States/A/Next``; the root is ``/``."""
    return f"/{name}" if location in ("", "/") else f"{location}/{name}"
