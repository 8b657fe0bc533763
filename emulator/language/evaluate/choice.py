"""Choice Rules of the JSONPath query language, compiled once and evaluated per Choice state entry.

A rule compiles to a tree of frozen dataclasses. Comparison operators are resolved at compile
time into a ``test`` callable (the literal operand is bound into it), so evaluation only walks the
compiled paths and calls the test — no operator names are looked at per evaluation.

AWS semantics (checked against the recorded ``choice_operators`` corpus):

* A type mismatch makes a comparison false, never an error: ``NumericEquals`` on a string,
  ``StringEquals`` on a number, ``BooleanEquals`` on ``0``, a timestamp operator on a string
  that is not a timestamp. Booleans are not numbers; ``1`` and ``1.0`` are equal.
* Strings order as Java's ``String.compareTo`` orders them (the Choice state page points there):
  by UTF-16 code unit, so a character above U+FFFF (a surrogate pair) sorts before U+E000–U+FFFF.
  Timestamps compare as instants (offsets are applied, precision
  is the nanosecond) and must be RFC 3339 date-times: seconds and an offset (``Z`` or ``±hh:mm``)
  are required (``2012-10-09T19:00:55`` is not a timestamp, as the recorded Wait cases show).
* When the ``Variable`` path (or the path of a ``…Path`` operand) matches nothing, every operator
  but ``IsPresent`` fails the state with ``States.Runtime`` and the cause
  ``Invalid path '<path>': The choice state's condition path references an invalid value.``
  ``IsPresent`` is then simply false.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from emulator.language.errors import DefinitionError, ErrorName, StatesError
from emulator.language.evaluate.jsonpath import InvalidPath, JsonPath, PathNotFound, compile_path
from emulator.model.types import Json, JsonObject

SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"

_NUMBER_TYPES = (int, float)
_Context = Mapping[str, Json] | None


def _invalid_path(path: str) -> StatesError:
    return StatesError(
        ErrorName.RUNTIME,
        f"Invalid path '{path}': The choice state's condition path references an invalid value.",
    )


def _is_number(value: Json) -> bool:
    return isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool)


# --- timestamps --------------------------------------------------------------------------------

_TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def parse_timestamp(text: Json) -> tuple[int, int] | None:
    """``(seconds since the epoch, nanoseconds)`` of an RFC 3339 date-time, or None if ``text``
    is not one. The pair orders timestamps as instants, whatever their offsets."""
    if not isinstance(text, str):
        return None
    match = _TIMESTAMP_RE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, sign, offset_hours, offset_minutes = match.groups()
    # A leap second (:60) counts as the second before it, as Java's instant parser smooths it.
    whole_seconds = 59 if second == "60" else int(second)
    try:
        date = datetime.date(int(year), int(month), int(day))
        datetime.time(int(hour), int(minute), whole_seconds)
    except ValueError:
        return None
    offset = 0
    if sign is not None:
        if int(offset_hours) > 23 or int(offset_minutes) > 59:
            return None
        offset = (int(offset_hours) * 3600 + int(offset_minutes) * 60) * (1 if sign == "+" else -1)
    seconds = (
        (date.toordinal() - _EPOCH_ORDINAL) * 86400
        + int(hour) * 3600
        + int(minute) * 60
        + whole_seconds
        - offset
    )
    nanoseconds = int(fraction[:9].ljust(9, "0")) if fraction else 0
    return seconds, nanoseconds


def is_timestamp(value: Json) -> bool:
    """True for a string that the timestamp operators accept."""
    return parse_timestamp(value) is not None


# --- StringMatches -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GlobPattern:
    """A ``StringMatches`` pattern: ``*`` matches any run of characters (newlines too), ``\\*`` is a
    literal asterisk and ``\\\\`` a literal backslash; any other backslash is literal
    (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).

    Matched without a regular expression, in linear time: the pattern is its literal ``segments``
    between stars; the first must start the string, the last end it, and each one between is found
    (leftmost, with ``str.find``) after the one before. Taking the leftmost place for each segment
    never loses a match when the only wildcard is ``*``, so nothing is ever retried."""

    segments: tuple[str, ...]

    def matches(self, text: str) -> bool:
        segments = self.segments
        if len(segments) == 1:
            return text == segments[0]
        first, last = segments[0], segments[-1]
        end = len(text) - len(last)
        if end < len(first) or not text.startswith(first) or not text.endswith(last):
            return False
        position = len(first)
        for segment in segments[1:-1]:
            found = text.find(segment, position, end)
            if found < 0:
                return False
            position = found + len(segment)
        return True


def compile_string_matches(pattern: str) -> GlobPattern:
    """The ``GlobPattern`` of a ``StringMatches`` operand."""
    segments: list[str] = []
    current: list[str] = []
    position = 0
    length = len(pattern)
    while position < length:
        character = pattern[position]
        if character == "\\" and position + 1 < length and pattern[position + 1] in "*\\":
            current.append(pattern[position + 1])
            position += 2
            continue
        if character == "*":
            segments.append("".join(current))
            current = []
        else:
            current.append(character)
        position += 1
    segments.append("".join(current))
    return GlobPattern(tuple(segments))


# --- operators ---------------------------------------------------------------------------------

# A comparison family converts a value into something its comparison understands, or None when
# the value is of the wrong type (the comparison is then false). The same conversion checks the
# literal operands at compile time and the ``…Path`` operands at run time.


@dataclass(frozen=True, slots=True)
class _Family:
    key: Callable[[Json], Any]
    type_name: str


def _string_key(value: Json) -> Any:
    return value if isinstance(value, str) else None


def _number_key(value: Json) -> Any:
    return value if _is_number(value) else None


def _boolean_key(value: Json) -> Any:
    return value if isinstance(value, bool) else None


_STRING = _Family(_string_key, "a STRING")
_NUMBER = _Family(_number_key, "a NUMBER")
_BOOLEAN = _Family(_boolean_key, "a BOOLEAN")
_TIMESTAMP = _Family(parse_timestamp, "a STRING")

_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}


def _utf16_ordering(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """``compare`` applied to strings as sequences of UTF-16 code units (Java's order). Code point
    order agrees unless a string holds a character above U+FFFF, so only then are they encoded."""

    def ordered(left: str, right: str) -> bool:
        if left.isascii() or right.isascii() or (max(left) <= "\uffff" and max(right) <= "\uffff"):
            return compare(left, right)
        return compare(left.encode("utf-16-be", "surrogatepass"), right.encode("utf-16-be", "surrogatepass"))

    return ordered


# operator name -> (family, comparison of the converted values)
_COMPARISONS: dict[str, tuple[_Family, Callable[[Any, Any], bool]]] = {}
for _prefix, _family in (("String", _STRING), ("Numeric", _NUMBER), ("Timestamp", _TIMESTAMP)):
    for _suffix, _compare in _ORDERINGS.items():
        if _prefix == "String" and _suffix != "Equals":
            _compare = _utf16_ordering(_compare)
        _COMPARISONS[_prefix + _suffix] = (_family, _compare)
_COMPARISONS["BooleanEquals"] = (_BOOLEAN, operator.eq)

_TYPE_TESTS: dict[str, Callable[[Json], bool]] = {
    "IsNull": lambda value: value is None,
    "IsNumeric": _is_number,
    "IsString": lambda value: isinstance(value, str),
    "IsBoolean": lambda value: isinstance(value, bool),
    "IsTimestamp": is_timestamp,
}

_PATH_OPERATORS = frozenset(name + "Path" for name in _COMPARISONS)
_DATA_TEST_OPERATORS = frozenset(
    [*_COMPARISONS, *_PATH_OPERATORS, *_TYPE_TESTS, "StringMatches", "IsPresent"]
)
_BOOLEAN_OPERATORS = frozenset(["And", "Or", "Not"])
_OPERATORS = _DATA_TEST_OPERATORS | _BOOLEAN_OPERATORS


def _literal_test(
    family: _Family, compare: Callable[[Any, Any], bool], operand: Json
) -> Callable[[Json], bool]:
    key = family.key
    expected = key(operand)

    def test(actual: Json) -> bool:
        converted = key(actual)
        return converted is not None and compare(converted, expected)

    return test


def _path_test(family: _Family, compare: Callable[[Any, Any], bool]) -> Callable[[Json, Json], bool]:
    key = family.key

    def test(actual: Json, operand: Json) -> bool:
        converted = key(actual)
        if converted is None:
            return False
        expected = key(operand)
        return expected is not None and compare(converted, expected)

    return test


def _type_test(check: Callable[[Json], bool], expected: bool) -> Callable[[Json], bool]:
    if expected:
        return check
    return lambda actual: not check(actual)


def _matches_test(pattern: GlobPattern) -> Callable[[Json], bool]:
    matches = pattern.matches
    return lambda actual: isinstance(actual, str) and matches(actual)


# --- compiled rules ----------------------------------------------------------------------------


class ChoiceRule:
    """A compiled Choice Rule (boolean expression or data-test expression)."""

    __slots__ = ()

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        """Evaluate against the state's effective input ``value``, the context object and the
        workflow variables. Raises ``StatesError(States.Runtime)`` when a path matches nothing."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class LiteralComparison(ChoiceRule):
    """``Variable`` compared with a literal (or a type test such as ``IsString``)."""

    operator: str
    variable: JsonPath
    test: Callable[[Json], bool]

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        try:
            actual = self.variable.get(value, context, variables)
        except PathNotFound:
            raise _invalid_path(self.variable.text) from None
        return self.test(actual)


@dataclass(frozen=True, slots=True)
class PathComparison(ChoiceRule):
    """``Variable`` compared with the value another path selects (``StringEqualsPath`` …)."""

    operator: str
    variable: JsonPath
    operand: JsonPath
    test: Callable[[Json, Json], bool]

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        try:
            actual = self.variable.get(value, context, variables)
        except PathNotFound:
            raise _invalid_path(self.variable.text) from None
        try:
            operand = self.operand.get(value, context, variables)
        except PathNotFound:
            raise _invalid_path(self.operand.text) from None
        return self.test(actual, operand)


@dataclass(frozen=True, slots=True)
class PresenceTest(ChoiceRule):
    """``IsPresent``: the only operator for which a missing ``Variable`` is not an error."""

    variable: JsonPath
    expected: bool

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        try:
            self.variable.get(value, context, variables)
        except PathNotFound:
            return not self.expected
        return self.expected


@dataclass(frozen=True, slots=True)
class AndRule(ChoiceRule):
    rules: tuple[ChoiceRule, ...]

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        return all(rule.matches(value, context, variables) for rule in self.rules)


@dataclass(frozen=True, slots=True)
class OrRule(ChoiceRule):
    rules: tuple[ChoiceRule, ...]

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        return any(rule.matches(value, context, variables) for rule in self.rules)


@dataclass(frozen=True, slots=True)
class NotRule(ChoiceRule):
    rule: ChoiceRule

    def matches(self, value: Json, context: _Context = None, variables: _Context = None) -> bool:
        return not self.rule.matches(value, context, variables)


@dataclass(frozen=True, slots=True)
class ChoiceBranch:
    """A top-level entry of ``Choices``: its rule, the state it leads to, and its raw ``Assign``
    (compiled by the Choice state, which owns variable assignment)."""

    rule: ChoiceRule
    next: str
    assign: Json = None


# --- compilation -------------------------------------------------------------------------------


def _schema_error(message: str, location: str) -> DefinitionError:
    return DefinitionError(SCHEMA_VALIDATION_FAILED, message, location)


def _compile_path_field(rule: Mapping[str, Json], field: str, location: str) -> JsonPath:
    try:
        return compile_path(rule[field])
    except InvalidPath:
        raise _schema_error(
            f"The value for the field '{field}' must be a valid JSONPath", f"{location}/{field}"
        )


def _compile_data_test(rule: Mapping[str, Json], name: str, location: str) -> ChoiceRule:
    if "Variable" not in rule:
        raise _schema_error("These fields are required: [Variable]", location)
    variable = _compile_path_field(rule, "Variable", location)
    operand = rule[name]
    field_location = f"{location}/{name}"

    if name in _PATH_OPERATORS:
        family, compare = _COMPARISONS[name[: -len("Path")]]
        return PathComparison(
            name, variable, _compile_path_field(rule, name, location), _path_test(family, compare)
        )

    if name == "IsPresent" or name in _TYPE_TESTS:
        if not isinstance(operand, bool):
            raise _schema_error(f"The value for the field '{name}' must be a BOOLEAN", field_location)
        if name == "IsPresent":
            return PresenceTest(variable, operand)
        return LiteralComparison(name, variable, _type_test(_TYPE_TESTS[name], operand))

    if name == "StringMatches":
        if not isinstance(operand, str):
            raise _schema_error(f"The value for the field '{name}' must be a STRING", field_location)
        return LiteralComparison(name, variable, _matches_test(compile_string_matches(operand)))

    family, compare = _COMPARISONS[name]
    if family is _TIMESTAMP:
        if not isinstance(operand, str):
            raise _schema_error(f"The value for the field '{name}' must be a STRING", field_location)
        if not is_timestamp(operand):
            raise _schema_error("String does not match RFC3339 timestamp", field_location)
    elif family.key(operand) is None:
        raise _schema_error(f"The value for the field '{name}' must be {family.type_name}", field_location)
    return LiteralComparison(name, variable, _literal_test(family, compare, operand))


def _compile_rule(rule: Json, location: str, top_level: bool) -> ChoiceRule:
    if not isinstance(rule, dict):
        raise _schema_error("The value for a choice rule must be an OBJECT", location)
    operators = [key for key in rule if key in _OPERATORS]
    for key in rule:
        if key in _OPERATORS or key == "Comment":
            continue
        if key == "Variable" and not (len(operators) == 1 and operators[0] in _BOOLEAN_OPERATORS):
            continue
        if top_level and key in ("Next", "Assign"):
            continue
        raise _schema_error(f"Field '{key}' is not supported", location)
    if len(operators) != 1:
        raise _schema_error("A choice rule must have exactly one comparison operator", location)
    name = operators[0]

    if name == "Not":
        return NotRule(_compile_rule(rule["Not"], f"{location}/Not", top_level=False))
    if name in ("And", "Or"):
        members = rule[name]
        if not isinstance(members, list) or not members:
            raise _schema_error(
                f"The value for the field '{name}' must be a non-empty ARRAY", f"{location}/{name}"
            )
        compiled = tuple(
            _compile_rule(member, f"{location}/{name}/{index}", top_level=False)
            for index, member in enumerate(members)
        )
        return AndRule(compiled) if name == "And" else OrRule(compiled)
    return _compile_data_test(rule, name, location)


def compile_choice_rule(rule: dict[str, Json], location: str = "") -> ChoiceRule:
    """Compile one entry of a Choice state's ``Choices`` (its ``Next``, ``Assign`` and ``Comment``
    are allowed and ignored here). Nested rules of ``And``/``Or``/``Not`` may not carry them.

    Raises ``DefinitionError("SCHEMA_VALIDATION_FAILED", …, location)`` for a malformed rule.
    """
    return _compile_rule(rule, location, top_level=True)


def compile_choices(choices: Json, location: str = "") -> tuple[ChoiceBranch, ...]:
    """Compile a Choice state's ``Choices`` array; ``location`` is the state's (``/States/X``)."""
    field_location = f"{location}/Choices"
    if not isinstance(choices, list) or not choices:
        raise _schema_error("The value for the field 'Choices' must be a non-empty ARRAY", field_location)
    branches = []
    for index, choice in enumerate(choices):
        rule_location = f"{field_location}/{index}"
        rule = _compile_rule(choice, rule_location, top_level=True)
        choice = cast(JsonObject, choice)  # _compile_rule raised unless it is an object
        target = choice.get("Next")
        if target is None:
            raise _schema_error("These fields are required: [Next]", rule_location)
        if not isinstance(target, str):
            raise _schema_error("The value for the field 'Next' must be a STRING", f"{rule_location}/Next")
        branches.append(ChoiceBranch(rule=rule, next=target, assign=choice.get("Assign")))
    return tuple(branches)


def first_matching_branch(
    branches: tuple[ChoiceBranch, ...], value: Json, context: _Context = None, variables: _Context = None
) -> ChoiceBranch | None:
    """The first branch whose rule matches, or None (the caller then takes ``Default``)."""
    for branch in branches:
        if branch.rule.matches(value, context, variables):
            return branch
    return None
