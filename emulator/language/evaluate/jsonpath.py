"""JSONPath as Step Functions evaluates it, compiled once per definition.

Three roots are understood: ``$`` (the state's input), ``$$`` (the context object) and
``$name`` (a workflow variable). The text after the root is read by ``jsonpath_syntax`` (Jayway's
grammar, the one parser validation uses too). Definite paths made only of names and indices (``$``,
``$.a.b``, ``$.a[0]``, ``$['a']``, ``$.[0]``) are walked by hand — they are the hot path; a definite
path ending in several names (``$.a['b','c']``) gives one merged object; everything else (wildcards,
``..``, filters, slices, unions) goes through ``jsonpath_general`` and yields a list of matches,
possibly empty, as AWS does (``$.items[*]`` on ``{}`` is ``[]``).

AWS evaluates paths with Jayway JsonPath; the texts of ``PathNotFound.detail`` copy the wording it
shows in causes (``No results for path: $['a']``, ``Missing property in path $['a']``), with the
path rendered in bracket notation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from emulator.language.errors import ErrorName, StatesError
from emulator.language.evaluate.jsonpath_general import PathBudgetExceeded, find_all
from emulator.language.evaluate.jsonpath_syntax import (
    Function,
    Indexes,
    InvalidPath,
    Names,
    Token,
    is_definite,
    parse_tokens,
)
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json

__all__ = [
    "ROOT_CONTEXT",
    "ROOT_INPUT",
    "ROOT_VARIABLE",
    "InvalidPath",
    "JsonPath",
    "PathNotFound",
    "ReferencePath",
    "compile_path",
    "compile_reference_path",
    "is_path",
    "render_segments",
]

Segment = str | int

_VARIABLE_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

ROOT_INPUT = "input"
ROOT_CONTEXT = "context"
ROOT_VARIABLE = "variable"


class PathNotFound(Exception):
    """A definite path matched nothing. ``detail`` is the engine's explanation as AWS words it."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(detail)
        self.path = path
        self.detail = detail


def render_segments(segments: tuple[Segment, ...]) -> str:
    """Bracket notation, as AWS prints paths in causes: ``$['a'][0]``."""
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f"['{s}']" for s in segments)


def _java_type_name(value: Json) -> str:
    # The engine names the Java class of the node it could not descend into.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, int):
        return "java.lang.Integer"
    if isinstance(value, float):
        return "java.lang.Double"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, list):
        return "java.util.ArrayList"
    return "java.util.LinkedHashMap"


def _walk(path: str, segments: tuple[Segment, ...], value: Json) -> Json:
    current = value
    try:
        for segment in segments:
            if isinstance(segment, str):
                if current.__class__ is not dict:
                    break
                current = current[segment]
            else:
                if current.__class__ is not list:
                    break
                current = current[segment]
        else:
            return current
    except (KeyError, IndexError):
        pass
    raise _not_found(path, segments, value)


def _not_found(path: str, segments: tuple[Segment, ...], value: Json) -> PathNotFound:
    """Walk again, slowly, to say why nothing matched (only on the failure path)."""
    current = value
    last = len(segments) - 1
    for position, segment in enumerate(segments):
        if isinstance(segment, str):
            if isinstance(current, dict):
                if segment in current:
                    current = current[segment]
                    continue
                if position == last:
                    return PathNotFound(path, f"No results for path: {render_segments(segments)}")
                return PathNotFound(
                    path, f"Missing property in path {render_segments(segments[: position + 1])}"
                )
            return PathNotFound(
                path,
                f"Expected to find an object with property ['{segment}'] in path "
                f"{render_segments(segments[:position])} but found '{_java_type_name(current)}'. "
                "This is not a json object according to the JsonProvider: "
                "'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
            )
        if isinstance(current, list) and -len(current) <= segment < len(current):
            current = current[segment]
            continue
        break
    return PathNotFound(path, f"No results for path: {render_segments(segments)}")


def _segments(tokens: tuple[Token, ...]) -> tuple[Segment, ...] | None:
    """The names and indexes of a path made only of single names and single indexes, else None."""
    segments: list[Segment] = []
    for token in tokens:
        if isinstance(token, Names) and len(token.names) == 1:
            segments.append(token.names[0])
        elif isinstance(token, Indexes) and len(token.indexes) == 1:
            segments.append(token.indexes[0])
        else:
            return None
    return tuple(segments)


