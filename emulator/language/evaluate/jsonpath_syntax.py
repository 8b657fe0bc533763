"""JSONPath syntax as AWS reads it (the Jayway grammar): the one parser behind every path we compile.

AWS evaluates JSONPath with Jayway JsonPath (https://github.com/json-path/JsonPath), so this module
follows Jayway's ``PathCompiler`` and ``FilterCompiler``: what they accept we accept, what they reject
we reject, and validation (``emulator.language.validate.expressions``) asks this same parser.

After the root (``$``, ``$$``, ``$name`` or, inside a filter, ``@``) a path is a sequence of tokens:

* ``.name`` / ``['name']`` / ``["name"]``: a child (``['a','b']``: several children, see ``Names``);
  ``.`` may precede a bracket (``$.[0]`` is ``$[0]``, ``$.['a']`` is ``$['a']``);
* ``*`` / ``[*]``: every child; ``..``: deep scan, followed by the token it looks for;
* ``[0]``, ``[-1]``, ``[0,2]``: indexes; ``[1:3]``, ``[-2:]``, ``[:2]``: slices;
* ``[?(<expression>)]``: a filter (``Or``/``And``/``Not``/``Exists``/``Compare`` below);
* ``name()`` at the tail: a function (``length()``, ``sum()``, …).

Inside quotes a backslash escapes the next character for finding the closing quote but is kept in
the name: AWS reads the key ``a\\"b`` from ``['a\\"b']``.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple, Protocol

from emulator.model.types import Json

# Jayway reads indexes as Java ints; deeper nesting than this is refused rather than recursed into.
_MAX_INDEX = 2**31 - 1
_MAX_NESTING = 8
_MAX_LITERAL_DEPTH = 64
_DIGITS = "0123456789"


class InvalidPath(ValueError):
    """The text is not a JSONPath (raised at compile time)."""


# --- tokens ----------------------------------------------------------------------------------------
# Named tuples rather than dataclasses: as immutable, and a fraction of the import time (start-up is
# measured). Tell them apart with isinstance, never with == (tuples of equal fields compare equal).


class Names(NamedTuple):
    """``.a``, ``['a']`` or ``['a','b']``. Several names at the tail merge into one object per parent
    (definite); several names before the tail visit each child in turn (indefinite)."""

    names: tuple[str, ...]


class Wildcard(NamedTuple):
    """``*`` / ``[*]``."""


class Indexes(NamedTuple):
    indexes: tuple[int, ...]


class Slice(NamedTuple):
    """``[start:end]`` with Jayway's reading: a negative ``start`` counts from the end only without
    an ``end``; a negative ``end`` counts from the end only without a ``start``."""

    start: int | None
    end: int | None


class Scan(NamedTuple):
    """``..``, followed by the token it looks for."""


class Function(NamedTuple):
    name: str
    arguments: tuple[Operand, ...]


class Filter(NamedTuple):
    expression: Expression


Token = Names | Wildcard | Indexes | Slice | Scan | Function | Filter

WILDCARD = Wildcard()
SCAN = Scan()


def is_definite(tokens: tuple[Token, ...]) -> bool:
    """Jayway's definite path: it names one node (or a merge of named children at the tail)."""
    last = len(tokens) - 1
    for position, token in enumerate(tokens):
        if isinstance(token, Names):
            if len(token.names) > 1 and position != last:
                return False
        elif isinstance(token, Indexes):
            if len(token.indexes) > 1:
                return False
        elif not isinstance(token, Function):
            return False
    return True


# --- filter expressions ----------------------------------------------------------------------------


class Literal(NamedTuple):
    value: Json


class PathOperand(NamedTuple):
    """``@…`` (the item being filtered) or ``$…`` (the document's root) inside a filter."""

    root: str
    tokens: tuple[Token, ...]
    definite: bool
    text: str


class Regex(Protocol):
    """A compiled pattern (``re`` or ``re2``): filters use ``fullmatch``."""

    def fullmatch(self, string: str, /) -> object: ...


class Pattern(NamedTuple):
    text: str
    regex: Regex


Operand = Literal | PathOperand | Pattern


class Compare(NamedTuple):
    left: Operand
    operator: str
    right: Operand


class Exists(NamedTuple):
    path: PathOperand


class Not(NamedTuple):
    operand: Expression


class And(NamedTuple):
    operands: tuple[Expression, ...]


class Or(NamedTuple):
    operands: tuple[Expression, ...]


Expression = Compare | Exists | Not | And | Or

