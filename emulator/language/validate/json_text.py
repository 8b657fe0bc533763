"""Reading the definition text, with AWS's diagnostics for text that is not a JSON object.

AWS parses definitions with Jackson, and its ``INVALID_JSON_DESCRIPTION`` diagnostics carry
Jackson's wording and location (``Unrecognized token 'not': … at [Source: (String)"…"; line: 1,
column: 4]``). Python's parser decides whether the text is valid; only on failure do we rescan
the text to word the error the way Jackson would.
"""

from __future__ import annotations

import json
import math
from typing import Any

from emulator.language.validate.diagnostics import (
    ERROR,
    INVALID_JSON_DESCRIPTION,
    SCHEMA_VALIDATION_FAILED,
    Diagnostic,
)
from emulator.model.types import JsonObject

_SOURCE_LIMIT = 500  # Jackson quotes at most this many characters of the source
_MAX_NUMBER_LENGTH = 1000  # Jackson's StreamReadConstraints defaults
_MAX_NESTING_DEPTH = 1000
_NON_NUMERIC = ("NaN", "Infinity", "-Infinity", "+Infinity")
_EXPECTING_VALUE = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_NOT_AN_OBJECT = Diagnostic(ERROR, SCHEMA_VALIDATION_FAILED, "Definition must be a valid JSON object", None)
_WHITESPACE = " \t\r\n"


def parse_definition_text(text: str) -> tuple[JsonObject | None, Diagnostic | None]:
    """The definition as a dict, or the diagnostic explaining why it is not one."""
    try:
        document, _end = _DECODER.raw_decode(text, _skip_whitespace(text, 0))
    except RecursionError:
        return None, too_deep_diagnostic(text)
    except (ValueError, IndexError):  # JSONDecodeError, or a number no JSON value may hold
        if not text.strip(_WHITESPACE):
            return None, _NOT_AN_OBJECT
        return None, _jackson_diagnostic(text)
    if not isinstance(document, dict):
        return None, _NOT_AN_OBJECT
    return document, None


def _reject_number(text: str) -> Any:
    raise ValueError(f"not a JSON number: {text[:20]}")


def _integer(text: str) -> int:
    if len(text) > _MAX_NUMBER_LENGTH:
        _reject_number(text)
    return int(text)


def _float(text: str) -> float:
    number = float(text)
    if len(text) > _MAX_NUMBER_LENGTH or math.isinf(number):
        _reject_number(text)
    return number


# Python would read NaN / Infinity, numbers past a double's range (as inf) and fail on integers of
# more than 4300 digits with a bare ValueError; Jackson rejects the first and the last, and an
# infinite number could never be written back as JSON. All three are reported where they stand.
_DECODER = json.JSONDecoder(parse_constant=_reject_number, parse_int=_integer, parse_float=_float)