def parse_simple_segments(rest: str) -> tuple[Segment, ...] | None:
    """Names and indices after the root, or None when ``rest`` is not such a path (or no path)."""
    try:
        return _segments(parse_tokens(rest))
    except InvalidPath:
        return None


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A compiled JSONPath. ``get`` returns the value (definite paths) or the list of matches.

    ``segments`` is set for the hot path (single names and indexes, walked by hand); ``tokens`` holds
    the parsed path otherwise, evaluated by ``jsonpath_general``.
    """

    text: str
    root: str
    variable: str | None
    segments: tuple[Segment, ...] | None
    tokens: tuple[Token, ...] = ()
    definite: bool = True

    @property
    def is_definite(self) -> bool:
        return self.definite

    @property
    def is_context_path(self) -> bool:
        return self.root == ROOT_CONTEXT

    def get(
        self,
        value: Json,
        context: Mapping[str, Json] | None = None,
        variables: Mapping[str, Json] | None = None,
    ) -> Json:
        if self.root == ROOT_INPUT:
            document = value
        elif self.root == ROOT_CONTEXT:
            document = context if context is not None else {}
        else:
            name = self.variable or ""
            if variables is None or name not in variables:
                raise PathNotFound(self.text, f"The variable '${name}' is not defined")
            document = variables[name]
        if self.segments is not None:
            if not self.segments:
                return document
            return _walk(self.text, self.segments, document)
        return self._get_general(document)

    def _get_general(self, document: Json) -> Json:
        tokens = self.tokens
        last = tokens[-1]
        if isinstance(last, Function):
            # AWS accepts a function at the tail of a path but answers it as a path that matched
            # nothing: "The JSONPath '$.Jobs.sum()' … could not be found in the input".
            raise PathNotFound(self.text, f"No results for path: {self.text}")
        try:
            if self.definite:
                return self._merge(document)
            return find_all(tokens, document)
        except PathBudgetExceeded as error:
            raise PathNotFound(self.text, f"No results for path: {self.text} ({error})") from None

    def _merge(self, document: Json) -> Json:
        """A definite path ending in several names: one object with those of them the parent has."""
        prefix = _segments(self.tokens[:-1])
        last = self.tokens[-1]
        assert prefix is not None and isinstance(last, Names)
        parent = _walk(self.text, prefix, document) if prefix else document
        if not isinstance(parent, dict):
            names = ", ".join(f"'{name}'" for name in last.names)
            raise PathNotFound(
                self.text,
                f"Expected to find an object with property [{names}] in path {render_segments(prefix)} "
                f"but found '{_java_type_name(parent)}'. This is not a json object according to the "
                "JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
            )
        return {name: parent[name] for name in last.names if name in parent}


def compile_path(text: str) -> JsonPath:
    """Compile a JSONPath (``$…``), context path (``$$…``) or variable path (``$name…``).

    Raises ``InvalidPath`` (a ``ValueError``) when the text is not a path. The same parser answers
    validation, so a path is accepted at creation exactly when it compiles here.
    """
    if not isinstance(text, str) or not text.startswith("$"):
        raise InvalidPath(f"not a JSONPath: {text!r}")
    stripped = text.strip()
    if stripped.startswith("$$"):
        root, variable, rest = ROOT_CONTEXT, None, stripped[2:]
    elif (match := _VARIABLE_RE.match(stripped)) is not None:
        root, variable, rest = ROOT_VARIABLE, match.group(1), stripped[match.end() :]
    else:
        root, variable, rest = ROOT_INPUT, None, stripped[1:]
    try:
        tokens = parse_tokens(rest)
    except InvalidPath as error:
        raise InvalidPath(f"not a JSONPath: {text!r} ({error})") from None
    segments = _segments(tokens)
    if segments is not None:
        return JsonPath(text=text, root=root, variable=variable, segments=segments)
    return JsonPath(
        text=text, root=root, variable=variable, segments=None, tokens=tokens, definite=is_definite(tokens)
    )


def is_path(text: Json) -> bool:
    """True when ``text`` compiles as a path."""
    if not isinstance(text, str):
        return False
    try:
        compile_path(text)
    except InvalidPath:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ReferencePath:
    """A Reference Path (``$``, ``$.a.b``, ``$.a[0]``, ``$['a']``) used to place a result."""

    text: str
    segments: tuple[Segment, ...]

    def set(self, target: Json, value: Json) -> Json:
        """Return a new structure equal to ``target`` with ``value`` at this path.

        Containers along the path are copied shallowly; missing objects are created. Raises
        ``StatesError(States.ResultPathMatchFailure)`` when the target cannot hold the value.
        """
        if not self.segments:
            return value
        return self._set(target, 0, value, target)

    def _set(self, node: Json, position: int, value: Json, target: Json) -> Json:
        segment = self.segments[position]
        last = position == len(self.segments) - 1
        if isinstance(segment, str):
            if not isinstance(node, dict):
                raise self._failure(target)
            copy = dict(node)
            if last:
                copy[segment] = value
            else:
                child = node.get(segment, {})
                copy[segment] = self._set(child, position + 1, value, target)
            return copy
        if not isinstance(node, list) or not -len(node) <= segment < len(node):
            raise self._failure(target)
        items = list(node)
        items[segment] = value if last else self._set(node[segment], position + 1, value, target)
        return items

    def _failure(self, target: Json) -> StatesError:
        return StatesError(
            ErrorName.RESULT_PATH_MATCH_FAILURE,
            f"Unable to apply ReferencePath {self.text} to input {to_json_text(target)}",
        )


def compile_reference_path(text: str) -> ReferencePath:
    """Compile a Reference Path; raises ``InvalidPath`` for anything that is not one."""
    if not isinstance(text, str) or not text.startswith("$") or text.startswith("$$"):
        raise InvalidPath(f"not a reference path: {text!r}")
    segments = parse_simple_segments(text.strip()[1:])
    if segments is None:
        raise InvalidPath(f"not a reference path: {text!r}")
    return ReferencePath(text=text, segments=segments)
