"""Workflow variables: compiled ``Assign`` blocks, AWS's limits, and the variables a state reads.

``Assign`` exists in both query languages. In a JSONPath state it is a payload template (``"x.$"``
keys take a path, a context path, a ``$variable`` path or an intrinsic call; other values are
literals, ``"{% … %}"`` included); in a JSONata state its values are literals or ``{% … %}``
expressions. Either way every value is computed against the variables as they were when the
state was entered; the runtime stores them only once the state is done (so ``Output`` and later
``Assign`` entries never see this state's assignments).

``variable_references`` is what ``DescribeStateMachine`` reports as ``variableReferences``: the
variables each state reads, in its own fields (not in its nested branches or item processor).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, cast

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate import jsonata
from emulator.language.evaluate import templates as jsonpath_templates
from emulator.language.evaluate.jsonata import JsonataBindings
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json, JsonObject

JSONATA: Final = "JSONata"
MAX_ASSIGN_BYTES: Final = 262_144
"""AWS: the values one ``Assign`` stores may total at most 256 KiB (one variable at most as much)."""
MAX_STORED_BYTES: Final = 10 * 1_048_576
"""AWS: the variables stored in one execution may total at most 10 MiB (workflow-variables.html)."""
STORED_LIMIT_CAUSE: Final = "The variables stored in the execution have a total size exceeding the maximum number of bytes service limit."

_NESTED_MACHINES: Final = frozenset({"ItemProcessor", "Iterator", "Branches"})
_VARIABLE_AT_START = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_VARIABLE_IN_CALL = re.compile(r"(?<![\w$.])\$([A-Za-z_][A-Za-z0-9_]*)")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


@dataclass(frozen=True, slots=True)
class Assignment:
    """A compiled, non-empty ``Assign`` block: ``names`` in definition order and one evaluator."""

    names: tuple[str, ...]
    jsonpath: jsonpath_templates.PayloadTemplate | None = None
    jsonata: jsonata.JsonataTemplate | None = None

    def evaluate_jsonpath(
        self,
        value: Json,
        context: Mapping[str, Json],
        variables: Mapping[str, Json],
        rng: random.Random | None = None,
    ) -> dict[str, Json]:
        """The values of a JSONPath ``Assign``; ``value`` is what ``$`` means for the state."""
        assert self.jsonpath is not None
        # An Assign block is an object, so its template builds one.
        return cast(JsonObject, self.jsonpath.evaluate(value, context, rng, variables))

    def evaluate_jsonata(self, bindings: JsonataBindings) -> dict[str, Json]:
        assert self.jsonata is not None
        return cast(JsonObject, self.jsonata.evaluate(bindings))  # an object, as above

    def evaluate(
        self,
        value: Json,
        context: Mapping[str, Json],
        variables: Mapping[str, Json],
        rng: random.Random | None,
        bindings: JsonataBindings | None,
    ) -> dict[str, Json]:
        if self.jsonata is not None:
            assert bindings is not None
            return self.evaluate_jsonata(bindings)
        return self.evaluate_jsonpath(value, context, variables, rng)


def compile_assign(raw: Json, query_language: str, location: str = "") -> Assignment | None:
    """Compile an ``Assign`` object (``None`` when absent or empty: nothing is recorded then)."""
    if not isinstance(raw, dict) or not raw:
        return None
    if query_language == JSONATA:
        return Assignment(names=tuple(raw), jsonata=jsonata.compile_template(raw, "Assign", location))
    names = tuple(key[:-2] if key.endswith(".$") else key for key in raw)
    return Assignment(names=names, jsonpath=jsonpath_templates.compile_template(raw, location))


def assigned_variables_text(assigned: Mapping[str, Json]) -> JsonObject:
    """The ``assignedVariables`` of a StateExited event: each value as compact JSON text.

    Raises ``States.DataLimitExceeded`` when the values exceed AWS's 256 KiB per ``Assign``.
    """
    texts = {name: to_json_text(value) for name, value in assigned.items()}
    total = sum(len(text) for text in texts.values())
    if (
        total > MAX_ASSIGN_BYTES // 4
        and sum(len(t.encode("utf-8", "replace")) for t in texts.values()) > MAX_ASSIGN_BYTES
    ):
        raise StatesError(
            ErrorName.DATA_LIMIT_EXCEEDED,
            "The assigned variables have a size exceeding the maximum number of bytes service limit.",
        )
    return cast(JsonObject, texts)  # strings are JSON values (``dict`` is invariant, hence the cast)


def variable_sizes(texts: Mapping[str, Json]) -> dict[str, int]:
    """The size of each assigned variable: the UTF-8 bytes of its JSON text (``assigned_variables_text``)."""
    return {
        name: len(text) if text.isascii() else len(text.encode("utf-8", "replace"))
        for name, text in texts.items()
        if isinstance(text, str)
    }


# --- variableReferences ------------------------------------------------------------------------


def variable_references(state: Mapping[str, Json], query_language: str) -> tuple[str, ...]:
    """The sorted names of the workflow variables ``state`` reads in its own fields."""
    found: set[str] = set()
    if query_language == JSONATA:
        _jsonata_references(state, found, top=True)
    else:
        _jsonpath_references(state, found, top=True)
    return tuple(sorted(found))


def _jsonata_references(node: object, found: set[str], top: bool = False) -> None:
    if isinstance(node, dict):
        for key, item in node.items():
            if top and key in _NESTED_MACHINES:
                continue
            _jsonata_references(item, found)
    elif isinstance(node, list):
        for item in node:
            _jsonata_references(item, found)
    elif jsonata.is_jsonata_expression(node):
        try:
            found.update(jsonata.referenced_variables(node))
        except Exception:  # an invalid expression is the validator's to report, not ours
            return


def _jsonpath_references(node: object, found: set[str], top: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _jsonpath_references(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, item in node.items():
        if top and (key in _NESTED_MACHINES or key == "Result"):
            continue
        if isinstance(item, str) and _reads_path(key):
            found.update(_variables_in_path_text(item))
        elif isinstance(item, dict | list):
            _jsonpath_references(item, found)


def _reads_path(key: str) -> bool:
    return key.endswith(".$") or key == "Variable" or (key.endswith("Path") and key != "ResultPath")


def _variables_in_path_text(text: str) -> set[str]:
    if text.startswith("$$"):
        return set()
    if text.startswith("$"):
        match = _VARIABLE_AT_START.match(text)
        return {match.group(1)} if match else set()
    # An intrinsic call: its path arguments, outside its quoted string literals.
    return set(_VARIABLE_IN_CALL.findall(_QUOTED.sub("''", text)))