# Jayway's relational operators (RelationalOperator); words are matched without regard to case.
SYMBOL_OPERATORS = frozenset({"==", "!=", "<", "<=", ">", ">=", "=~", "===", "!=="})
WORD_OPERATORS = frozenset({"in", "nin", "subsetof", "anyof", "noneof", "size", "empty", "contains"})
_OPERATOR_CHARS = "<>=~!"


# --- the regular-expression seam -------------------------------------------------------------------


def _regex_engine() -> tuple[Any, tuple[Any, ...]]:
    """The regex module and the extra arguments of its ``compile``: RE2 (linear time) when installed."""
    try:
        import re2  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return re, ()
    options = re2.Options()
    options.log_errors = False  # a bad pattern is the user's: it is reported, not logged
    return re2, (options,)


_REGEX, _REGEX_OPTIONS = _regex_engine()


def compile_pattern(pattern: str, flags: str) -> Regex:
    """The one place a filter's ``/regex/flags`` is compiled; the result is used with ``fullmatch``
    (Java's ``Matcher.matches``). RE2 (linear time) when ``google-re2`` is installed, else ``re``."""
    inline = "".join(sorted({flag for flag in flags if flag in "ims"}))
    try:
        compiled: Regex = _REGEX.compile(f"(?{inline}){pattern}" if inline else pattern, *_REGEX_OPTIONS)
    except Exception as error:  # re.error / re2.error: the text is not a pattern
        raise InvalidPath(f"invalid regular expression /{pattern}/: {error}") from None
    return compiled


# --- paths -----------------------------------------------------------------------------------------


def parse_tokens(text: str, depth: int = 0) -> tuple[Token, ...]:
    """The tokens of a path after its root (``text`` is what follows ``$``, ``$$``, ``$name``, ``@``)."""
    if depth > _MAX_NESTING:
        raise InvalidPath("filters are nested too deeply")
    return _PathParser(text, depth).parse()


class _PathParser:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth

    def fail(self, message: str, position: int) -> InvalidPath:
        return InvalidPath(f"{message} at position {position}")

    def parse(self) -> tuple[Token, ...]:
        text = self.text
        if not text:
            return ()
        if text[0] not in ".[":
            raise self.fail("Illegal character, expected '.' or '['", 0)
        if text.endswith("."):
            raise InvalidPath("Path must not end with a '.' or '..'")
        tokens: list[Token] = []
        position = 0
        end = len(text)
        while position < end:
            char = text[position]
            if char == ".":
                if text.startswith("..", position):
                    tokens.append(SCAN)
                    position += 2
                else:
                    position += 1
                if text[position] == ".":
                    raise self.fail("Character '.' is not valid", position)
                continue
            if char == "[":
                position = self._bracket(position, tokens)
            elif char == "*":
                tokens.append(WILDCARD)
                position += 1
            else:
                position = self._name_or_function(position, tokens)
        if isinstance(tokens[-1], Scan):
            raise InvalidPath("Path must not end with '..'")
        return tuple(tokens)

    def _name_or_function(self, start: int, tokens: list[Token]) -> int:
        text = self.text
        position = start
        while position < len(text) and text[position] not in ".[(":
            if text[position] == " ":
                raise self.fail(
                    "Use bracket notation ['my prop'] if your property contains blank characters", start
                )
            position += 1
        name = text[start:position]
        if not name:
            raise self.fail("Could not parse token", start)
        if position == len(text) or text[position] != "(":
            tokens.append(Names((name,)))
            return position
        close = _matching(text, position, "(", ")")
        if close == -1:
            raise InvalidPath(f"Arguments to function: '{name}' are not closed properly.")
        if close != len(text) - 1:
            raise self.fail("A function can only be the last element of a path", close + 1)
        tokens.append(Function(name, self._arguments(text[position + 1 : close])))
        return close + 1

    def _arguments(self, text: str) -> tuple[Operand, ...]:
        if not text.strip(" "):
            return ()
        parser = _FilterParser(text, self.depth)
        arguments = [parser.value()]
        while parser.skip_blanks() and parser.peek() == ",":
            parser.position += 1
            arguments.append(parser.value())
        if parser.skip_blanks():
            raise self.fail("Unexpected text in function arguments", parser.position)
        return tuple(arguments)

    def _bracket(self, start: int, tokens: list[Token]) -> int:
        text = self.text
        inner = _skip_blanks(text, start + 1)
        char = text[inner] if inner < len(text) else ""
        if char in ("'", '"'):
            return self._bracket_names(inner, tokens)
        if char and char in _DIGITS + "-:":
            return self._array(start, tokens)
        if char == "*":
            close = _skip_blanks(text, inner + 1)
            if close >= len(text) or text[close] != "]":
                raise self.fail("Expected wildcard token to end with ']'", inner + 1)
            tokens.append(WILDCARD)
            return close + 1
        if char == "?":
            return self._filter(inner, tokens)
        raise self.fail("Could not parse token, expected ?, ', 0-9, *", start)

    def _bracket_names(self, position: int, tokens: list[Token]) -> int:
        text = self.text
        names: list[str] = []
        while True:
            quote = text[position] if position < len(text) else ""
            if quote not in ("'", '"') or not quote:
                raise self.fail("Expected a quoted property name", position)
            cursor = position + 1
            while cursor < len(text) and text[cursor] != quote:
                cursor += 2 if text[cursor] == "\\" else 1
            if cursor >= len(text):
                raise self.fail(f"Property has not been closed - missing closing {quote}", position)
            names.append(text[position + 1 : cursor])
            cursor = _skip_blanks(text, cursor + 1)
            following = text[cursor] if cursor < len(text) else ""
            if following == "]":
                tokens.append(Names(tuple(names)))
                return cursor + 1
            if following != ",":
                raise self.fail(
                    "Property must be separated by comma or Property must be terminated close square bracket",
                    cursor,
                )
            position = _skip_blanks(text, cursor + 1)

    def _array(self, start: int, tokens: list[Token]) -> int:
        text = self.text
        close = text.find("]", start + 1)
        if close == -1:
            raise self.fail("Could not parse token, missing ']'", start)
        expression = text[start + 1 : close].strip(" ")
        if any(char not in _DIGITS + ",-: " for char in expression):
            raise self.fail("Could not parse token, expected ?, ', 0-9, *", start)
        if ":" in expression:
            tokens.append(_slice(expression))
        else:
            tokens.append(Indexes(tuple(_index(part) for part in expression.split(","))))
        return close + 1

    def _filter(self, question: int, tokens: list[Token]) -> int:
        text = self.text
        opening = _skip_blanks(text, question + 1)
        if opening >= len(text) or text[opening] != "(":
            raise self.fail("Could not parse token, expected ?, ', 0-9, *", question)
        closing = _closing_parenthesis(text, opening)
        if closing == -1:
            raise self.fail("Could not parse filter, unbalanced parentheses", opening)
        bracket = _skip_blanks(text, closing + 1)
        if bracket >= len(text) or text[bracket] != "]":
            raise self.fail("Could not parse filter, expected ']'", closing + 1)
        tokens.append(Filter(parse_filter(text[opening : closing + 1], self.depth + 1)))
        return bracket + 1


