"""JSONPath as Step Functions evaluates it, compiled once per definition.

Three roots are understood: ``$`` (the state's input), ``$$`` (the context object) and
``$name`` (a workflow variable). Definite paths made only of names and indices (``$``, ``$.a.b``,
``$.a[0]``, ``$['a']``) are walked by hand — they are the hot path; everything else (wildcards,
``..``, filters, slices, unions) goes through ``jsonpath_ng.ext`` and yields a list of matches,
possibly empty, as AWS does (``$.items[*]`` on ``{}`` is ``[]``).

AWS evaluates paths with a Java JSONPath engine; the texts of ``PathNotFound.detail`` copy the
wording it shows in causes (``No results for path: $['a']``, ``Missing property in path $['a']``),
with the path rendered in bracket notation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonpath_ng.ext.parser import parse as _parse_general

from emulator.language.errors import ErrorName, StatesError
from emulator.model.jsontext import to_json_text
from emulator.model.types import Json

Segment = str | int

_NAME = r"[^.\[\]*?()@,'\"\s$]+"
_SEGMENT_RE = re.compile(
    rf"\.(?P<name>{_NAME})"
    # Inside quotes a backslash is literal (AWS reads the key a\\"b from a bracket with that text).
    r"|\[\s*'(?P<single>(?:[^'\\]|\\(?!'))*)'\s*\]"
    r'|\[\s*"(?P<double>(?:[^"\\]|\\(?!"))*)"\s*\]'
    r"|\[\s*(?P<index>-?\d+)\s*\]"
)
_VARIABLE_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

ROOT_INPUT = "input"
ROOT_CONTEXT = "context"
ROOT_VARIABLE = "variable"


class InvalidPath(ValueError):
    """The text is not a JSONPath (raised at compile time)."""


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


def parse_simple_segments(rest: str) -> tuple[Segment, ...] | None:
    """Names and indices after the root, or None when ``rest`` needs the general engine."""
    segments: list[Segment] = []
    position = 0
    while position < len(rest):
        match = _SEGMENT_RE.match(rest, position)
        if match is None:
            return None
        if match.group("name") is not None:
            segments.append(match.group("name"))
        elif match.group("single") is not None:
            segments.append(match.group("single"))
        elif match.group("double") is not None:
            segments.append(match.group("double"))
        else:
            segments.append(int(match.group("index")))
        position = match.end()
    return tuple(segments)


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A compiled JSONPath. ``get`` returns the value (definite paths) or the list of matches."""

    text: str
    root: str
    variable: str | None
    segments: tuple[Segment, ...] | None
    general: Any = None

    @property
    def is_definite(self) -> bool:
        return self.segments is not None

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
        try:
            return [match.value for match in self.general.find(document)]
        except (TypeError, ValueError, AttributeError, KeyError):
            # A filter comparing values of different types matches nothing rather than failing.
            return []


def compile_path(text: str) -> JsonPath:
    """Compile a JSONPath (``$…``), context path (``$$…``) or variable path (``$name…``).

    Raises ``InvalidPath`` (a ``ValueError``) when the text is not a path.
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
    segments = parse_simple_segments(rest)
    if segments is not None:
        return JsonPath(text=text, root=root, variable=variable, segments=segments)
    if rest.startswith("$"):
        raise InvalidPath(f"not a JSONPath: {text!r}")
    try:
        general = _parse_general("$" + rest)
    except Exception as error:  # jsonpath-ng raises assorted exception types for bad syntax
        raise InvalidPath(f"not a JSONPath: {text!r} ({error})") from None
    return JsonPath(text=text, root=root, variable=variable, segments=None, general=general)


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
