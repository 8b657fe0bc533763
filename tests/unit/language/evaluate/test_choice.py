from __future__ import annotations

from typing import Any

import pytest

from emulator.language.errors import DefinitionError, StatesError
from emulator.language.evaluate.choice import (
    AndRule,
    ChoiceBranch,
    LiteralComparison,
    NotRule,
    OrRule,
    PathComparison,
    PresenceTest,
    compile_choice_rule,
    compile_choices,
    compile_string_matches,
    first_matching_branch,
    parse_timestamp,
)


def matches(rule: dict[str, Any], value: Any, context: Any = None, variables: Any = None) -> bool:
    return compile_choice_rule(rule).matches(value, context, variables)


def compare(operator: str, actual: Any, operand: Any) -> bool:
    """The rule ``{Variable: $.v, operator: operand}`` on ``{"v": actual}``."""
    return matches({"Variable": "$.v", operator: operand}, {"v": actual})


def compare_path(operator: str, actual: Any, operand: Any) -> bool:
    """The rule ``{Variable: $.v, operatorPath: $.o}`` on ``{"v": actual, "o": operand}``."""
    return matches({"Variable": "$.v", operator + "Path": "$.o"}, {"v": actual, "o": operand})


def definition_error(rule: Any, location: str = "/States/C/Choices/0") -> DefinitionError:
    with pytest.raises(DefinitionError) as raised:
        compile_choice_rule(rule, location)
    assert raised.value.code == "SCHEMA_VALIDATION_FAILED"
    return raised.value


# --- strings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "actual", "operand", "expected"),
    [
        ("StringEquals", "Hello", "Hello", True),
        ("StringEquals", "hello", "Hello", False),
        ("StringEquals", "\t\n", "\t\r\n", False),
        ("StringLessThan", "A", "AB", True),
        ("StringLessThan", "", "", False),
        ("StringLessThan", "Z", "a", True),  # by code point: upper case sorts first
        ("StringLessThan", "z", "é", True),
        # Java's String.compareTo (which the Choice state page cites) orders UTF-16 code units: the
        # surrogate pair of U+1F600 (0xD83D ...) sorts before U+FFFF.
        ("StringLessThan", "\uffff", "\U0001f600", False),
        ("StringGreaterThan", "\uffff", "\U0001f600", True),
        ("StringLessThan", "\ud7ff", "\U0001f600", True),
        ("StringGreaterThan", "AB", "A", True),
        ("StringGreaterThan", "A", "A ", False),
        ("StringLessThanEquals", "", "", True),
        ("StringLessThanEquals", "AB", "A", False),
        ("StringGreaterThanEquals", "A", "A", True),
        ("StringGreaterThanEquals", "A", "AB", False),
    ],
)
def test_string_operators_compare_by_code_point(
    operator: str, actual: str, operand: str, expected: bool
) -> None:
    assert compare(operator, actual, operand) is expected
    assert compare_path(operator, actual, operand) is expected


@pytest.mark.parametrize("actual", [None, 0, 1.5, True, [], ["Hello"], {}, {"A": "Hello"}])
def test_string_operators_are_false_on_values_that_are_not_strings(actual: Any) -> None:
    for operator in ("StringEquals", "StringLessThan", "StringGreaterThanEquals", "StringMatches"):
        assert compare(operator, actual, "Hello") is False
    assert compare_path("StringEquals", actual, "Hello") is False


def test_string_path_operator_is_false_when_the_operand_is_not_a_string() -> None:
    assert compare_path("StringEquals", "1", 1) is False
    assert compare_path("StringLessThan", "1", 2) is False


# --- StringMatches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "actual", "expected"),
    [
        ("*.log", "server.log", True),
        ("*.log", "server.log.1", False),
        ("log-*.txt", "log-2024.txt", True),
        ("*", "", True),
        ("", "", True),
        ("", "a", False),
        ("a*b*c", "abc", True),
        ("a*b*c", "a-b-c-d", False),
        ("*", "line one\nline two", True),
        ("a.c", "abc", False),  # regular-expression characters are literal
        ("a+", "aa", False),
        (r"\*", "*", True),
        (r"\*", "x", False),
        (r"a\*", "abc", False),
        ("\\\\*", "\\anything", True),
        ("\\\\", "\\", True),
        (r"\d", r"\d", True),  # a backslash before another character stays a backslash
        ("foo\\", "foo\\", True),
    ],
)
def test_string_matches_wildcards_and_escapes(pattern: str, actual: str, expected: bool) -> None:
    assert compare("StringMatches", actual, pattern) is expected


