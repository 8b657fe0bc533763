"""JSONata expressions are parsed at definition time (INVALID_JSONATA_EXPRESSION) and may not read
fields of the absent context item (UNSUPPORTED_JSONATA_EXPRESSION)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.validate import errors_of, invalid_definition_message, validate_definition


def _jsonata(state: dict[str, Any]) -> str:
    return json.dumps({"QueryLanguage": "JSONata", "StartAt": "E", "States": {"E": state}})


def _errors(text: str) -> list[tuple[str, str, str | None]]:
    return [(d.code, d.message, d.location) for d in errors_of(validate_definition(text))]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("a[1,2)", 'Expected "]", got ","'),
        ('"unterminated', "String literal must be terminated by a matching quote"),
        ("1 +", "Unexpected end of expression"),
        ('{"a":}', 'The symbol "}" cannot be used as a unary operator'),
        ("$x :=", "Unexpected end of expression"),
        ('$match("a", /abc', "No terminating / in regular expression"),
    ],
)
def test_an_expression_that_does_not_parse_is_refused_with_the_parser_message(
    expression: str, message: str
) -> None:
    text = _jsonata({"Type": "Pass", "Output": "{% " + expression + " %}", "End": True})
    assert _errors(text) == [("INVALID_JSONATA_EXPRESSION", message, "/States/E/Output")]


def test_the_create_message_names_code_message_and_location() -> None:
    text = _jsonata({"Type": "Pass", "Output": "{% 1 + %}", "End": True})
    assert invalid_definition_message(validate_definition(text)) == (
        "Invalid State Machine Definition: "
        "'INVALID_JSONATA_EXPRESSION: Unexpected end of expression at /States/E/Output'"
    )


def test_a_top_level_reference_is_unsupported_at_the_nested_location() -> None:
    text = _jsonata({"Type": "Pass", "Output": {"v": "{% phone %}"}, "End": True})
    assert _errors(text) == [
        (
            "UNSUPPORTED_JSONATA_EXPRESSION",
            "Reference to 'phone' at the top level is not supported.",
            "/States/E/Output/v",
        )
    ]


def test_each_distinct_top_level_name_is_reported_once() -> None:
    text = _jsonata({"Type": "Pass", "Output": "{% a + b + a %}", "End": True})
    assert [message for _, message, _ in _errors(text)] == [
        "Reference to 'a' at the top level is not supported.",
        "Reference to 'b' at the top level is not supported.",
    ]


def test_every_bad_expression_of_a_state_is_reported() -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"items": ["{% 1 + %}"]},
        "Assign": {"x": "{% y %}"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "E", "Output": "{% ( %}"}],
        "End": True,
    }
    assert [(code, location) for code, _, location in _errors(_jsonata(state))] == [
        ("INVALID_JSONATA_EXPRESSION", "/States/E/Arguments/items[0]"),
        ("UNSUPPORTED_JSONATA_EXPRESSION", "/States/E/Assign/x"),
        ("INVALID_JSONATA_EXPRESSION", "/States/E/Catch[0]/Output"),
    ]


def test_choice_conditions_are_parsed() -> None:
    state = {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.a = %}", "Next": "P"}]}
    text = json.dumps(
        {"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": state, "P": {"Type": "Succeed"}}}
    )
    assert _errors(text) == [
        ("INVALID_JSONATA_EXPRESSION", "Unexpected end of expression", "/States/C/Choices[0]/Condition")
    ]


@pytest.mark.parametrize(
    "output",
    [
        "{% $states.input.a %}",
        "{% $x.y %}",
        "{% $states.input.items[price > 3].name %}",
        "{% $map($states.input.list, function($v) { $v.name }) %}",
        "{% ($y := 1; $y + 1) %}",
        "{% 1 + %} is not an expression",
    ],
)
def test_valid_expressions_and_literals_are_accepted(output: str) -> None:
    assert _errors(_jsonata({"Type": "Pass", "Output": output, "End": True})) == []


def test_a_jsonpath_state_keeps_braced_text_literal() -> None:
    text = json.dumps({"StartAt": "E", "States": {"E": {"Type": "Pass", "Result": "{% 1 + %}", "End": True}}})
    assert _errors(text) == []


def test_fields_that_take_no_expression_are_not_parsed() -> None:
    assert _errors(_jsonata({"Type": "Pass", "Comment": "{% 1 + %}", "End": True})) == []


# https://states-language.net/spec.html ("JSONata"): a JSONata expression "MUST NOT reference "$" or
# unqualified field names at the top level, but MAY reference "$" or unqualified field names nested
# inside an expression"; "$$" (the entire input document) likewise. Step Functions evaluates an
# expression with no context item (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html:
# the input is $states.input). The name in the message is ours for `$` / `$$` (AWS's form for names).
_CONTEXT_REFERENCES = [
    ("$", ["$"]),
    ("$$", ["$$"]),
    ("$.a", ["$"]),
    ("$$.a.b", ["$$"]),
    ("$string($)", ["$"]),
    ("$states.input.a ? $ : 1", ["$"]),
    ('{"a": $, "b": $$}', ["$", "$$"]),
    ("($x := $; $x)", ["$"]),
    ("$ + a + $", ["$", "a"]),
    # nested inside an expression: a later path step, a predicate, a sort term, a grouping
    ("$states.input.($)", []),
    ("$states.input.($$.a)", []),
    ("$states.input.items[$.price > 2]", []),
    ("$count($states.input[$ = 0])", []),
    ("[1, 2][$ > 1]", []),
    ('[{"a": 1}][a = 1]', []),
    ("$states.input^($)", []),
    ('$states.input{"k": $}', []),
    ("$states.context.Execution.Input", []),
]


@pytest.mark.parametrize(("expression", "refused"), _CONTEXT_REFERENCES)
def test_dollar_and_double_dollar_at_the_top_level_are_refused(expression: str, refused: list[str]) -> None:
    text = _jsonata({"Type": "Pass", "Output": "{% " + expression + " %}", "End": True})
    assert _errors(text) == [
        (
            "UNSUPPORTED_JSONATA_EXPRESSION",
            f"Reference to '{name}' at the top level is not supported.",
            "/States/E/Output",
        )
        for name in refused
    ]