def _slice(expression: str) -> Slice:
    if any(char not in _DIGITS + "-:" for char in expression):
        raise InvalidPath(f"Failed to parse SliceOperation: {expression}")
    parts = expression.split(":")
    while parts and parts[-1] == "":  # Java's String.split drops trailing empty strings
        parts.pop()
    start = _slice_bound(parts, 0)
    end = _slice_bound(parts, 1)
    if start is None and end is None:
        raise InvalidPath(f"Failed to parse SliceOperation: {expression}")
    return Slice(start, end)


def _slice_bound(parts: list[str], position: int) -> int | None:
    if position >= len(parts):
        return None
    try:
        value = int(parts[position])
    except ValueError:
        return None
    return value if -_MAX_INDEX <= value <= _MAX_INDEX else None


def _index(part: str) -> int:
    try:
        value = int(part.strip(" "))
    except ValueError:
        raise InvalidPath(f"Failed to parse ArrayIndexOperation: {part!r}") from None
    if not -_MAX_INDEX <= value <= _MAX_INDEX:
        raise InvalidPath(f"Array index out of range: {part}")
    return value


def _skip_blanks(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


def _skip_quoted(text: str, position: int) -> int:
    """Index just past the quoted text (or ``/regex/``) starting at ``position``; -1 when unclosed."""
    quote = text[position]
    cursor = position + 1
    while cursor < len(text):
        if text[cursor] == "\\":
            cursor += 2
            continue
        if text[cursor] == quote:
            return cursor + 1
        cursor += 1
    return -1


def _closing_parenthesis(text: str, opening: int) -> int:
    """The ``)`` matching ``text[opening]``, skipping strings and regular expressions."""
    return _matching(text, opening, "(", ")", "'\"/")


def _matching(text: str, opening: int, open_char: str, close_char: str, quotes: str = "'\"") -> int:
    """The ``close_char`` matching ``text[opening]``, skipping what ``quotes`` open; -1 when unbalanced."""
    depth = 0
    cursor = opening
    while cursor < len(text):
        char = text[cursor]
        if char in quotes:
            cursor = _skip_quoted(text, cursor)
            if cursor == -1:
                return -1
            continue
        if char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth == 0:
                return cursor
        cursor += 1
    return -1


# --- filters ---------------------------------------------------------------------------------------


def parse_filter(text: str, depth: int) -> Expression:
    """A filter's ``(<expression>)``: ``||`` binds loosest, then ``&&``, then ``!`` and parentheses."""
    if depth > _MAX_NESTING:
        raise InvalidPath("filters are nested too deeply")
    parser = _FilterParser(text, depth)
    expression = parser.disjunction()
    if parser.skip_blanks():
        raise InvalidPath(f"Expected end of filter expression instead of: {text[parser.position :]}")
    return expression


class _FilterParser:
    def __init__(self, text: str, depth: int) -> None:
        self.text = text
        self.depth = depth
        self.position = 0

    def skip_blanks(self) -> bool:
        """Skip spaces; True when text remains."""
        self.position = _skip_blanks(self.text, self.position)
        return self.position < len(self.text)

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def fail(self, message: str) -> InvalidPath:
        return InvalidPath(f"{message} in filter {self.text} at position {self.position}")

    def disjunction(self) -> Expression:
        operands = [self.conjunction()]
        while self._consume("||"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self) -> Expression:
        operands = [self.operand()]
        while self._consume("&&"):
            operands.append(self.operand())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _consume(self, symbol: str) -> bool:
        self.skip_blanks()
        if self.text.startswith(symbol, self.position):
            self.position += len(symbol)
            return True
        return False

    def operand(self) -> Expression:
        self.skip_blanks()
        if self.peek() == "!":
            saved = self.position
            self.position += 1
            self.skip_blanks()
            if self.peek() not in ("$", "@"):
                return Not(self.operand())
            self.position = saved  # ``!@.x``: a negated existence check, read by relation()
        if self.peek() == "(":
            self.position += 1
            self.depth += 1
            if self.depth > _MAX_NESTING + 32:
                raise self.fail("Too many nested parentheses")
            expression = self.disjunction()
            self.depth -= 1
            if not self._consume(")"):
                raise self.fail("Expected ')'")
            return expression
        return self.relation()

    def relation(self) -> Expression:
        negated = self.peek() == "!"
        left = self.value()
        saved = self.position
        operator = self._operator()
        if operator is None:
            self.position = saved
            if not isinstance(left, PathOperand):
                raise self.fail("Expected a path for an existence check")
            return Not(Exists(left)) if negated else Exists(left)
        return Compare(left, operator, self.value())

    def _operator(self) -> str | None:
        if not self.skip_blanks():
            return None
        start = self.position
        cursor = start
        if self.text[cursor] in _OPERATOR_CHARS:
            while cursor < len(self.text) and self.text[cursor] in _OPERATOR_CHARS:
                cursor += 1
            operator = self.text[start:cursor]
            if operator not in SYMBOL_OPERATORS:
                return None
        else:
            while cursor < len(self.text) and self.text[cursor] != " ":
                cursor += 1
            operator = self.text[start:cursor].lower()
            if operator not in WORD_OPERATORS:
                return None
        self.position = cursor
        return operator

    def value(self) -> Operand:
        self.skip_blanks()
        char = self.peek()
        if char == "!":
            self.position += 1
            self.skip_blanks()
            if self.peek() not in ("$", "@"):
                raise self.fail("Unexpected character: !")
            return self._path()
        if char in ("$", "@"):
            return self._path()
        return self._literal()

    def _path(self) -> PathOperand:
        text = self.text
        begin = self.position
        cursor = begin + 1
        while cursor < len(text):
            char = text[cursor]
            if char == "[":
                close = text.find("]", cursor)
                if close == -1:
                    raise self.fail("Square brackets do not match")
                cursor = close + 1
                continue
            if char == ")" and not self._closes_function(begin, cursor):
                break
            if char in _OPERATOR_CHARS or char in " ,":
                break
            cursor += 1
        self.position = cursor
        path = text[begin:cursor]
        tokens = parse_tokens(path[1:], self.depth + 1)
        return PathOperand(root=path[0], tokens=tokens, definite=is_definite(tokens), text=path)

    def _closes_function(self, begin: int, close: int) -> bool:
        previous = close - 1
        while previous > begin and self.text[previous] == " ":
            previous -= 1
        return self.text[previous] == "(" and "." in self.text[begin:previous]

    def _literal(self) -> Operand:
        text = self.text
        start = self.position
        char = self.peek()
        if char in ("'", '"'):
            end = _skip_quoted(text, start)
            if end == -1:
                raise self.fail(f"String not closed. Expected {char}")
            self.position = end
            return Literal(_unescape(text[start + 1 : end - 1]))
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, start):
                self.position = start + len(word)
                return Literal(value)
        if char in ("[", "{"):
            end = _matching(text, start, char, "]" if char == "[" else "}")
            if end == -1:
                raise self.fail("JSON literal not closed")
            self.position = end + 1
            return Literal(parse_literal(text[start : end + 1]))
        if char == "/":
            end = _skip_quoted(text, start)
            if end == -1:
                raise self.fail("Pattern not closed. Expected /")
            flags_end = end
            while flags_end < len(text) and text[flags_end].isalpha():
                flags_end += 1
            self.position = flags_end
            pattern = text[start + 1 : end - 1]
            return Pattern(text[start:flags_end], compile_pattern(pattern, text[end:flags_end]))
        cursor = start
        while cursor < len(text) and (text[cursor] in _DIGITS or text[cursor] in "-.eE"):
            cursor += 1
        number = _number(text[start:cursor])
        if number is None:
            raise self.fail("Expected a literal")
        self.position = cursor
        return Literal(number)