def test_string_matches_pattern_is_anchored_at_both_ends() -> None:
    assert compile_string_matches("a*").matches("abc")
    assert not compile_string_matches("a*").matches("ba")
    assert not compile_string_matches("a*a").matches("a")  # the prefix and suffix may not overlap
    assert compile_string_matches("a*a").matches("aa")


# The examples of https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
# (StringMatches: "*" is the only wildcard; "\\*" and "\\\\" escape it and the backslash).
@pytest.mark.parametrize(
    ("pattern", "actual", "expected"),
    [
        ("log-*.txt", "log-2024-01-01.txt", True),
        ("log-*.txt", "log-.txt", True),
        ("log-*.txt", "logs-2024.txt", False),
        ("*LogFile*", "myLogFile.txt", True),
        ("*LogFile*", "LogFile", True),
        ("*LogFile*", "Log File", False),
        ("test\\*", "test*", True),
        ("test\\*", "test123", False),
        ("a\\\\b", "a\\b", True),
        ("*/*/*/*.json", "a/b/c/d.json", True),
        ("*/*/*/*.json", "a/b/c.json", False),
        ("**", "anything", True),
    ],
)
def test_string_matches_follows_the_aws_glob(pattern: str, actual: str, expected: bool) -> None:
    assert compare("StringMatches", actual, pattern) is expected


@pytest.mark.parametrize(
    ("pattern", "actual"),
    [("*/*/*/*.json", "a/" * 768), ("*a*a*a*a*a*a*b", "a" * 3072), ("*a*a*a*a*a*a*b", "a" * 256 * 1024)],
)
def test_string_matches_takes_linear_time_on_backtracking_inputs(pattern: str, actual: str) -> None:
    # A backtracking regex took 15 s (first row) and over 100 s (second) on these; one scan each now.
    # (Counted in operations, not timed: str.find is called once per segment.)
    assert compare("StringMatches", actual, pattern) is False


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "actual", "operand", "expected"),
    [
        ("NumericEquals", 0, 0.0, True),
        ("NumericEquals", 1, 1.0, True),
        ("NumericEquals", 2.22, 2.22, True),
        ("NumericEquals", 1.1, 1, False),
        ("NumericEquals", -3, -3, True),
        ("NumericEquals", 10**20, 10**20, True),
        ("NumericLessThan", 0, 1, True),
        ("NumericLessThan", 1, 1, False),
        ("NumericLessThan", 0.5, 1, True),
        ("NumericGreaterThan", 1, 0, True),
        ("NumericGreaterThan", 0.0, 0, False),
        ("NumericLessThanEquals", 1, 1.0, True),
        ("NumericLessThanEquals", 1.5, 1, False),
        ("NumericGreaterThanEquals", 0.0, 0, True),
        ("NumericGreaterThanEquals", 0, 1, False),
    ],
)
def test_numeric_operators_compare_ints_and_floats_by_value(
    operator: str, actual: Any, operand: Any, expected: bool
) -> None:
    assert compare(operator, actual, operand) is expected
    assert compare_path(operator, actual, operand) is expected


@pytest.mark.parametrize("actual", [None, "", "0", " ", True, False, [], [0], {}, {"A": 0}])
def test_numeric_operators_are_false_on_values_that_are_not_numbers(actual: Any) -> None:
    # Booleans are not numbers: NumericEquals 0 on false is false.
    for operator in ("NumericEquals", "NumericLessThanEquals", "NumericGreaterThanEquals"):
        assert compare(operator, actual, 0) is False
        assert compare(operator, actual, 1) is False
        assert compare_path(operator, actual, 0) is False


def test_numeric_path_operator_is_false_when_the_operand_is_not_a_number() -> None:
    assert compare_path("NumericEquals", 1, "1") is False
    assert compare_path("NumericEquals", 1, True) is False
    assert compare_path("NumericGreaterThan", 1, None) is False


# --- booleans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "operand", "expected"),
    [(True, True, True), (False, False, True), (False, True, False), (True, False, False)],
)
def test_boolean_equals(actual: bool, operand: bool, expected: bool) -> None:
    assert compare("BooleanEquals", actual, operand) is expected
    assert compare_path("BooleanEquals", actual, operand) is expected


