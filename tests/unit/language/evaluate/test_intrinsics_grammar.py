"""How an intrinsic function call's text is read: each argument form accepted once, each malformed form refused.

Rows come from "Intrinsic functions for JSONPath states in Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html: the calls it shows, its
"Reserved characters" section — ``'``, ``{``, ``}`` and ``\\`` are escaped with a backslash, ``\\'``
``\\{`` ``\\}`` ``\\\\`` stand for themselves, and an open escape backslash is an error — and "You can nest
up to 10 intrinsic functions") and the Amazon States Language specification's "Intrinsic Functions"
section (https://states-language.net/, section "Intrinsic Functions": a name followed by a parenthesised, comma-separated list
of arguments, each a string in apostrophes, a number, a literal, a Path or a nested call; numbers and
literals are JSON's). A call that is not well formed is refused when the definition is created, with the
message AWS gives for the recorded refusal of ``\\"`` inside a literal; everything accepted evaluates to
the row's value.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from emulator.language.evaluate.intrinsics import InvalidIntrinsic, compile_intrinsic
from emulator.language.validate import validate_definition

INPUT = {
    "a": {"b": [1, 2]},
    "a,b": "comma",
    "a)b": "paren",
    "a'b": "apostrophe",
    "a\\'b": "backslash kept",
    "a b": "space",
    "a.b": "dot",
    "$x": "dollar",
    "\u00e9t\u00e9": "unicode",
}
CONTEXT = {"Execution": {"Input": {"k": "v"}, "Name": "exec"}}
VARIABLES = {"var": {"x": 7}}


def _evaluate(text: str) -> Any:
    return compile_intrinsic(text).evaluate(INPUT, CONTEXT, random.Random(1), VARIABLES)


# Arguments of every form the page and the spec show, one per row: (case, call, value).
ACCEPTED = [
    # numbers: JSON numbers
    ("zero", "States.Array(0)", [0]),
    ("negative zero", "States.Array(-0)", [0]),
    ("negative integer", "States.Array(-12)", [-12]),
    ("decimal", "States.Array(1.5)", [1.5]),
    ("exponent", "States.Array(1e2)", [100.0]),
    ("capital exponent with sign", "States.Array(1E+2)", [100.0]),
    ("negative decimal exponent", "States.Array(-1.5e-3)", [-0.0015]),
    # literals
    ("true false null", "States.Array(true, false, null)", [True, False, None]),
    # strings in apostrophes, with the four escapes the page lists
    ("empty string", "States.Array('')", [""]),
    ("escaped apostrophe", "States.Array('it\\'s')", ["it's"]),
    ("escaped braces", "States.Array('\\{\\}')", ["{}"]),
    ("escaped backslash", "States.Array('a\\\\b')", ["a\\b"]),
    ("a lone escaped backslash", "States.Array('\\\\')", ["\\"]),
    ("unescaped braces outside States.Format", "States.Array('{\"k\": 1}')", ['{"k": 1}']),
    ("double quotes need no escape", "States.Array('say \"hi\"')", ['say "hi"']),
    ("comma and parenthesis inside a string", "States.Array('a,b)', 'c')", ["a,b)", "c"]),
    ("raw line feed and tab", "States.Array('a\nb\tc')", ["a\nb\tc"]),
    (
        "non-ASCII text",
        "States.Array('\u00e9t\u00e9 \u4e2d \U0001f197')",
        ["\u00e9t\u00e9 \u4e2d \U0001f197"],
    ),
    # paths
    ("the whole input", "States.ArrayLength(States.Array($))", 1),
    ("dot path", "States.Array($.a.b[0])", [1]),
    ("context object", "States.Array($$.Execution.Input.k)", ["v"]),
    ("context object in brackets", "States.Array($$.Execution.Input['k'])", ["v"]),
    ("variable", "States.Array($var.x)", [7]),
    ("bracket name with a comma", "States.Array($['a,b'])", ["comma"]),
    ("bracket name with a parenthesis", "States.Array($['a)b'])", ["paren"]),
    ("double-quoted bracket name with an apostrophe", 'States.Array($["a\'b"])', ["apostrophe"]),
    (
        "escaped apostrophe in a bracket name keeps its backslash",
        "States.Array($['a\\'b'])",
        ["backslash kept"],
    ),
    ("bracket name with a space", "States.Array($['a b'])", ["space"]),
    ("bracket name with a dot", "States.Array($['a.b'])", ["dot"]),
    ("dot name starting with a dollar", "States.Array($.$x)", ["dollar"]),
    ("non-ASCII dot name", "States.Array($.\u00e9t\u00e9)", ["unicode"]),
    ("filter holding a comma and parentheses", "States.ArrayLength($.a.b[?(@ in [1, 2])])", 0),
    # nesting and whitespace
    ("nested calls", "States.ArrayLength(States.Array(States.Array(1), 2))", 2),
    ("no arguments", "States.Array()", []),
    ("whitespace around arguments", "States.Array(  1 ,\t2\n,3  )", [1, 2, 3]),
    ("whitespace before the closing parenthesis of an empty call", "States.Array( )", []),
    ("whitespace after a path", "States.Array($.a.b[1] , 'x')", [2, "x"]),
]


@pytest.mark.parametrize(("case", "text", "value"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_each_argument_form_is_read(case: str, text: str, value: Any) -> None:
    assert _evaluate(text) == value


# Malformed calls, one rule broken per row.
REFUSED = [
    # numbers that are no JSON number
    ("plus sign", "States.Array(+1)"),
    ("leading decimal point", "States.Array(.5)"),
    ("trailing decimal point", "States.Array(1.)"),
    ("leading zero", "States.Array(01)"),
    ("minus alone", "States.Array(-)"),
    ("exponent without digits", "States.Array(1e)"),
    ("hexadecimal", "States.Array(0x10)"),
    ("Infinity", "States.Array(Infinity)"),
    ("NaN", "States.Array(NaN)"),
    ("past a double's range", "States.Array(1e400)"),
    # literals are lower case, strings are in apostrophes
    ("capitalised literal", "States.Array(True)"),
    ("upper-case null", "States.Array(NULL)"),
    ("bare word", "States.Array(undefined)"),
    ("double-quoted string", 'States.Array("text")'),
    ("doubled apostrophe", "States.Array('it''s')"),
    # escapes: only the four the page lists
    ("escaped double quote", "States.Array('say \\\"hi\\\"')"),
    ("escaped n", "States.Array('a\\nb')"),
    ("escaped t", "States.Array('a\\tb')"),
    ("unicode escape", "States.Array('\\u0041')"),
    ("escaped slash", "States.Array('a\\/b')"),
    ("open escape before the closing apostrophe", "States.Array('a\\')"),
    # structure
    ("unterminated string", "States.Array('abc)"),
    ("missing closing parenthesis", "States.Array(1"),
    ("trailing comma", "States.Array(1,)"),
    ("leading comma", "States.Array(,1)"),
    ("two arguments without a comma", "States.Array(1 2)"),
    ("text after the call", "States.Array(1) x"),
    ("two calls", "States.Array(1)States.Array(2)"),
    ("unknown function", "States.Unknown(1)"),
    ("function names are case-sensitive", "States.array(1)"),
    ("namespace is case-sensitive", "states.Array(1)"),
    ("no namespace", "Array(1)"),
    ("space inside the name", "States. Array(1)"),
    ("a path that is no path", "States.Array($.)"),
    ("a path with a space in a dot name", "States.Array($.a b)"),
    ("too few arguments", "States.ArrayGetItem($.a.b)"),
    ("too many arguments", "States.UUID(1)"),
    ("wrong arity in a nested call", "States.Array(States.ArrayLength())"),
    ("eleven nested calls", "States.Array(" * 11 + ")" * 11),
]


@pytest.mark.parametrize(("case", "text"), REFUSED, ids=[row[0] for row in REFUSED])
def test_each_malformed_call_is_refused_at_creation(case: str, text: str) -> None:
    with pytest.raises(InvalidIntrinsic):
        compile_intrinsic(text)
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Parameters": {"value.$": text}, "End": True}},
    }
    [diagnostic] = validate_definition(json.dumps(definition))
    assert (diagnostic.code, diagnostic.message, diagnostic.location) == (
        "SCHEMA_VALIDATION_FAILED",
        "The value for the field 'value.$' must be a valid JSONPath or a valid intrinsic function call",
        "/States/P/Parameters",
    )


# The same refusal in every field that takes intrinsic functions (the page's "Fields that support
# intrinsic functions": Parameters, ResultSelector, ItemSelector; and Assign, in "Passing data between
# states with variables").
FIELDS = [
    ("Pass Parameters", {"Type": "Pass", "End": True}, "Parameters"),
    ("Pass Assign", {"Type": "Pass", "End": True}, "Assign"),
    (
        "Task ResultSelector",
        {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"},
            "End": True,
        },
        "ResultSelector",
    ),
    (
        "Map ItemSelector",
        {
            "Type": "Map",
            "End": True,
            "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}},
        },
        "ItemSelector",
    ),
    (
        "Parallel ResultSelector",
        {
            "Type": "Parallel",
            "End": True,
            "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}],
        },
        "ResultSelector",
    ),
]


@pytest.mark.parametrize(("case", "state", "field"), FIELDS, ids=[row[0] for row in FIELDS])
def test_a_malformed_call_is_refused_in_every_field_that_takes_one(
    case: str, state: dict[str, Any], field: str
) -> None:
    definition = {"StartAt": "S", "States": {"S": {**state, field: {"value.$": "States.Format('\\n')"}}}}
    [diagnostic] = validate_definition(json.dumps(definition))
    assert diagnostic.code == "SCHEMA_VALIDATION_FAILED"
    assert diagnostic.location == f"/States/S/{field}"
    good = {"StartAt": "S", "States": {"S": {**state, field: {"value.$": "States.Format('\\{\\}')"}}}}
    assert validate_definition(json.dumps(good)) == []


@pytest.mark.parametrize("field", ["ErrorPath", "CausePath"])
def test_a_fail_state_path_field_takes_a_call_and_refuses_a_malformed_one(field: str) -> None:
    # Fail state page: ErrorPath / CausePath take a reference path or an intrinsic function.
    bad = {"StartAt": "S", "States": {"S": {"Type": "Fail", field: "States.Format('\\n')"}}}
    [diagnostic] = validate_definition(json.dumps(bad))
    assert (diagnostic.code, diagnostic.message, diagnostic.location) == (
        "SCHEMA_VALIDATION_FAILED",
        f"The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call",
        f"/States/S/{field}",
    )
    good = {"StartAt": "S", "States": {"S": {"Type": "Fail", field: "States.Format('a\\{{}\\}', $.x)"}}}
    assert validate_definition(json.dumps(good)) == []
