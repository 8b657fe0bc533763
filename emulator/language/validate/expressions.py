"""Validity of JSONPath fields, payload templates and intrinsic calls, delegated to the evaluators.

The evaluators (``emulator.language.evaluate``) compile what validation checks here, so a text that
validation accepts is one that compiles; we only decide which diagnostic to report, and where.
"""

from __future__ import annotations

from emulator.language.errors import DefinitionError
from emulator.language.evaluate.intrinsics import compile_intrinsic
from emulator.language.evaluate.jsonpath import compile_path, compile_reference_path
from emulator.language.evaluate.templates import compile_template
from emulator.language.validate.context import Checker
from emulator.model.types import Json

_INTRINSIC_PREFIX = "States."


def is_path(text: Json) -> bool:
    """A JSONPath, context path or variable path that compiles."""
    if not isinstance(text, str):
        return False
    try:
        compile_path(text)
    except (ValueError, DefinitionError):
        return False
    return True


def is_reference_path(text: Json) -> bool:
    if not isinstance(text, str):
        return False
    try:
        compile_reference_path(text)
    except (ValueError, DefinitionError):
        return False
    return True


def is_intrinsic_call(text: Json) -> bool:
    if not isinstance(text, str) or not text.startswith(_INTRINSIC_PREFIX):
        return False
    try:
        compile_intrinsic(text)
    except (ValueError, DefinitionError):
        return False
    return True


def is_path_or_intrinsic(text: Json) -> bool:
    return is_path(text) or is_intrinsic_call(text)


def check_path_field(checker: Checker, name: str, value: Json, location: str, nullable: bool = True) -> None:
    """``InputPath``/``OutputPath``/``ItemsPath``/…: a JSONPath (or null where AWS allows it)."""
    if value is None and nullable:
        return
    if not is_path(value):
        checker.error(f"The value for the field '{name}' must be a valid JSONPath", location)


def check_reference_path_field(checker: Checker, name: str, value: Json, location: str) -> None:
    """``ResultPath``: a Reference Path or null."""
    if value is None:
        return
    if not is_reference_path(value):
        checker.error(f"The value for the field '{name}' must be a valid ReferencePath", location)


def check_payload_template(checker: Checker, template: Json, location: str) -> None:
    """``Parameters``/``ResultSelector``/``ItemSelector``: every ``key.$`` holds a path or intrinsic."""
    try:
        compile_template(template, location)
    except DefinitionError as error:
        checker.error(error.message, location, error.code)
