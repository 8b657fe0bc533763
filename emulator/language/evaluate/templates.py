"""Payload templates (Parameters, ResultSelector, ItemSelector, legacy Map Parameters).

A key ending in ``.$`` takes a path (``$.x``), a context path (``$$.x``), a variable path
(``$var``) or an intrinsic call; the output key drops the ``.$``. Nested objects and arrays are
templates too. Compiled once; a template with no dynamic part evaluates to its constant (the
very same object, never rebuilt).

Errors:
- at compile time ``DefinitionError("SCHEMA_VALIDATION_FAILED", "The value for the field '<key>'
  must be a valid JSONPath or a valid intrinsic function call", location)``;
- at run time ``StatesError("States.Runtime", cause)`` when a path matches nothing, with AWS's
  inner cause ``The JSONPath '<path>' specified for the field '<key>' could not be found in the
  input '<json>'``. The interpreter adds its prefix (``An error occurred while executing the state
  '<name>' (entered at the event id #N). ``) — see ``runtime_error_prefix`` in io.py.
  ``<json>`` is the document the path was evaluated against (the state input for ``$``, the
  context object for ``$$``); the corpus hides it, so the ``$$`` choice is unverified.
  Intrinsic failures propagate as ``StatesError("States.IntrinsicFailure", …)``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from emulator.language.errors import DefinitionError, ErrorName, StatesError
from emulator.language.evaluate.intrinsics import Intrinsic, InvalidIntrinsic, compile_intrinsic, is_intrinsic
from emulator.language.evaluate.jsonpath import (
    ROOT_CONTEXT,
    ROOT_VARIABLE,
    InvalidPath,
    JsonPath,
    PathNotFound,
    compile_path,
)
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json

Variables = Mapping[str, Json] | None
Context = Mapping[str, Json] | None


def path_not_found_cause(
    path: JsonPath, field: str, value: Json, context: Mapping[str, Json] | None, variables: Variables
) -> str:
    """AWS's cause (without the state prefix) for a template path that matched nothing."""
    document: object
    if path.root == ROOT_CONTEXT:
        document = context
    elif path.root == ROOT_VARIABLE and variables is not None:
        document = variables.get(path.variable or "")
    else:
        document = value
    return (
        f"The JSONPath '{path.text}' specified for the field '{field}' could not be found in the input "
        f"'{to_json_text(document)}'"
    )


@dataclass(frozen=True, slots=True)
class _Constant:
    value: Json

    def evaluate(
        self, value: Json, context: Context, rng: random.Random | None, variables: Variables
    ) -> Json:
        return self.value


@dataclass(frozen=True, slots=True)
class _Path:
    field: str
    path: JsonPath

    def evaluate(
        self, value: Json, context: Context, rng: random.Random | None, variables: Variables
    ) -> Json:
        try:
            return self.path.get(value, context, variables)
        except PathNotFound:
            raise StatesError(
                ErrorName.RUNTIME, path_not_found_cause(self.path, self.field, value, context, variables)
            ) from None


@dataclass(frozen=True, slots=True)
class _Call:
    field: str
    intrinsic: Intrinsic

    def evaluate(
        self, value: Json, context: Context, rng: random.Random | None, variables: Variables
    ) -> Json:
        try:
            return self.intrinsic.evaluate(value, context, rng, variables)
        except PathNotFound as error:
            path = compile_path(error.path)
            raise StatesError(
                ErrorName.RUNTIME, path_not_found_cause(path, self.field, value, context, variables)
            ) from None


@dataclass(frozen=True, slots=True)
class _Object:
    fields: tuple[tuple[str, _Node], ...]

    def evaluate(
        self, value: Json, context: Context, rng: random.Random | None, variables: Variables
    ) -> Json:
        return {key: node.evaluate(value, context, rng, variables) for key, node in self.fields}


@dataclass(frozen=True, slots=True)
class _Array:
    items: tuple[_Node, ...]

    def evaluate(
        self, value: Json, context: Context, rng: random.Random | None, variables: Variables
    ) -> Json:
        return [node.evaluate(value, context, rng, variables) for node in self.items]


_Node = _Constant | _Path | _Call | _Object | _Array


@dataclass(frozen=True, slots=True)
class PayloadTemplate:
    """A compiled payload template; ``evaluate`` builds the payload for one state input."""

    root: _Node

    @property
    def is_constant(self) -> bool:
        return isinstance(self.root, _Constant)

    def evaluate(
        self,
        value: Json,
        context: Mapping[str, Json] | None = None,
        rng: random.Random | None = None,
        variables: Variables = None,
    ) -> Json:
        return self.root.evaluate(value, context, rng, variables)


def compile_template(template: Json, location: str = "") -> PayloadTemplate:
    """Compile a payload template. ``location`` (``/States/Foo/Parameters``) locates errors."""
    return PayloadTemplate(_compile(template, location))


def compile_dynamic_value(field: str, text: Json, location: str = "") -> _Path | _Call:
    """Compile the value of one ``.$`` field (also usable for fields like ``ItemsPath``-style ``.$``)."""
    if isinstance(text, str):
        try:
            if is_intrinsic(text):
                return _Call(field, compile_intrinsic(text))
            if text.startswith("$"):
                return _Path(field, compile_path(text))
        except (InvalidIntrinsic, InvalidPath):
            pass
    raise DefinitionError(
        "SCHEMA_VALIDATION_FAILED",
        f"The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call",
        location,
    )


def _compile(template: Json, location: str) -> _Node:
    if isinstance(template, dict):
        fields: list[tuple[str, _Node]] = []
        for key, item in template.items():
            if key.endswith(".$"):
                fields.append((key[:-2], compile_dynamic_value(key, item, location)))
            else:
                fields.append((key, _compile(item, location)))
        if all(isinstance(node, _Constant) for _, node in fields):
            return _Constant(template)
        return _Object(tuple(fields))
    if isinstance(template, list):
        items = tuple(_compile(item, location) for item in template)
        if all(isinstance(node, _Constant) for node in items):
            return _Constant(template)
        return _Array(items)
    return _Constant(template)
