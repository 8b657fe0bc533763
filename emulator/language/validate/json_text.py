"""Reading the definition text, with AWS's diagnostics for text that is not a JSON object.

AWS parses definitions with Jackson, and its ``INVALID_JSON_DESCRIPTION`` diagnostics carry
Jackson's wording and location (``Unrecognized token 'not': … at [Source: (String)"…"; line: 1,
column: 4]``). Python's parser decides whether the text is valid; only on failure do we rescan
the text to word the error the way Jackson would.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
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
_MAX_ERROR_TOKEN_LENGTH = 256
_NON_NUMERIC = ("NaN", "Infinity", "-Infinity", "+Infinity")
_VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_EXPECTING_VALUE = f"was expecting {_VALUE_LIST}"
_SIMPLE_ESCAPES = frozenset('btnfr"/\\')
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_DIGITS_SET = frozenset("0123456789")
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
    if _too_deep(text):
        return None, too_deep_diagnostic(text)
    return document, None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """Deeper than Jackson's 1,000 levels. Python's reader fails past its recursion limit only, which
    depends on the caller's stack, so the limit is checked here, and only when enough brackets exist."""
    if text.count("[") + text.count("{") <= _MAX_NESTING_DEPTH:
        return False
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > _MAX_NESTING_DEPTH:
                return True
        else:
            depth -= 1
    return False


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
    line, line_start = _row(text, pointer)
    # Jackson counts columns in Java chars: a character past U+FFFF is two of them.
    column = pointer - line_start + 1 + sum(1 for c in text[line_start:pointer] if ord(c) > 0xFFFF)
    return f"[Source: {_source(text)}; line: {line}, column: {column}]"


def _outside_strings(text: str, end: int | None = None) -> Iterator[tuple[int, str]]:
    """``(index, character)`` of each character of ``text[:end]`` outside JSON strings (their
    quotes, contents and escapes skipped)."""
    in_string = escaped = False
    for index in range(len(text) if end is None else end):
        c = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        else:
            yield index, c


def _row(text: str, pointer: int) -> tuple[int, int]:
    """Jackson's row and row start at ``pointer``: it counts the line breaks it skips between tokens
    (``\\n``, ``\\r``, ``\\r\\n``), never one inside a string (where a raw one is the error itself)."""
    line, line_start = 1, 0
    for index, c in _outside_strings(text, pointer):
        if c == "\n" and line_start == index and index > 0 and text[index - 1] == "\r":
            line_start = index + 1  # the \n of a \r\n: the same line break
        elif c == "\n" or c == "\r":
            line, line_start = line + 1, index + 1
    return line, line_start


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
    for index, c in _outside_strings(text):
        if c in "[{":
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


def _describe(c: str) -> str:
    """Jackson's ``_getCharDesc``: control characters by code, others quoted, codes past 255 in hex
    too. Java reads a character past U+FFFF as two chars, so Jackson names its first half."""
    code = ord(c)
    if code > 0xFFFF:
        code = 0xD800 + ((code - 0x10000) >> 10)
        c = chr(code)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{c}' (code {code} / 0x{code:x})"
    return f"'{c}' (code {code})"


def _char(c: str) -> str:
    return f"Unexpected character ({_describe(c)})"


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
        if self.index >= len(self.text):
            return None
        c = self.text[self.index]
        if c < " ":  # a control character other than \t \n \r between tokens
            raise _JacksonError(
                f"Illegal character ({_describe(c)}): only regular white space (\\r, \\n, \\t) is allowed "
                "between tokens",
                self.index + 1,
            )
        return c

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
            self._string("string value")
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
            self._string("name")
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

    def _string(self, context: str) -> None:
        """A string value or field name, read as Jackson's ``_finishString2`` / ``_parseName2`` read
        it: the escapes JSON defines, ``\\u`` with four hex digits, no unescaped control character."""
        self.index += 1
        text = self.text
        while self.index < len(text):
            c = text[self.index]
            self.index += 1
            if c == '"':
                return
            if c == "\\":
                self._escape()
            elif c < " ":
                raise _JacksonError(
                    f"Illegal unquoted character ({_describe(c)}): has to be escaped using backslash to be "
                    f"included in {context}",
                    self.index,
                )
        if context == "name":
            raise _JacksonError("Unexpected end-of-input in field name", self.index)
        raise _JacksonError(
            "Unexpected end-of-input: was expecting closing quote for a string value", self.index
        )

    def _escape(self) -> None:
        """The character after a backslash (Jackson's ``_decodeEscaped``)."""
        text = self.text
        if self.index >= len(text):
            raise _JacksonError("Unexpected end-of-input in character escape sequence", self.index)
        c = text[self.index]
        self.index += 1
        if c in _SIMPLE_ESCAPES:
            return
        if c != "u":
            raise _JacksonError(f"Unrecognized character escape {_describe(c)}", self.index)
        for _ in range(4):
            if self.index >= len(text):
                raise _JacksonError("Unexpected end-of-input in character escape sequence", self.index)
            digit = text[self.index]
            self.index += 1
            if digit not in _HEX_DIGITS:
                raise _JacksonError(
                    f"{_char(digit)}: expected a hex-digit for character escape sequence", self.index
                )

    def _number(self) -> None:
        start = self.index
        if self.text.startswith("-Infinity", start):
            self.index = start + len("-Infinity")
            raise _JacksonError(_non_standard("-Infinity"), self.index)
        digits = start + 1 if self.text[start] == "-" else start
        if digits > start and digits < len(self.text) and self.text[digits] not in _DIGITS_SET:
            raise _JacksonError(
                f"Unexpected character ({_describe(self.text[digits])}) in numeric value: expected digit "
                "(0-9) to follow minus sign, for valid numeric value",
                digits + 1,
            )
        if self.text[digits : digits + 1] == "0" and self.text[digits + 1 : digits + 2] in _DIGITS_SET:
            raise _JacksonError("Invalid numeric value: Leading zeroes not allowed", digits + 1)
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
            raise _JacksonError(f"{_char(c)}: expected a valid value {_VALUE_LIST}", self.index)
        end = start
        while end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "_$"):
            end += 1
        token = self.text[start:end]
        if len(token) > _MAX_ERROR_TOKEN_LENGTH:  # Jackson quotes at most 256 characters of a token
            end = start + _MAX_ERROR_TOKEN_LENGTH
            token = self.text[start:end] + "..."
        self.index = end
        if token in _NON_NUMERIC:
            raise _JacksonError(_non_standard(token), end)
        if token not in ("true", "false", "null"):
            raise _JacksonError(f"Unrecognized token '{token}': {_EXPECTING_VALUE}", end)


def _non_standard(token: str) -> str:
    return f"Non-standard token '{token}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