@pytest.mark.parametrize("actual", [0, 1, 0.0, "true", "", None, [], {}])
def test_boolean_equals_is_false_on_values_that_are_not_booleans(actual: Any) -> None:
    assert compare("BooleanEquals", actual, True) is False
    assert compare("BooleanEquals", actual, False) is False
    assert compare_path("BooleanEquals", actual, False) is False
    assert compare_path("BooleanEquals", True, 1) is False


# --- timestamps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "actual", "operand", "expected"),
    [
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
        ("TimestampEquals", "2012-10-09T20:00:55+01:00", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T18:30:55-00:30", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55.000Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55.5Z", "2012-10-09T19:00:55.500000000Z", True),
        ("TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", True),
        ("TimestampLessThan", "2012-10-09T19:00:55.999999999Z", "2012-10-09T19:00:56Z", True),
        ("TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", False),
        ("TimestampGreaterThan", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", True),
        ("TimestampGreaterThan", "2012-10-09T20:00:00+02:00", "2012-10-09T19:00:00Z", False),
        ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampLessThanEquals", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", False),
        ("TimestampGreaterThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampGreaterThanEquals", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", False),
    ],
)
def test_timestamp_operators_compare_instants(
    operator: str, actual: str, operand: str, expected: bool
) -> None:
    assert compare(operator, actual, operand) is expected
    assert compare_path(operator, actual, operand) is expected


@pytest.mark.parametrize(
    "actual",
    [
        None,
        0,
        1.1,
        True,
        [],
        {},
        "",
        " ",
        "2012-10-09T19:00:55",  # no offset
        "2012-10-09",
        "2023-02-24 12:15:56.832957",
        "2012-10-09 19:00:55Z",
        "2012-13-09T19:00:55Z",
        "2012-02-30T19:00:55Z",
        "2012-10-09T24:00:00Z",
        "2012-10-09T19:00Z",
        "2012-10-09T19:00:61Z",
        "2012-10-09T19:00:55+24:00",
        "２０１２-10-09T19:00:55Z",
        "2012-10-09T19:00:55+0100",
        " 2012-10-09T19:00:55Z",
    ],
)
def test_timestamp_operators_are_false_on_values_that_are_not_timestamps(actual: Any) -> None:
    assert compare("TimestampEquals", actual, "2012-10-09T19:00:55Z") is False
    assert compare("TimestampLessThan", actual, "2100-01-01T00:00:00Z") is False
    assert compare_path("TimestampGreaterThanEquals", actual, "1900-01-01T00:00:00Z") is False
    assert compare("IsTimestamp", actual, True) is False


def test_timestamp_path_operator_is_false_when_the_operand_is_not_a_timestamp() -> None:
    assert compare_path("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55") is False
    assert compare_path("TimestampEquals", "2012-10-09T19:00:55Z", 0) is False


@pytest.mark.parametrize(
    "actual",
    [
        "2012-10-09t19:00:55z",  # RFC 3339 allows lower case
        "2012-10-09T19:00:55.0000000001Z",  # finer than a nanosecond: truncated
        "2012-10-09T22:00:55+03:00",
    ],
)
def test_rfc3339_variants_are_timestamps(actual: str) -> None:
    assert compare("TimestampEquals", actual, "2012-10-09T19:00:55Z") is True
    assert compare("IsTimestamp", actual, True) is True


def test_a_leap_second_counts_as_the_second_before_it() -> None:
    assert compare("TimestampEquals", "2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z") is True


def test_parse_timestamp_orders_by_instant_with_nanoseconds() -> None:
    assert parse_timestamp("1970-01-01T00:00:00Z") == (0, 0)
    assert parse_timestamp("1970-01-01T01:00:00.000000001+01:00") == (0, 1)
    assert parse_timestamp("2016-02-29T00:00:00Z") is not None  # leap day
    assert parse_timestamp("2015-02-29T00:00:00Z") is None


# --- type tests ------------------------------------------------------------------------------

