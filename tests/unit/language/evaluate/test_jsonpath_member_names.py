"""Member names with special characters in every path field: which texts are paths, and what they select or write.

Rows come from the Step Functions developer guide, "Using JSONPath paths" / "Reference Paths"
(https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html: Step Functions
reads paths with Jayway JsonPath; a Reference Path identifies a single node) and Jayway's README,
"Operators" / bracket-notated child (https://github.com/json-path/JsonPath#operators): a name that is
not a plain dot name is written ``['name']`` or ``["name"]``. Inside the quotes a backslash escapes the
next character for finding the closing quote and stays in the name, as AWS's recorded execution of
``$['Test\\\\"\\"Name\\"']`` shows (it selects the key ``Test\\\\""Name"``), so one rule covers every sibling.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.evaluate.jsonpath import InvalidPath, compile_path, compile_reference_path
from emulator.language.validate import validate_definition

DOCUMENT: dict[str, Any] = {
    "a b": 1,
    "a.b": 2,
    "$x": 3,
    "a'b": 4,
    'a"b': 5,
    "a\\'b": 6,
    "a\\b": 7,
    "a]b": 8,
    "a,b": 9,
    "": 10,
    "\u00e9t\u00e9": 11,
    "\u4e2d": 12,
    "\U0001f197": 13,
    "a-b": 14,
    "0": 15,
    "*": 16,
    "a\tb": 17,
    "@": 18,
}

# (case, path, key it names). Each path reads that key's value and, as a ResultPath, writes that key.
NAMES = [
    ("space", "$['a b']", "a b"),
    ("dot", "$['a.b']", "a.b"),
    ("dollar", "$['$x']", "$x"),
    ("dollar as a dot name", "$.$x", "$x"),
    ("apostrophe in double quotes", '$["a\'b"]', "a'b"),
    ("double quote in apostrophes", "$['a\"b']", 'a"b'),
    ("escaped apostrophe keeps its backslash", "$['a\\'b']", "a\\'b"),
    ("escaped double quote keeps its backslash", '$["a\\"b"]', 'a\\"b'),
    ("doubled backslash stays doubled", "$['a\\\\b']", "a\\\\b"),
    ("closing bracket", "$['a]b']", "a]b"),
    ("comma", "$['a,b']", "a,b"),
    ("empty name", "$['']", ""),
    ("non-ASCII dot name", "$.\u00e9t\u00e9", "\u00e9t\u00e9"),
    ("CJK bracket name", "$['\u4e2d']", "\u4e2d"),
    ("character past U+FFFF", "$['\U0001f197']", "\U0001f197"),
    ("hyphen as a dot name", "$.a-b", "a-b"),
    ("digit name in quotes", "$['0']", "0"),
    ("asterisk in quotes is a name", "$['*']", "*"),
    ("tab in quotes", "$['a\tb']", "a\tb"),
    ("at sign as a dot name", "$.@", "@"),
]


@pytest.mark.parametrize(("case", "path", "key"), NAMES, ids=[row[0] for row in NAMES])
def test_a_quoted_or_special_name_reads_and_writes_its_key(case: str, path: str, key: str) -> None:
    document = {**DOCUMENT, key: "selected"}
    assert compile_path(path).get(document, {}, {}) == "selected"
    assert compile_reference_path(path).set({}, "written") == {key: "written"}
    for field in ("InputPath", "OutputPath", "ResultPath"):
        definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", field: path, "End": True}}}
        assert validate_definition(json.dumps(definition)) == [], field


# Texts that are no path (Jayway refuses them), refused at creation in every path field.
NOT_PATHS = [
    ("space in a dot name", "$.a b"),
    ("unterminated quote", "$['a b]"),
    ("unclosed bracket", "$['a'"),
    ("bare word in brackets", "$[a]"),
    ("quote not followed by a bracket or comma", "$['a'x]"),
    ("empty brackets", "$[]"),
    ("dot at the end", "$.a."),
    ("no root", "a.b"),
]


@pytest.mark.parametrize(("case", "path"), NOT_PATHS, ids=[row[0] for row in NOT_PATHS])
def test_a_text_that_is_no_path_is_refused_in_every_path_field(case: str, path: str) -> None:
    with pytest.raises(InvalidPath):
        compile_path(path)
    for field, noun in (
        ("InputPath", "JSONPath"),
        ("OutputPath", "JSONPath"),
        ("ResultPath", "ReferencePath"),
    ):
        definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", field: path, "End": True}}}
        [diagnostic] = validate_definition(json.dumps(definition))
        assert diagnostic.code == "SCHEMA_VALIDATION_FAILED"
        assert diagnostic.message == f"The value for the field '{field}' must be a valid {noun}"


def test_several_quoted_names_merge_at_the_tail_but_are_no_reference_path() -> None:
    # Jayway: ['a','b'] at the tail is one object of the present names; a Reference Path names one node.
    assert compile_path("$['a b','a.b','missing']").get(DOCUMENT, {}, {}) == {"a b": 1, "a.b": 2}
    with pytest.raises(InvalidPath):
        compile_reference_path("$['a b','a.b']")


# Every JSONPath field reads names the same way (each state type's page lists its path fields: Choice
# Variable and the …Path comparisons, Wait SecondsPath / TimestampPath, Map ItemsPath / MaxConcurrencyPath,
# Task TimeoutSecondsPath / HeartbeatSecondsPath, payload-template paths, Catch ResultPath).
_TASK = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}}
_PROCESSOR = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
PATH_FIELDS: list[tuple[str, Any, str]] = [
    (
        "Choice Variable",
        lambda p: {
            "Type": "Choice",
            "Choices": [{"Variable": p, "IsPresent": True, "Next": "E"}],
            "Default": "E",
        },
        "'Variable' must be a valid JSONPath",
    ),
    (
        "Choice StringEqualsPath",
        lambda p: {
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "StringEqualsPath": p, "Next": "E"}],
            "Default": "E",
        },
        "'StringEqualsPath' must be a valid JSONPath",
    ),
    (
        "Wait SecondsPath",
        lambda p: {"Type": "Wait", "SecondsPath": p, "Next": "E"},
        "'SecondsPath' must be a valid JSONPath",
    ),
    (
        "Wait TimestampPath",
        lambda p: {"Type": "Wait", "TimestampPath": p, "Next": "E"},
        "'TimestampPath' must be a valid JSONPath",
    ),
    (
        "Map ItemsPath",
        lambda p: {"Type": "Map", "ItemsPath": p, "ItemProcessor": _PROCESSOR, "Next": "E"},
        "'ItemsPath' must be a valid JSONPath",
    ),
    (
        "Map MaxConcurrencyPath",
        lambda p: {"Type": "Map", "MaxConcurrencyPath": p, "ItemProcessor": _PROCESSOR, "Next": "E"},
        "'MaxConcurrencyPath' must be a valid JSONPath",
    ),
    (
        "Task TimeoutSecondsPath",
        lambda p: {**_TASK, "TimeoutSecondsPath": p, "Next": "E"},
        "'TimeoutSecondsPath' must be a valid JSONPath",
    ),
    (
        "Task HeartbeatSecondsPath",
        lambda p: {**_TASK, "HeartbeatSecondsPath": p, "Next": "E"},
        "'HeartbeatSecondsPath' must be a valid JSONPath",
    ),
    (
        "Pass Parameters path",
        lambda p: {"Type": "Pass", "Parameters": {"v.$": p}, "Next": "E"},
        "'v.$' must be a valid JSONPath or a valid intrinsic function call",
    ),
    (
        "Catch ResultPath",
        lambda p: {
            **_TASK,
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": p, "Next": "E"}],
            "Next": "E",
        },
        "'ResultPath' must be a valid ReferencePath",
    ),
]
FIELD_PATHS = [
    ("space", "$['a b']", True),
    ("dot", "$['a.b']", True),
    ("escaped apostrophe", "$['a\\'b']", True),
]
FIELD_PATHS += [("non-ASCII", "$.\u00e9t\u00e9", True), ("space in a dot name", "$.a b", False)]
FIELD_ROWS = [
    (field, make, message, case, path, ok)
    for field, make, message in PATH_FIELDS
    for case, path, ok in FIELD_PATHS
]


@pytest.mark.parametrize(
    ("field", "make", "message", "case", "path", "accepted"),
    FIELD_ROWS,
    ids=[f"{row[0]}-{row[3]}" for row in FIELD_ROWS],
)
def test_every_path_field_reads_names_alike(
    field: str, make: Any, message: str, case: str, path: str, accepted: bool
) -> None:
    definition = {"StartAt": "S", "States": {"S": make(path), "E": {"Type": "Succeed"}}}
    diagnostics = validate_definition(json.dumps(definition))
    if accepted:
        assert diagnostics == []
    else:
        assert [d.message for d in diagnostics] == [f"The value for the field {message}"]