def _skip_whitespace(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _source(text: str) -> str:
    if len(text) > _SOURCE_LIMIT:
        return f'(String)"{text[:_SOURCE_LIMIT]}"[truncated {len(text) - _SOURCE_LIMIT} chars]'
    return f'(String)"{text}"'


def _location(text: str, pointer: int) -> str:
    line = text.count("\n", 0, pointer) + 1
    line_start = text.rfind("\n", 0, pointer) + 1
    return f"[Source: {_source(text)}; line: {line}, column: {pointer - line_start + 1}]"


def jackson_problem(text: str) -> str:
    """Jackson's description of why ``text`` (which Python's parser refused) is not one JSON value,
    without the location Jackson appends (``… at [Source: …]``)."""
    try:
        description, _pointer = _Scanner(text).find_error()
    except RecursionError:
        return too_deep_diagnostic(text).message.split("\n at ", 1)[0]
    return description


def _jackson_diagnostic(text: str) -> Diagnostic:
    try:
        description, pointer = _Scanner(text).find_error()
    except RecursionError:
        return too_deep_diagnostic(text)
    location = _location(text, pointer)
    return Diagnostic(ERROR, INVALID_JSON_DESCRIPTION, f"{description}\n at {location}", location)


def too_deep_diagnostic(text: str) -> Diagnostic:
    """Nesting deeper than we can read (Python's recursion limit, a little under Jackson's 1000
    levels): Jackson's wording, at the bracket that goes past the limit (or the deepest one)."""
    depth = deepest = pointer = 0
    in_string = escaped = False
    for index, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > deepest:
                deepest, pointer = depth, index + 1
            if depth > _MAX_NESTING_DEPTH:
                break
        elif c in "]}":
            depth -= 1
    description = (
        f"Document nesting depth ({deepest}) exceeds the maximum allowed ({_MAX_NESTING_DEPTH}, "
        "from `StreamReadConstraints.getMaxNestingDepth()`)"
    )
    location = _location(text, pointer)
    return Diagnostic(ERROR, INVALID_JSON_DESCRIPTION, f"{description}\n at {location}", location)


class _JacksonError(Exception):
    def __init__(self, description: str, pointer: int) -> None:
        super().__init__(description)
        self.description = description
        self.pointer = pointer


def _char(c: str) -> str:
    return f"Unexpected character ('{c}' (code {ord(c)}))"


class _Scanner:
    """A minimal JSON reader that fails where, and as, Jackson does for the common mistakes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0

    def find_error(self) -> tuple[str, int]:
        try:
            self._value()
        except _JacksonError as error:
            return error.description, error.pointer
        # Python rejected something this reader accepts (e.g. a control character in a string).
        return "Unexpected character: invalid JSON", self.index

    def _peek(self) -> str | None:
        self.index = _skip_whitespace(self.text, self.index)
        return self.text[self.index] if self.index < len(self.text) else None

    def _end_of_input(self, what: str, start: int) -> _JacksonError:
        start_location = _location(self.text, start + 1)
        return _JacksonError(
            f"Unexpected end-of-input: expected close marker for {what} (start marker at {start_location})",
            len(self.text),
        )

    def _value(self) -> None:
        c = self._peek()
        if c is None:
            raise _JacksonError("No content to map due to end-of-input", len(self.text))
        if c == "{":
            self._object()
        elif c == "[":
            self._array()
        elif c == '"':
            self._string()
        elif c in "-0123456789":
            self._number()
        else:
            self._literal()

    def _object(self) -> None:
        start = self.index
        self.index += 1
        first = True
        while True:
            c = self._peek()
            if c is None:
                raise self._end_of_input("OBJECT", start)
            if c == "}" and first:
                self.index += 1
                return
            if c != '"':
                self.index += 1
                raise _JacksonError(f"{_char(c)}: was expecting double-quote to start field name", self.index)
            self._string()
            c = self._peek()
            if c is None:
                raise self._end_of_input("OBJECT", start)
            self.index += 1
            if c != ":":
                raise _JacksonError(
                    f"{_char(c)}: was expecting a colon to separate field name and value", self.index
                )
            self._value()
            c = self._peek()
            if c is None:
                raise self._end_of_input("OBJECT", start)
            self.index += 1
            if c == "}":
                return
            if c != ",":
                raise _JacksonError(f"{_char(c)}: was expecting comma to separate Object entries", self.index)
            first = False

    def _array(self) -> None:
        start = self.index
        self.index += 1
        if self._peek() == "]":
            self.index += 1
            return
        while True:
            if self._peek() is None:
                raise self._end_of_input("ARRAY", start)
            self._value()
            c = self._peek()
            if c is None:
                raise self._end_of_input("ARRAY", start)
            self.index += 1
            if c == "]":
                return
            if c != ",":
                raise _JacksonError(f"{_char(c)}: was expecting comma to separate Array entries", self.index)

    def _string(self) -> None:
        self.index += 1
        while self.index < len(self.text):
            c = self.text[self.index]
            self.index += 1
            if c == "\\":
                self.index += 1
            elif c == '"':
                return
        raise _JacksonError(
            "Unexpected end-of-input: was expecting closing quote for a string value", self.index
        )

    def _number(self) -> None:
        start = self.index
        if self.text.startswith("-Infinity", start):
            self.index = start + len("-Infinity")
            raise _JacksonError(_non_standard("-Infinity"), self.index)
        end = self.index + 1
        while end < len(self.text) and self.text[end] in "0123456789.eE+-":
            end += 1
        self.index = end
        token = self.text[start:end]
        if len(token) > _MAX_NUMBER_LENGTH:
            raise _JacksonError(
                f"Number value length ({len(token)}) exceeds the maximum allowed ({_MAX_NUMBER_LENGTH}, "
                "from `StreamReadConstraints.getMaxNumberLength()`)",
                start,
            )
        try:
            infinite = math.isinf(float(token))
        except ValueError:
            return
        if infinite:  # Jackson would read a double Infinity no JSON text can show: our own wording
            raise _JacksonError(f"Numeric value ({token}) out of range of double", end)

    def _literal(self) -> None:
        start = self.index
        c = self.text[start]
        if not (c.isalpha() or c == "_" or c == "$"):
            self.index += 1
            raise _JacksonError(f"{_char(c)}: expected a value", self.index)
        end = start
        while end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "_$"):
            end += 1
        token = self.text[start:end]
        self.index = end
        if token in _NON_NUMERIC:
            raise _JacksonError(_non_standard(token), end)
        if token not in ("true", "false", "null"):
            raise _JacksonError(f"Unrecognized token '{token}': {_EXPECTING_VALUE}", end)


def _non_standard(token: str) -> str:
    return f"Non-standard token '{token}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