VALUES: list[tuple[Any, set[str]]] = [
    (None, {"IsNull"}),
    ("", {"IsString"}),
    ("HelloWorld", {"IsString"}),
    ("2012-10-09T19:00:55", {"IsString"}),
    ("2012-10-09T19:00:55Z", {"IsString", "IsTimestamp"}),
    ("2012-10-09T19:00:55+01:00", {"IsString", "IsTimestamp"}),
    ("2023-02-24", {"IsString"}),
    (0, {"IsNumeric"}),
    (1.1, {"IsNumeric"}),
    (True, {"IsBoolean"}),
    (False, {"IsBoolean"}),
    ([], set()),
    ([""], set()),
    ({}, set()),
    ({"A": 0}, set()),
]


@pytest.mark.parametrize(("actual", "kinds"), VALUES)
def test_type_tests(actual: Any, kinds: set[str]) -> None:
    for operator in ("IsNull", "IsString", "IsNumeric", "IsBoolean", "IsTimestamp"):
        assert compare(operator, actual, True) is (operator in kinds), operator
        assert compare(operator, actual, False) is (operator not in kinds), operator
    assert compare("IsPresent", actual, True) is True
    assert compare("IsPresent", actual, False) is False


def test_is_present_is_false_for_a_missing_path_instead_of_failing() -> None:
    assert matches({"Variable": "$.missing", "IsPresent": True}, {"v": 1}) is False
    assert matches({"Variable": "$.missing", "IsPresent": False}, {"v": 1}) is True
    assert matches({"Variable": "$.v.deeper", "IsPresent": True}, {"v": 1}) is False
    assert matches({"Variable": "$.list[3]", "IsPresent": True}, {"list": [1]}) is False
    assert matches({"Variable": "$", "IsPresent": True}, None) is True


# --- missing paths ---------------------------------------------------------------------------

MISSING_CAUSE = "Invalid path '{}': The choice state's condition path references an invalid value."


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.missing", "StringEquals": "x"},
        {"Variable": "$.missing", "NumericEquals": 1},
        {"Variable": "$.missing", "BooleanEquals": True},
        {"Variable": "$.missing", "TimestampEquals": "2012-10-09T19:00:55Z"},
        {"Variable": "$.missing", "StringMatches": "*"},
        {"Variable": "$.missing", "IsNull": True},
        {"Variable": "$.missing", "IsNull": False},
        {"Variable": "$.missing", "IsString": False},
        {"Variable": "$.missing", "NumericEqualsPath": "$.v"},
        {"Not": {"Variable": "$.missing", "IsNumeric": True}},
    ],
)
def test_a_missing_variable_fails_with_states_runtime(rule: dict[str, Any]) -> None:
    with pytest.raises(StatesError) as raised:
        matches(rule, {"v": 1})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == MISSING_CAUSE.format("$.missing")


def test_a_missing_comparison_path_fails_with_states_runtime_naming_that_path() -> None:
    with pytest.raises(StatesError) as raised:
        matches({"Variable": "$.v", "NumericLessThanEqualsPath": "$.right"}, {"v": 8})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == MISSING_CAUSE.format("$.right")


def test_a_null_value_is_present() -> None:
    assert matches({"Variable": "$.v", "IsNull": True}, {"v": None}) is True
    assert matches({"Variable": "$.v", "StringEquals": "x"}, {"v": None}) is False


# --- context object and variables ------------------------------------------------------------


def test_variable_may_be_a_context_path() -> None:
    context = {"Execution": {"Input": {"input-value": 0}}}
    rule = {"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0}
    assert matches(rule, {"anything": 1}, context) is True
    assert matches(
        {"Variable": "$.v", "NumericEqualsPath": "$$.Execution.Input.input-value"}, {"v": 0}, context
    )


def test_variable_and_operand_may_be_workflow_variables() -> None:
    rule = {"Variable": "$guess", "StringEqualsPath": "$answer"}
    assert matches(rule, {}, {}, {"guess": "Bob", "answer": "Bob"}) is True
    assert matches(rule, {}, {}, {"guess": "Bob", "answer": "Alice"}) is False


def test_variable_may_be_the_whole_input() -> None:
    rule = {"And": [{"IsPresent": True, "Variable": "$"}, {"IsNumeric": True, "Variable": "$"}]}
    assert matches(rule, 3) is True
    assert matches(rule, "3") is False


# --- boolean expressions ---------------------------------------------------------------------

DOCS_CHOICES = [
    {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
    {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
    {
        "And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
        ],
        "Next": "ValueInTwenties",
    },
]


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ({"type": "Private", "value": 22}, "ValueInTwenties"),
        ({"type": "Public", "value": 22}, "Public"),
        ({"type": "Private", "value": 0}, "ValueIsZero"),
        ({"type": "Private", "value": 30}, None),
        ({"type": "Private", "value": 19.99}, None),
    ],
)
def test_the_aws_documentation_example_takes_the_first_matching_branch(
    value: Any, target: str | None
) -> None:
    branches = compile_choices(DOCS_CHOICES, "/States/ChoiceStateX")
    branch = first_matching_branch(branches, value)
    assert (branch.next if branch else None) == target


