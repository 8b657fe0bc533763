"""Every Choice comparison operator as the Choice state page lists it, with its ``…Path`` variant.

Rows: "Choice workflow state", https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
("Choice Rules": the operator list, "For each of these operators, the corresponding value must be of the
appropriate type … Step Functions doesn't attempt to match a numeric field to a string value", the
timestamp profile of RFC 3339, "see the Java compareTo documentation" for string order, and the
``…Path`` operators that take the compared value from the input instead of a literal).

Each row runs the operator twice: with the operand as a literal and, under its ``…Path`` name, with the
operand taken from the input — the page gives both the same meaning.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator.language.errors import StatesError
from emulator.language.evaluate.choice import compile_choice_rule

TS = "2001-01-01T12:00:00Z"
EARLIER = "2001-01-01T11:59:59.999Z"
SAME_INSTANT = "2001-01-01T13:00:00+01:00"

# (operator, value of Variable, operand, expected)
OPERATOR_ROWS = [
    ("StringEquals", "MyString", "MyString", True),
    ("StringEquals", "MyString", "mystring", False),
    ("StringEquals", 1, "1", False),  # no numeric-to-string matching
    ("StringEquals", TS, TS, True),  # a timestamp is a string to StringEquals
    ("StringLessThan", "MyStringAB", "MyStringABC", True),
    ("StringLessThan", "MyStringABC", "MyStringABC", False),
    ("StringLessThan", None, "a", False),
    ("StringGreaterThan", "MyStringABD", "MyStringABC", True),
    ("StringGreaterThan", "MyStringAB", "MyStringABC", False),
    ("StringGreaterThan", True, "a", False),
    ("StringLessThanEquals", "MyStringABC", "MyStringABC", True),
    ("StringLessThanEquals", "b", "a", False),
    ("StringGreaterThanEquals", "MyStringABC", "MyStringABC", True),
    ("StringGreaterThanEquals", "a", "b", False),
    ("StringGreaterThanEquals", ["b"], "a", False),
    ("NumericEquals", 1, 1, True),
    ("NumericEquals", 1.0, 1, True),
    ("NumericEquals", "1", 1, False),  # no string-to-numeric matching
    ("NumericEquals", True, 1, False),  # a boolean is not a number
    ("NumericLessThan", 29.9, 30, True),
    ("NumericLessThan", 30, 30, False),
    ("NumericGreaterThan", 31, 30, True),
    ("NumericGreaterThan", -31, -30, False),
    ("NumericLessThanEquals", 30, 30, True),
    ("NumericLessThanEquals", 30.5, 30, False),
    ("NumericGreaterThanEquals", 20, 20, True),
    ("NumericGreaterThanEquals", 19, 20, False),
    ("NumericGreaterThanEquals", {"n": 20}, 20, False),
    ("BooleanEquals", True, True, True),
    ("BooleanEquals", False, True, False),
    ("BooleanEquals", "true", True, False),
    ("BooleanEquals", 0, False, False),
    ("TimestampEquals", TS, TS, True),
    ("TimestampEquals", SAME_INSTANT, TS, True),  # instants compare, whatever the offset
    ("TimestampEquals", "2001-01-01T12:00:00.000Z", TS, True),
    ("TimestampEquals", "2001-01-01", TS, False),  # a date alone is not a timestamp
    ("TimestampEquals", "2001-01-01T12:00Z", TS, False),  # seconds are required
    ("TimestampEquals", "2001-01-01T12:00:00", TS, False),  # so is the offset
    ("TimestampEquals", 978350400, TS, False),  # epoch numbers are not timestamps
    ("TimestampLessThan", EARLIER, TS, True),
    ("TimestampLessThan", TS, TS, False),
    ("TimestampGreaterThan", TS, EARLIER, True),
    ("TimestampGreaterThan", "2001-01-01T12:00:00+00:01", TS, False),  # 11:59 UTC
    ("TimestampLessThanEquals", SAME_INSTANT, TS, True),
    ("TimestampLessThanEquals", "2001-01-02T00:00:00Z", TS, False),
    ("TimestampGreaterThanEquals", SAME_INSTANT, TS, True),
    ("TimestampGreaterThanEquals", "not a timestamp", TS, False),
]


def _ids(rows: list[tuple[Any, ...]]) -> list[str]:
    return [f"{row[0]}-{index}" for index, row in enumerate(rows)]


@pytest.mark.parametrize(
    ("operator", "actual", "operand", "expected"), OPERATOR_ROWS, ids=_ids(OPERATOR_ROWS)
)
def test_operator_with_a_literal(operator: str, actual: Any, operand: Any, expected: bool) -> None:
    rule = compile_choice_rule({"Variable": "$.foo", operator: operand})
    assert rule.matches({"foo": actual}) is expected


@pytest.mark.parametrize(
    ("operator", "actual", "operand", "expected"), OPERATOR_ROWS, ids=_ids(OPERATOR_ROWS)
)
def test_path_variant_takes_the_operand_from_the_input(
    operator: str, actual: Any, operand: Any, expected: bool
) -> None:
    rule = compile_choice_rule({"Variable": "$.foo", operator + "Path": "$.bar"})
    assert rule.matches({"foo": actual, "bar": operand}) is expected


# A …Path operand of the wrong type never matches (the page: the value must be of the appropriate type).
PATH_OPERAND_OF_ANOTHER_TYPE = [
    ("StringEqualsPath", "1", 1),
    ("StringLessThanPath", "a", None),
    ("NumericEqualsPath", 1, "1"),
    ("NumericGreaterThanPath", 2, True),
    ("BooleanEqualsPath", True, "true"),
    ("TimestampEqualsPath", TS, "not a timestamp"),
    ("TimestampLessThanPath", EARLIER, 978350400),
]


@pytest.mark.parametrize(("operator", "actual", "operand"), PATH_OPERAND_OF_ANOTHER_TYPE)
def test_a_path_operand_of_another_type_does_not_match(operator: str, actual: Any, operand: Any) -> None:
    rule = compile_choice_rule({"Variable": "$.foo", operator: "$.bar"})
    assert rule.matches({"foo": actual, "bar": operand}) is False


def test_a_path_operand_that_matches_nothing_fails_the_state() -> None:
    rule = compile_choice_rule({"Variable": "$.foo", "NumericLessThanPath": "$.missing"})
    with pytest.raises(StatesError) as caught:
        rule.matches({"foo": 1})
    assert caught.value.error == "States.Runtime"
    assert "$.missing" in caught.value.cause


def test_path_variants_read_the_context_object_and_variables() -> None:
    # The page: a …Path operand is a path, so $$ (context object) and $name (variables) work too.
    rule = compile_choice_rule({"Variable": "$.foo", "StringEqualsPath": "$$.Execution.Name"})
    assert rule.matches({"foo": "exec"}, {"Execution": {"Name": "exec"}}) is True
    rule = compile_choice_rule({"Variable": "$limit", "NumericGreaterThanPath": "$.n"})
    assert rule.matches({"n": 2}, None, {"limit": 3}) is True


# The page's type tests: "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp",
# each with true and false operands.
TYPE_TEST_ROWS = [
    ("IsNull", None, True),
    ("IsNull", "null", False),
    ("IsNumeric", 1.5, True),
    ("IsNumeric", "1.5", False),
    ("IsNumeric", False, False),
    ("IsString", "", True),
    ("IsString", None, False),
    ("IsBoolean", False, True),
    ("IsBoolean", 0, False),
    ("IsTimestamp", TS, True),
    ("IsTimestamp", SAME_INSTANT, True),
    ("IsTimestamp", "2001-01-01", False),
    ("IsTimestamp", 978350400, False),
]


@pytest.mark.parametrize(("operator", "actual", "is_type"), TYPE_TEST_ROWS)
def test_type_tests_with_true_and_false(operator: str, actual: Any, is_type: bool) -> None:
    assert compile_choice_rule({"Variable": "$.foo", operator: True}).matches({"foo": actual}) is is_type
    assert compile_choice_rule({"Variable": "$.foo", operator: False}).matches({"foo": actual}) is not is_type


def test_is_present_is_false_for_a_missing_field_and_true_for_null() -> None:
    present = compile_choice_rule({"Variable": "$.foo", "IsPresent": True})
    absent = compile_choice_rule({"Variable": "$.foo", "IsPresent": False})
    assert (present.matches({"foo": None}), absent.matches({"foo": None})) == (True, False)
    assert (present.matches({}), absent.matches({})) == (False, True)


def test_string_order_follows_java_compare_to() -> None:
    # The page: "To understand the behavior of string comparisons, see the Java compareTo documentation"
    # — UTF-16 code units, so a character above U+FFFF sorts below U+FFFD.
    rule = compile_choice_rule({"Variable": "$.foo", "StringLessThanPath": "$.bar"})
    assert rule.matches({"foo": "\U0001f600", "bar": "\ufffd"}) is True
    assert rule.matches({"foo": "\ufffd", "bar": "\U0001f600"}) is False
    assert rule.matches({"foo": "a\U0001f600", "bar": "a\U0001f601"}) is True
    assert rule.matches({"foo": "Z", "bar": "a"}) is True


def test_nested_and_or_not() -> None:
    # The page: And/Or take non-empty arrays of rules, Not a single rule; they nest.
    rule = compile_choice_rule(
        {
            "Or": [
                {"Not": {"Variable": "$.type", "StringEquals": "Private"}},
                {
                    "And": [
                        {"Variable": "$.value", "NumericGreaterThanEquals": 20},
                        {"Not": {"Variable": "$.value", "NumericGreaterThanEquals": 30}},
                    ]
                },
            ]
        }
    )
    assert rule.matches({"type": "Public", "value": 0}) is True
    assert rule.matches({"type": "Private", "value": 22}) is True
    assert rule.matches({"type": "Private", "value": 30}) is False
