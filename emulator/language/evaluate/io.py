"""The JSONPath input/output pipeline of a state, written once.

``InputPath`` → (Parameters, by the state) → result → ``ResultSelector`` (by the state) →
``ResultPath`` → ``OutputPath``. Conventions for the path arguments (the state compiler's):
an absent field is passed compiled (``compile_path("$")`` / ``compile_reference_path("$")``, or
``ROOT_PATH`` / ``ROOT_REFERENCE_PATH``); JSON ``null`` is passed as ``None`` (``DISCARD``):
``InputPath: null`` and ``OutputPath: null`` give ``{}``, ``ResultPath: null`` keeps the input.

Errors carry AWS's inner cause; the interpreter prefixes ``runtime_error_prefix(...)`` for
``States.Runtime`` (AWS: ``An error occurred while executing the state 'pass' (entered at the
event id #2). Invalid path '$.x' : No results for path: $['x']``).
"""

from __future__ import annotations

from collections.abc import Mapping

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonpath import (
    JsonPath,
    PathNotFound,
    ReferencePath,
    compile_path,
    compile_reference_path,
)
from emulator.model.types import Json

DISCARD = None
ROOT_PATH = compile_path("$")
ROOT_REFERENCE_PATH = compile_reference_path("$")


def runtime_error_prefix(state_name: str, entered_event_id: int) -> str:
    """The text AWS puts before a state's ``States.Runtime`` cause."""
    return f"An error occurred while executing the state '{state_name}' (entered at the event id #{entered_event_id}). "


def invalid_path_cause(path: JsonPath, error: PathNotFound) -> str:
    """AWS's cause for a path field (InputPath, OutputPath, …SecondsPath) that matched nothing."""
    return f"Invalid path '{path.text}' : {error.detail}"


def select_path(
    path: JsonPath | None,
    value: Json,
    context: Mapping[str, Json] | None = None,
    variables: Mapping[str, Json] | None = None,
) -> Json:
    """Apply an InputPath/OutputPath-like field; ``None`` (JSON null) selects ``{}``."""
    if path is None:
        return {}
    if path.segments == () and path.root == ROOT_PATH.root:
        return value
    try:
        return path.get(value, context, variables)
    except PathNotFound as error:
        raise StatesError(ErrorName.RUNTIME, invalid_path_cause(path, error)) from None


def apply_input_path(
    path: JsonPath | None,
    value: Json,
    context: Mapping[str, Json] | None = None,
    variables: Mapping[str, Json] | None = None,
) -> Json:
    """The state's effective input. ``None`` is ``InputPath: null`` (gives ``{}``)."""
    return select_path(path, value, context, variables)


def apply_result_path(path: ReferencePath | None, state_input: Json, result: Json) -> Json:
    """Combine a state's input and result. ``None`` is ``ResultPath: null`` (keep the input).

    Raises ``StatesError(States.ResultPathMatchFailure)`` when the input cannot hold the result.
    """
    if path is None:
        return state_input
    return path.set(state_input, result)


def apply_output_path(
    path: JsonPath | None,
    value: Json,
    context: Mapping[str, Json] | None = None,
    variables: Mapping[str, Json] | None = None,
) -> Json:
    """The state's output. ``None`` is ``OutputPath: null`` (gives ``{}``)."""
    return select_path(path, value, context, variables)