def test_or_is_true_when_any_member_is_true() -> None:
    rule = {"Or": [{"Variable": "$.v", "NumericEquals": 1}, {"Variable": "$.v", "NumericEquals": 2}]}
    assert matches(rule, {"v": 2}) is True
    assert matches(rule, {"v": 3}) is False


def test_single_member_and_is_allowed() -> None:
    rule = {"And": [{"Variable": "$.type", "StringEquals": "Public"}], "Next": "Public"}
    assert matches(rule, {"type": "Public"}) is True


def test_nested_boolean_expressions() -> None:
    rule = {
        "Not": {
            "Or": [
                {"And": [{"Variable": "$.a", "IsString": True}, {"Variable": "$.a", "StringMatches": "x*"}]},
                {"Variable": "$.b", "BooleanEquals": True},
            ]
        }
    }
    assert matches(rule, {"a": "xy", "b": False}) is False
    assert matches(rule, {"a": "yy", "b": False}) is True
    assert matches(rule, {"a": 1, "b": True}) is False


def test_compiled_rules_resolve_their_operator_at_compile_time() -> None:
    assert isinstance(compile_choice_rule({"Variable": "$.v", "StringEquals": "x"}), LiteralComparison)
    assert isinstance(compile_choice_rule({"Variable": "$.v", "StringEqualsPath": "$.w"}), PathComparison)
    assert isinstance(compile_choice_rule({"Variable": "$.v", "IsPresent": True}), PresenceTest)
    assert isinstance(compile_choice_rule({"Not": {"Variable": "$.v", "IsNull": True}}), NotRule)
    assert isinstance(compile_choice_rule({"And": [{"Variable": "$.v", "IsNull": True}]}), AndRule)
    assert isinstance(compile_choice_rule({"Or": [{"Variable": "$.v", "IsNull": True}]}), OrRule)


# --- compile_choices -------------------------------------------------------------------------


def test_compile_choices_keeps_next_assign_and_order() -> None:
    branches = compile_choices(
        [
            {"Variable": "$.v", "IsPresent": False, "Assign": {"status": "UNKNOWN"}, "Next": "A"},
            {"Variable": "$.v", "NumericEquals": 42, "Comment": "the answer", "Next": "B"},
        ],
        "/States/C",
    )
    assert [branch.next for branch in branches] == ["A", "B"]
    assert branches[0].assign == {"status": "UNKNOWN"}
    assert branches[1].assign is None
    assert isinstance(branches[0], ChoiceBranch)
    assert first_matching_branch(branches, {"v": 42}) is branches[1]
    assert first_matching_branch(branches, {}) is branches[0]
    assert first_matching_branch(branches, {"v": 41}) is None


def test_compile_choices_requires_next_on_top_level_rules() -> None:
    with pytest.raises(DefinitionError) as raised:
        compile_choices([{"Variable": "$.v", "IsNull": True}], "/States/C")
    assert raised.value.code == "SCHEMA_VALIDATION_FAILED"
    assert raised.value.message == "These fields are required: [Next]"
    assert raised.value.location == "/States/C/Choices/0"


@pytest.mark.parametrize("choices", [[], None, {"Variable": "$.v"}])
def test_compile_choices_requires_a_non_empty_array(choices: Any) -> None:
    with pytest.raises(DefinitionError) as raised:
        compile_choices(choices, "/States/C")
    assert raised.value.message == "The value for the field 'Choices' must be a non-empty ARRAY"
    assert raised.value.location == "/States/C/Choices"


def test_comments_are_allowed_at_every_level() -> None:
    rule = {
        "And": [{"Variable": "$.status", "StringEquals": "complete", "Comment": "inner"}],
        "Comment": "outer",
        "Next": "SuccessState",
    }
    assert compile_choices([rule], "/States/C")[0].rule.matches({"status": "complete"})


# --- definition errors -----------------------------------------------------------------------