_INTEGER_RE = re.compile(r"-?\d+")


def _number(text: str) -> int | float | None:
    if _INTEGER_RE.fullmatch(text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"', "/": "/"}


def _unescape(text: str) -> str:
    """Java-style escapes in a filter's string literal (Jayway's ``Utils.unescape``)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            following = text[position + 1]
            if following == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[position + 2 : position + 6]):
                out.append(chr(int(text[position + 2 : position + 6], 16)))
                position += 6
                continue
            out.append(_ESCAPES.get(following, following))
            position += 2
            continue
        out.append(char)
        position += 1
    return "".join(out)


def parse_literal(text: str) -> Json:
    """A JSON literal in a filter, read permissively as Jayway's json-smart does (single quotes too)."""
    reader = _LiteralReader(text)
    value = reader.value(0)
    if reader.skip() < len(text):
        raise InvalidPath(f"Unexpected text after JSON literal: {text}")
    return value


class _LiteralReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def skip(self) -> int:
        while self.position < len(self.text) and self.text[self.position] in " \t\r\n":
            self.position += 1
        return self.position

    def value(self, depth: int) -> Json:
        if depth > _MAX_LITERAL_DEPTH:
            raise InvalidPath("JSON literal nested too deeply")
        self.skip()
        text = self.text
        char = text[self.position] if self.position < len(text) else ""
        if char == "[":
            self.position += 1
            items: list[Json] = []
            if self.skip() < len(text) and text[self.position] == "]":
                self.position += 1
                return items
            while True:
                items.append(self.value(depth + 1))
                self.skip()
                char = text[self.position] if self.position < len(text) else ""
                self.position += 1
                if char == "]":
                    return items
                if char != ",":
                    raise InvalidPath(f"Invalid JSON literal: {text}")
        if char == "{":
            self.position += 1
            members: dict[str, Json] = {}
            if self.skip() < len(text) and text[self.position] == "}":
                self.position += 1
                return members
            while True:
                key = self.value(depth + 1)
                if not isinstance(key, str):
                    raise InvalidPath(f"Invalid JSON literal: {text}")
                self.skip()
                if not text.startswith(":", self.position):
                    raise InvalidPath(f"Invalid JSON literal: {text}")
                self.position += 1
                members[key] = self.value(depth + 1)
                self.skip()
                char = text[self.position] if self.position < len(text) else ""
                self.position += 1
                if char == "}":
                    return members
                if char != ",":
                    raise InvalidPath(f"Invalid JSON literal: {text}")
        if char in ("'", '"'):
            end = _skip_quoted(text, self.position)
            if end == -1:
                raise InvalidPath(f"Invalid JSON literal: {text}")
            raw = text[self.position + 1 : end - 1]
            self.position = end
            if char == '"':
                try:
                    decoded: str = json.loads(f'"{raw}"')
                except ValueError:
                    decoded = _unescape(raw)
                return decoded
            return _unescape(raw)
        start = self.position
        while self.position < len(text) and text[self.position] not in ",]} \t\r\n":
            self.position += 1
        word = text[start : self.position]
        if word in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[word]
        number = _number(word)
        if number is None:
            raise InvalidPath(f"Invalid JSON literal: {text}")
        return number
