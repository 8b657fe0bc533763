"""Reading the definition text, with AWS's diagnostics for text that is not a JSON object.

AWS parses definitions with Jackson, and its ``INVALID_JSON_DESCRIPTION`` diagnostics carry
Jackson's wording and location (``Unrecognized token 'not': … at [Source: (String)"…"; line: 1,
column: 4]``). Python's parser decides whether the text is valid; only on failure do we rescan
the text to word the error the way Jackson would.
"""

from __future__ import annotations

import json
from typing import Any

from emulator.language.validate.diagnostics import (
    ERROR,
    INVALID_JSON_DESCRIPTION,
    SCHEMA_VALIDATION_FAILED,
    Diagnostic,
)

_SOURCE_LIMIT = 500  # Jackson quotes at most this many characters of the source
_EXPECTING_VALUE = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_NOT_AN_OBJECT = Diagnostic(ERROR, SCHEMA_VALIDATION_FAILED, "Definition must be a valid JSON object", None)
_WHITESPACE = " \t\r\n"


def parse_definition_text(text: str) -> tuple[dict[str, Any] | None, Diagnostic | None]:
    """The definition as a dict, or the diagnostic explaining why it is not one."""
    try:
        document, _end = json.JSONDecoder().raw_decode(text, _skip_whitespace(text, 0))
    except (json.JSONDecodeError, IndexError):
        if not text.strip(_WHITESPACE):
            return None, _NOT_AN_OBJECT
        return None, _jackson_diagnostic(text)
    if not isinstance(document, dict):
        return None, _NOT_AN_OBJECT
    return document, None


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


def _jackson_diagnostic(text: str) -> Diagnostic:
    description, pointer = _Scanner(text).find_error()
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
        end = self.index + 1
        while end < len(self.text) and self.text[end] in "0123456789.eE+-":
            end += 1
        self.index = end

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
        if token not in ("true", "false", "null"):
            raise _JacksonError(f"Unrecognized token '{token}': {_EXPECTING_VALUE}", end)
