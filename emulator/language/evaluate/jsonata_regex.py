"""JSONata regular expressions (``/pattern/flags`` in ``$match``, ``$contains``, ``$replace``,
``$split`` and ``~>``) on RE2: matching takes time linear in the input, whatever the pattern.

AWS evaluates JSONata with jsonata-js, whose regexes are JavaScript's
(https://docs.jsonata.org/regex; https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
A backtracking engine takes exponential time on ``/(a+)+$/`` against ``"aaa…a!"``; RE2 does not
backtrack, and so cannot express what needs it: backreferences (``\\1``) and lookaround
(``(?=…)``, ``(?!…)``, ``(?<=…)``, ``(?<!…)``). Such a pattern still parses (the definition is valid
on AWS); *using* it fails the evaluation with a JException naming what is unsupported, which the
evaluator reports as ``States.QueryEvaluationError``.

JavaScript syntax RE2 spells differently is translated: ``\\uXXXX`` -> ``\\x{XXXX}``, ``\\d`` and
friends are the same, ``(?<name>…)`` is understood by RE2 as is. Flags ``i`` and ``m`` become inline
flags. ``sub`` is written here (not RE2's) so replacement templates behave as the library expects of
Python's ``re`` (``\\g<n>``; an unknown group raises ``invalid group reference``, which the library
resolves the way JavaScript does) and so that the result's size is checked while it grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final, Protocol

import re2
from jsonata import jexception
from jsonata.regex_engine import RegexFlags

from emulator.language.evaluate.budget import check_string_length

_OPTIONS: Final = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported to the user, not logged by RE2
_UNICODE_ESCAPE: Final = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9a-fA-F]{4})")
_TEMPLATE_GROUP: Final = re.compile(r"\\g<(\d+)>|\\(\d+)")


class Match(Protocol):
    """What ``sub`` reads of an RE2 match (the library reads the rest: ``re.Match``'s methods)."""

    def span(self) -> tuple[int, int]: ...
    def group(self, index: int, /) -> str | None: ...


class CompiledPattern(Protocol):
    """An RE2 compiled pattern (``re2`` ships no types)."""

    groups: int

    def search(self, string: str, pos: int = 0, /) -> Match | None: ...
    def finditer(self, string: str, /) -> Iterator[Match]: ...
    def split(self, string: str, maxsplit: int = 0, /) -> list[str]: ...


Replacement = str | Callable[[Match], str]


# JavaScript's \s: ASCII whitespace, \v and the Unicode spaces (RE2's \s is ASCII only).
_JS_SPACES: Final = (
    r"\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}"
)


def _translate(pattern: str) -> str:
    """A JavaScript regex (no ``u`` flag) as RE2 reads it: ``\\uXXXX`` is ``\\x{XXXX}``, ``\\s`` JavaScript's
    whitespace, ``\\p``/``\\P`` the letters ``p``/``P`` (an identity escape without ``u``), and a ``[``
    inside a character class a literal (``[[:digit:]]`` is no POSIX class in JavaScript)."""
    pieces: list[str] = []
    in_class = False
    index = 0
    length = len(pattern)
    while index < length:
        character = pattern[index]
        if character == "\\" and index + 1 < length:
            escaped = pattern[index + 1]
            if escaped in "pP":
                pieces.append(escaped)
            elif escaped == "s":
                pieces.append(_JS_SPACES if in_class else f"[{_JS_SPACES}]")
            elif escaped == "S" and not in_class:
                pieces.append(f"[^{_JS_SPACES}]")
            else:
                pieces.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            if character == "[":
                character = "\\["
            elif character == "]":
                in_class = False
        elif character == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "^":
                pieces.append("[^")
                index += 2
                continue
        pieces.append(character)
        index += 1
    return _UNICODE_ESCAPE.sub(r"\1\\x{\2}", "".join(pieces))


def _unsupported_feature(pattern: str) -> str:
    if re.search(r"\(\?<?[=!]", pattern):
        return "lookaround assertions"
    if re.search(r"(?<!\\)(?:\\\\)*\\[1-9]", pattern):
        return "backreferences"
    return "this syntax"


class UnsupportedPattern:
    """A regex RE2 cannot run: every use fails with a clear error."""

    def __init__(self, pattern: str, reason: str) -> None:
        self.pattern = pattern
        self.reason = reason

    def _fail(self) -> jexception.JException:
        return jexception.JException(
            "SF001",
            -1,
            f"The regular expression /{self.pattern}/ uses {self.reason}, which the emulator's "
            "linear-time regular expression engine (RE2) does not support",
        )

    groups = 0

    def search(self, string: str) -> Match | None:
        raise self._fail()

    def search_from(self, string: str, position: int) -> Match | None:
        raise self._fail()

    def finditer(self, string: str) -> Iterator[Match]:
        raise self._fail()

    def sub(self, repl: Replacement, string: str, count: int = 0) -> str:
        raise self._fail()

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        raise self._fail()


class LinearPattern:
    """A compiled RE2 pattern with the methods jsonata-python calls (``re.Pattern``'s)."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str, compiled: CompiledPattern) -> None:
        self.pattern = pattern
        self._compiled = compiled

    def search(self, string: str) -> Match | None:
        return self._compiled.search(string)

    def search_from(self, string: str, position: int) -> Match | None:
        """The first match at or after ``position`` (``^`` and ``\\b`` still see the whole string, as
        a JavaScript regex searching from ``lastIndex`` does)."""
        return self._compiled.search(string, position)

    @property
    def groups(self) -> int:
        return self._compiled.groups

    def finditer(self, string: str) -> Iterator[Match]:
        return iter(self._compiled.finditer(string))

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return list(self._compiled.split(string, maxsplit))

    def sub(self, repl: Replacement, string: str, count: int = 0) -> str:
        expand: Callable[[Match], str] = repl if callable(repl) else _template(repl, self._compiled.groups)
        pieces: list[str] = []
        size = 0
        last = 0
        for done, match in enumerate(self._compiled.finditer(string), start=1):
            start, end = match.span()
            replaced = expand(match)
            pieces.append(string[last:start])
            pieces.append(replaced)
            size += (start - last) + len(replaced)
            check_string_length(size + len(string) - end, "The result of $replace")
            last = end
            if count and done >= count:
                break
        pieces.append(string[last:])
        return "".join(pieces)


def _template(template: str, groups: int) -> Callable[[Match], str]:
    """Python ``re``'s replacement template (``\\g<n>`` / ``\\n``, the only forms the library writes)."""
    for found in _TEMPLATE_GROUP.finditer(template):
        number = int(found.group(1) or found.group(2))
        if number > groups:
            raise re.error(f"invalid group reference {number} at position {found.start() + 1}")
    if "\\" not in template:
        return lambda match: template

    def expand(match: Match) -> str:
        def group(found: re.Match[str]) -> str:
            return match.group(int(found.group(1) or found.group(2))) or ""

        return _TEMPLATE_GROUP.sub(group, template.replace("\\\\", "\x00")).replace("\x00", "\\")

    return expand


def compile_regex(pattern: str, flags: RegexFlags) -> LinearPattern | UnsupportedPattern:
    """jsonata-python's ``regex_engine``: compiles each regex literal when the expression is parsed."""
    inline = ("i" if flags.case_insensitive else "") + ("m" if flags.multiline else "")
    source = _translate(pattern)
    if inline:
        source = f"(?{inline}){source}"
    try:
        return LinearPattern(pattern, re2.compile(source, _OPTIONS))
    except re2.error:
        return UnsupportedPattern(pattern, _unsupported_feature(pattern))