def test_nested_rules_may_not_have_next() -> None:
    error = definition_error({"Not": {"Variable": "$.v", "IsNull": True, "Next": "X"}, "Next": "Y"})
    assert error.message == "Field 'Next' is not supported"
    assert error.location == "/States/C/Choices/0/Not"


def test_unknown_fields_are_rejected() -> None:
    error = definition_error({"Variable": "$.v", "StringEquals": "x", "Foo": 1})
    assert error.message == "Field 'Foo' is not supported"
    assert error.location == "/States/C/Choices/0"


def test_variable_is_rejected_on_boolean_expressions() -> None:
    error = definition_error({"Variable": "$.v", "Not": {"Variable": "$.v", "IsNull": True}})
    assert error.message == "Field 'Variable' is not supported"
    assert error.location == "/States/C/Choices/0"


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.v"},
        {"Variable": "$.v", "StringEquals": "a", "StringLessThan": "b"},
        {"Next": "X"},
        {"And": [{"Variable": "$.v", "IsNull": True}], "Not": {"Variable": "$.v", "IsNull": True}},
    ],
)
def test_a_rule_needs_exactly_one_operator(rule: dict[str, Any]) -> None:
    assert definition_error(rule).location == "/States/C/Choices/0"


def test_a_data_test_needs_a_variable() -> None:
    error = definition_error({"StringEquals": "x"})
    assert error.message == "These fields are required: [Variable]"


@pytest.mark.parametrize(
    ("operator", "operand", "type_name"),
    [
        ("StringEquals", 1, "a STRING"),
        ("StringLessThan", None, "a STRING"),
        ("StringMatches", 1, "a STRING"),
        ("NumericEquals", "1", "a NUMBER"),
        ("NumericGreaterThan", True, "a NUMBER"),
        ("BooleanEquals", "true", "a BOOLEAN"),
        ("BooleanEquals", 1, "a BOOLEAN"),
        ("IsNull", "true", "a BOOLEAN"),
        ("IsPresent", 1, "a BOOLEAN"),
        ("TimestampEquals", 0, "a STRING"),
    ],
)
def test_literal_operands_must_have_the_operator_type(operator: str, operand: Any, type_name: str) -> None:
    error = definition_error({"Variable": "$.v", operator: operand})
    assert error.message == f"The value for the field '{operator}' must be {type_name}"
    assert error.location == f"/States/C/Choices/0/{operator}"


@pytest.mark.parametrize(
    "operand", ["2016-13-05T21:29:29Z", "2016-12-05 21:29:29Z", "2016-12-05T21:29:29", ""]
)
def test_timestamp_literals_must_be_rfc3339(operand: str) -> None:
    error = definition_error({"Variable": "$.v", "TimestampLessThan": operand})
    assert error.message == "String does not match RFC3339 timestamp"
    assert error.location == "/States/C/Choices/0/TimestampLessThan"


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"Variable": "v", "IsNull": True}, "Variable"),
        ({"Variable": 1, "IsNull": True}, "Variable"),
        ({"Variable": "$.v", "StringEqualsPath": "w"}, "StringEqualsPath"),
        ({"Variable": "$.v", "NumericEqualsPath": 3}, "NumericEqualsPath"),
    ],
)
def test_paths_must_be_json_paths(rule: dict[str, Any], field: str) -> None:
    error = definition_error(rule)
    assert error.message == f"The value for the field '{field}' must be a valid JSONPath"
    assert error.location == f"/States/C/Choices/0/{field}"


@pytest.mark.parametrize("members", [[], {"Variable": "$.v", "IsNull": True}, None])
def test_and_or_need_a_non_empty_array(members: Any) -> None:
    for name in ("And", "Or"):
        error = definition_error({name: members})
        assert error.message == f"The value for the field '{name}' must be a non-empty ARRAY"
        assert error.location == f"/States/C/Choices/0/{name}"


def test_errors_in_nested_rules_are_located() -> None:
    error = definition_error(
        {"Or": [{"Variable": "$.v", "IsNull": True}, {"Variable": "$.v", "NumericEquals": "x"}]}
    )
    assert error.location == "/States/C/Choices/0/Or/1/NumericEquals"
    error = definition_error({"Not": [1]})
    assert error.message == "The value for a choice rule must be an OBJECT"
    assert error.location == "/States/C/Choices/0/Not"
