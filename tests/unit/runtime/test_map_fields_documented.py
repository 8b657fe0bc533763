"""Every field of the Map state, inline and Distributed, with every kind of value, in both query
languages: what the execution does (the error name, the cause, the events recorded before it fails).

The rules come from AWS's pages (cited per table) and from the values AWS recorded for some of them
(a tolerated failure threshold path of -1, 100.1, "NoNumber", {} …; a MaxConcurrencyPath of
"NoNumber", {}; JSONata ``Items`` of every JSON type); every sibling value and sibling field here follows
the same rule:

* a ``…Path`` number field whose value is no number of its kind: ``States.Runtime``, ``The <Field>Path
  field refers to value "<value>" which is not a valid integer|float: <path>`` (the text of a number is
  taken); a count below zero: ``<Field> cannot be negative.``; a percentage outside 0..100:
  ``ToleratedFailurePercentage must be between 0 and 100.``;
* MaxConcurrencyPath is read before the Map starts (``MapStateEntered`` then ``ExecutionFailed``), the
  tolerated failure thresholds once a Distributed Map has started (``MapStateStarted`` first);
* a JSONata field's type is the expression's (``States.QueryEvaluationError``, ``EvaluationFailed``
  first), the threshold ranges are the field's (``States.Runtime`` as in JSONPath);
* ``EvaluationFailed`` is recorded where the evaluation failed, before the Map's ``MapStateFailed``;
* the Mode decides how a Map runs: ToleratedFailure* fields leave an INLINE Map inline.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.model.records import ExecutionStatus
from tests.unit.runtime.test_field_evaluation_failures import (
    DISTRIBUTED,
    PROCESSOR,
    QUERY,
    READER,
    RUNTIME,
    Row,
    _check,
    _integrations,
    _map,
)
from tests.unit.runtime.test_map_run import RecordingSink, run

MODES = {"inline": PROCESSOR, "distributed": DISTRIBUTED}
ENTERED = ("MapStateEntered",)
STARTED = ("MapStateEntered", "MapStateStarted")


def _not_valid(field: str, shown: str, kind: str, path: str = "$.v") -> str:
    return f'The {field} field refers to value "{shown}" which is not a valid {kind}: {path}'


def _wrong_type(expression: str, field: str, expected: str, actual: str, value: str) -> str:
    return (
        f"The JSONata expression '{expression}' specified for the field '{field}' returned an unexpected "
        f"result type. Expected '{expected}', but was '{actual}' for value: {value}"
    )


async def _succeeds(state: dict[str, Any], value: Any, jsonata: bool = False) -> list[str]:
    definition: dict[str, Any] = {"StartAt": "S", "States": {"S": state}}
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    execution = await run(definition, json.dumps(value), RecordingSink(), _integrations())
    assert (execution.status, execution.error, execution.cause) == (ExecutionStatus.SUCCEEDED, None, None)
    return [event.type for event in execution.history.events]


# --- JSONPath number paths ----------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html (MaxConcurrencyPath: "a reference
# path to an integer"), https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html
# (ToleratedFailureCountPath / ToleratedFailurePercentagePath: resolve to a non-negative integer / a
# number between 0 and 100 at run time), https://docs.aws.amazon.com/step-functions/latest/dg/
# concepts-error-handling.html (States.Runtime). Each value below is placed at ``$.v``.
_NOT_A_NUMBER = [("x", "x"), ({}, "{}"), ([], "[]"), (None, "null"), (True, "true"), ("1.5x", "1.5x")]


def _path_failures() -> list[Row]:
    rows = []
    for mode, processor in MODES.items():
        state = _map(processor, ItemsPath="$.i", MaxConcurrencyPath="$.v")
        for value, shown in [*_NOT_A_NUMBER, (1.5, "1.5")]:
            rows.append(
                Row(
                    f"{mode} MaxConcurrencyPath={shown}",
                    state,
                    {"i": [1], "v": value},
                    RUNTIME,
                    _not_valid("MaxConcurrencyPath", shown, "integer"),
                    ENTERED,
                )
            )
        rows.append(
            Row(
                f"{mode} MaxConcurrencyPath=-1",
                state,
                {"i": [1], "v": -1},
                RUNTIME,
                "MaxConcurrency cannot be negative.",
                ENTERED,
            )
        )
        rows.append(
            Row(
                f"{mode} MaxConcurrencyPath='-3' (text)",
                state,
                {"i": [1], "v": "-3"},
                RUNTIME,
                "MaxConcurrency cannot be negative.",
                ENTERED,
            )
        )
        rows.append(
            Row(
                f"{mode} MaxConcurrencyPath missing",
                state,
                {"i": [1]},
                RUNTIME,
                "Invalid path '$.v' : No results for path: $['v']",
                ENTERED,
            )
        )
    count = _map(DISTRIBUTED, ItemsPath="$.i", ToleratedFailureCountPath="$.v")
    percentage = _map(DISTRIBUTED, ItemsPath="$.i", ToleratedFailurePercentagePath="$.v")
    for value, shown in _NOT_A_NUMBER:
        rows.append(
            Row(
                f"ToleratedFailureCountPath={shown}",
                count,
                {"i": [1], "v": value},
                RUNTIME,
                _not_valid("ToleratedFailureCountPath", shown, "integer"),
                STARTED,
            )
        )
        rows.append(
            Row(
                f"ToleratedFailurePercentagePath={shown}",
                percentage,
                {"i": [1], "v": value},
                RUNTIME,
                _not_valid("ToleratedFailurePercentagePath", shown, "float"),
                STARTED,
            )
        )
    rows.append(
        Row(
            "ToleratedFailureCountPath=2.5",
            count,
            {"i": [1], "v": 2.5},
            RUNTIME,
            _not_valid("ToleratedFailureCountPath", "2.5", "integer"),
            STARTED,
        )
    )
    for value in (-1, "-2", -100):
        rows.append(
            Row(
                f"ToleratedFailureCountPath={value!r}",
                count,
                {"i": [1], "v": value},
                RUNTIME,
                "ToleratedFailureCount cannot be negative.",
                STARTED,
            )
        )
    for value in (-0.5, 100.5, 101, 1000, "150"):
        rows.append(
            Row(
                f"ToleratedFailurePercentagePath={value!r}",
                percentage,
                {"i": [1], "v": value},
                RUNTIME,
                "ToleratedFailurePercentage must be between 0 and 100.",
                STARTED,
            )
        )
    for name, state in (("Count", count), ("Percentage", percentage)):
        rows.append(
            Row(
                f"ToleratedFailure{name}Path missing",
                state,
                {"i": [1]},
                RUNTIME,
                "Invalid path '$.v' : No results for path: $['v']",
                STARTED,
            )
        )
    return rows


@pytest.mark.parametrize("row", _path_failures(), ids=lambda row: row.field)
async def test_number_path_failures(row: Row) -> None:
    await _check(row, jsonata=False)


# Accepted values of the same fields (the same pages): integers (and their text) for the counts, any
# number (and its text) from 0 to 100 for the percentage; a value from a workflow variable
# (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html: "$variableName" in a path).
ACCEPTED_PATH_VALUES = [
    *[("MaxConcurrencyPath", mode, value) for mode in MODES for value in (0, 1, 40, 1000, "2")],
    *[("ToleratedFailureCountPath", "distributed", value) for value in (0, 1, 2**31, "3")],
    *[("ToleratedFailurePercentagePath", "distributed", value) for value in (0, 0.5, 50, 99.9, 100, "12.5")],
]


@pytest.mark.parametrize(("field", "mode", "value"), ACCEPTED_PATH_VALUES)
async def test_number_path_values_aws_accepts(field: str, mode: str, value: Any) -> None:
    await _succeeds(_map(MODES[mode], ItemsPath="$.i", **{field: "$.v"}), {"i": [1, 2], "v": value})


@pytest.mark.parametrize(
    "field", ["MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"]
)
async def test_number_paths_read_workflow_variables(field: str) -> None:
    assign = {"Type": "Pass", "Assign": {"limit": 2}, "Next": "S"}
    definition = {"StartAt": "A", "States": {"A": assign, "S": _map(DISTRIBUTED, **{field: "$limit"})}}
    execution = await run(definition, "[1, 2]", RecordingSink(), _integrations())
    assert execution.status == ExecutionStatus.SUCCEEDED


async def test_a_negative_count_from_a_variable_fails_like_one_from_the_input() -> None:
    assign = {"Type": "Pass", "Assign": {"limit": -1}, "Next": "S"}
    definition = {"StartAt": "A", "States": {"A": assign, "S": _map(PROCESSOR, MaxConcurrencyPath="$limit")}}
    execution = await run(definition, "[1]", RecordingSink(), _integrations())
    assert (execution.error, execution.cause) == (
        RUNTIME,
        "An error occurred while executing the state 'S' (entered at the event id #4). "
        "MaxConcurrency cannot be negative.",
    )


# https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html ("Inline mode" / "Distributed
# mode": the Mode decides; ToleratedFailure* are Distributed Map fields). AWS recorded an INLINE JSONata
# Map with ToleratedFailureCount / ToleratedFailurePercentage running inline (MapIteration events): the
# thresholds of an INLINE Map are not read, in either query language.
@pytest.mark.parametrize(
    ("fields", "jsonata"),
    [
        ({"ToleratedFailureCountPath": "$.v"}, False),
        ({"ToleratedFailurePercentagePath": "$.v"}, False),
        ({"ToleratedFailureCount": 0}, False),
        ({"ToleratedFailurePercentage": 0}, False),
        ({"ToleratedFailureCount": "{% $states.input.v %}"}, True),
        ({"ToleratedFailurePercentage": "{% $states.input.v %}"}, True),
    ],
)
async def test_an_inline_map_runs_inline_whatever_its_thresholds(
    fields: dict[str, Any], jsonata: bool
) -> None:
    items = {"Items": "{% $states.input.i %}"} if jsonata else {"ItemsPath": "$.i"}
    types = await _succeeds(_map(PROCESSOR, **items, **fields), {"i": [1], "v": "x"}, jsonata)
    assert "MapIterationStarted" in types and "MapRunStarted" not in types


# --- ItemsPath ----------------------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html ("The value of
# ItemsPath must be a Reference Path, and that path must point to JSON array"; applied after InputPath);
# the cause recorded for a JSONata Map whose input is no array is the one for every JSON type.
def _items_path_rows() -> list[Row]:
    rows = []
    for mode, processor in MODES.items():
        for value, shown in (
            ({"a": 1}, '{"a":1}'),
            ("s", '"s"'),
            (1, "1"),
            (2.5, "2.5"),
            (None, "null"),
            (False, "false"),
        ):
            rows.append(
                Row(
                    f"{mode} ItemsPath -> {shown}",
                    _map(processor, ItemsPath="$.i"),
                    {"i": value},
                    RUNTIME,
                    f"Map state input must be an array but was: {shown}",
                    ENTERED,
                )
            )
        rows.append(
            Row(
                f"{mode} ItemsPath missing",
                _map(processor, ItemsPath="$.i"),
                {"j": []},
                RUNTIME,
                "Invalid path '$.i' : No results for path: $['i']",
                ENTERED,
            )
        )
        rows.append(
            Row(
                f"{mode} no ItemsPath, input an object",
                _map(processor),
                {"a": 1},
                RUNTIME,
                'Map state input must be an array but was: {"a":1}',
                ENTERED,
            )
        )
        rows.append(
            Row(
                f"{mode} ItemsPath after InputPath",
                _map(processor, InputPath="$.in", ItemsPath="$.i"),
                {"in": {"i": 7}, "i": [1]},
                RUNTIME,
                "Map state input must be an array but was: 7",
                ENTERED,
            )
        )
        rows.append(
            Row(
                f"{mode} ItemsPath in the context object",
                _map(processor, ItemsPath="$$.Execution.Input.i"),
                {"i": "s"},
                RUNTIME,
                'Map state input must be an array but was: "s"',
                ENTERED,
            )
        )
    return rows


@pytest.mark.parametrize("row", _items_path_rows(), ids=lambda row: row.field)
async def test_items_path_failures(row: Row) -> None:
    await _check(row, jsonata=False)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    ("items_path", "value"),
    [("$.i", {"i": [1, "two", None]}), ("$", [1]), ("$.i", {"i": []}), ("$$.Execution.Input.i", {"i": [1]})],
)
async def test_items_path_values_aws_accepts(mode: str, items_path: str, value: Any) -> None:
    await _succeeds(_map(MODES[mode], ItemsPath=items_path), value)


@pytest.mark.parametrize("mode", list(MODES))
async def test_items_path_reads_a_workflow_variable(mode: str) -> None:
    for items, status in (([1, 2], ExecutionStatus.SUCCEEDED), (3, ExecutionStatus.FAILED)):
        assign = {"Type": "Pass", "Assign": {"items": items}, "Next": "S"}
        definition = {"StartAt": "A", "States": {"A": assign, "S": _map(MODES[mode], ItemsPath="$items")}}
        execution = await run(definition, "{}", RecordingSink(), _integrations())
        assert execution.status == status
        if status == ExecutionStatus.FAILED:
            assert execution.cause is not None and execution.cause.endswith(
                "Map state input must be an array but was: 3"
            )


# --- JSONata number fields ----------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html (a field's expression
# that returns nothing or the wrong type fails with States.QueryEvaluationError, recorded as
# EvaluationFailed), state-map.html (MaxConcurrency: an integer; ToleratedFailureCount: an integer;
# ToleratedFailurePercentage: a number), maprun-fail-threshold.html (the ranges).
_JSONATA_TYPES = [
    ("'2'", "string", '"2"'),
    ("'x'", "string", '"x"'),
    ("null", "null", "null"),
    ("true", "boolean", "true"),
    ("{'a': 1}", "object", '{"a":1}'),
    ("[1, 2]", "array", "[1,2]"),
]


def _jsonata_rows() -> list[Row]:
    rows = []
    for mode, processor in MODES.items():
        for expression, actual, shown in [*_JSONATA_TYPES, ("1.5", "number", "1.5")]:
            rows.append(
                Row(
                    f"{mode} MaxConcurrency={expression}",
                    _map(processor, Items=[1], MaxConcurrency="{% " + expression + " %}"),
                    {},
                    QUERY,
                    _wrong_type(expression, "MaxConcurrency", "integer", actual, shown),
                    ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
                    "MaxConcurrency",
                )
            )
        rows.append(
            Row(
                f"{mode} MaxConcurrency undefined",
                _map(processor, Items=[1], MaxConcurrency="{% $states.input.zz %}"),
                {},
                QUERY,
                "The JSONata expression '$states.input.zz' specified for the field 'MaxConcurrency' returned "
                "nothing (undefined).",
                ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
                "MaxConcurrency",
            )
        )
        rows.append(
            Row(
                f"{mode} MaxConcurrency negative",
                _map(processor, Items=[1], MaxConcurrency="{% -2 %}"),
                {},
                QUERY,
                "The JSONata expression '-2' specified for the field 'MaxConcurrency' returned a negative value: -2",
                ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
                "MaxConcurrency",
            )
        )
    rows.append(
        Row(
            "distributed with an ItemReader, MaxConcurrency negative",
            _map(
                DISTRIBUTED,
                ItemReader={**READER, "Arguments": {"Bucket": "b", "Key": "k"}},
                MaxConcurrency="{% -2 %}",
            ),
            {},
            QUERY,
            "The JSONata expression '-2' specified for the field 'MaxConcurrency' returned a negative value: -2",
            ("MapStateEntered", "EvaluationFailed", "MapStateFailed"),
            "MaxConcurrency",
        )
    )
    for expression, actual, shown in _JSONATA_TYPES:
        rows.append(
            Row(
                f"ToleratedFailureCount={expression}",
                _map(DISTRIBUTED, Items=[1], ToleratedFailureCount="{% " + expression + " %}"),
                {},
                QUERY,
                _wrong_type(expression, "ToleratedFailureCount", "integer", actual, shown),
                (*STARTED, "EvaluationFailed"),
                "ToleratedFailureCount",
            )
        )
        rows.append(
            Row(
                f"ToleratedFailurePercentage={expression}",
                _map(DISTRIBUTED, Items=[1], ToleratedFailurePercentage="{% " + expression + " %}"),
                {},
                QUERY,
                _wrong_type(expression, "ToleratedFailurePercentage", "number", actual, shown),
                (*STARTED, "EvaluationFailed"),
                "ToleratedFailurePercentage",
            )
        )
    rows.append(
        Row(
            "ToleratedFailureCount=2.5",
            _map(DISTRIBUTED, Items=[1], ToleratedFailureCount="{% 2.5 %}"),
            {},
            QUERY,
            _wrong_type("2.5", "ToleratedFailureCount", "integer", "number", "2.5"),
            (*STARTED, "EvaluationFailed"),
            "ToleratedFailureCount",
        )
    )
    for field in ("ToleratedFailureCount", "ToleratedFailurePercentage"):
        rows.append(
            Row(
                f"{field} undefined",
                _map(DISTRIBUTED, Items=[1], **{field: "{% $states.input.zz %}"}),
                {},
                QUERY,
                f"The JSONata expression '$states.input.zz' specified for the field '{field}' returned nothing "
                "(undefined).",
                (*STARTED, "EvaluationFailed"),
                field,
            )
        )
    rows.append(
        Row(
            "ToleratedFailureCount=-3",
            _map(DISTRIBUTED, Items=[1], ToleratedFailureCount="{% -3 %}"),
            {},
            RUNTIME,
            "ToleratedFailureCount cannot be negative.",
            STARTED,
        )
    )
    for expression in ("-0.1", "100.1", "250"):
        rows.append(
            Row(
                f"ToleratedFailurePercentage={expression}",
                _map(DISTRIBUTED, Items=[1], ToleratedFailurePercentage="{% " + expression + " %}"),
                {},
                RUNTIME,
                "ToleratedFailurePercentage must be between 0 and 100.",
                STARTED,
            )
        )
    return rows


@pytest.mark.parametrize("row", _jsonata_rows(), ids=lambda row: row.field)
async def test_jsonata_number_field_failures(row: Row) -> None:
    await _check(row, jsonata=True)


@pytest.mark.parametrize(
    ("field", "mode", "expression"),
    [
        *[
            ("MaxConcurrency", mode, e)
            for mode in MODES
            for e in ("0", "1", "40", "1000", "$count($states.input)")
        ],
        *[("ToleratedFailureCount", "distributed", e) for e in ("0", "5", "2147483648")],
        *[
            ("ToleratedFailurePercentage", "distributed", e)
            for e in ("0", "0.5", "100", "$states.input[0] * 10")
        ],
    ],
)
async def test_jsonata_number_field_values_aws_accepts(field: str, mode: str, expression: str) -> None:
    await _succeeds(_map(MODES[mode], **{field: "{% " + expression + " %}"}), [1, 2], jsonata=True)


# --- Where EvaluationFailed goes --------------------------------------------------------------
# AWS records EvaluationFailed where the evaluation failed and the Map's own failure after it (recorded:
# ``EvaluationFailed, MapStateFailed`` for Items; a Pass's ``EvaluationFailed, MapIterationFailed,
# MapStateFailed``). The same order holds for a failure once the Map has started: ItemSelector
# (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html), ItemBatcher.
EVALUATION_ORDER_ROWS = [
    Row(
        "inline ItemSelector",
        _map(ItemSelector={"v": "{% $states.input.zz %}"}, Items=[1]),
        {},
        QUERY,
        "The JSONata expression '$states.input.zz' specified for the field 'ItemSelector/v' returned nothing "
        "(undefined).",
        ("MapStateEntered", "MapStateStarted", "EvaluationFailed", "MapStateFailed"),
        "ItemSelector/v",
    ),
    Row(
        "inline ItemSelector (whole)",
        _map(ItemSelector="{% $states.context.Map.Item.Value.zz %}", Items=[1]),
        {},
        QUERY,
        "The JSONata expression '$states.context.Map.Item.Value.zz' specified for the field 'ItemSelector' "
        "returned nothing (undefined).",
        ("MapStateEntered", "MapStateStarted", "EvaluationFailed", "MapStateFailed"),
        "ItemSelector",
    ),
    Row(
        "distributed ItemSelector",
        _map(DISTRIBUTED, ItemSelector={"v": "{% $states.input.zz %}"}, Items=[1]),
        {},
        QUERY,
        "The JSONata expression '$states.input.zz' specified for the field 'ItemSelector/v' returned nothing "
        "(undefined).",
        (
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunFailed",
            "EvaluationFailed",
            "MapStateFailed",
        ),
        "ItemSelector/v",
    ),
]


@pytest.mark.parametrize("row", EVALUATION_ORDER_ROWS, ids=lambda row: row.field)
async def test_evaluation_failed_comes_before_the_map_failure(row: Row) -> None:
    await _check(row, jsonata=True)


async def test_a_caught_item_selector_failure_records_evaluation_failed_then_map_failed() -> None:
    state = _map(
        ItemSelector={"v": "{% $states.input.zz %}"},
        Items=[1],
        Catch=[{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Caught"}],
    )
    state.pop("End")
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "S",
        "States": {"S": state, "Caught": {"Type": "Pass", "End": True}},
    }
    execution = await run(definition, "{}", RecordingSink(), _integrations())
    types = [event.type for event in execution.history.events]
    assert execution.status == ExecutionStatus.SUCCEEDED
    assert types[:7] == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "EvaluationFailed",
        "MapStateFailed",
        "MapStateExited",
        "PassStateEntered",
    ]


# --- The Map's output fields ----------------------------------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-fields-dist-map.html and
# state-map.html: a Map's ResultSelector / ResultPath / OutputPath (JSONPath), Output / Assign (JSONata)
# apply to the results once the Map succeeded: their failure follows MapStateSucceeded (the JSONPath
# ones States.Runtime / States.ResultPathMatchFailure, concepts-error-handling.html; the JSONata ones
# EvaluationFailed then ExecutionFailed, transforming-data.html).
_SUCCEEDED = {
    "inline": (
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapStateSucceeded",
    ),
    "distributed": (
        "MapStateEntered",
        "MapStateStarted",
        "MapRunStarted",
        "MapRunSucceeded",
        "MapStateSucceeded",
    ),
}


def _output_rows() -> list[tuple[Row, bool]]:
    rows: list[tuple[Row, bool]] = []
    for mode, processor in MODES.items():
        done = _SUCCEEDED[mode]
        rows += [
            (
                Row(
                    f"{mode} ResultSelector",
                    _map(processor, ResultSelector={"v.$": "$.zz"}),
                    [1],
                    RUNTIME,
                    "The JSONPath '$.zz' specified for the field 'v.$' could not be found in the input '[1]'",
                    done,
                ),
                False,
            ),
            (
                Row(
                    f"{mode} ResultPath into an array",
                    _map(processor, ResultPath="$.a.b"),
                    [1],
                    "States.ResultPathMatchFailure",
                    "Unable to apply ReferencePath $.a.b to input [1]",
                    done,
                    prefixed=False,
                ),
                False,
            ),
            (
                Row(
                    f"{mode} OutputPath",
                    _map(processor, ItemsPath="$.m", ResultPath="$.r", OutputPath="$.zz"),
                    {"m": [1]},
                    RUNTIME,
                    "Invalid path '$.zz' : No results for path: $['zz']",
                    done,
                ),
                False,
            ),
            (
                Row(
                    f"{mode} Assign",
                    _map(processor, Assign={"x.$": "$.zz"}),
                    [1],
                    RUNTIME,
                    "The JSONPath '$.zz' specified for the field 'x.$' could not be found in the input '[1]'",
                    done,
                ),
                False,
            ),
            (
                Row(
                    f"{mode} JSONata Output",
                    _map(processor, Output="{% $states.result.zz %}"),
                    [1],
                    QUERY,
                    "The JSONata expression '$states.result.zz' specified for the field 'Output' returned nothing "
                    "(undefined).",
                    (*done, "EvaluationFailed"),
                    "Output",
                ),
                True,
            ),
            (
                Row(
                    f"{mode} JSONata Assign",
                    _map(processor, Assign={"x": "{% $states.result.zz %}"}),
                    [1],
                    QUERY,
                    "The JSONata expression '$states.result.zz' specified for the field 'Assign/x' returned "
                    "nothing (undefined).",
                    (*done, "EvaluationFailed"),
                    "Assign/x",
                ),
                True,
            ),
        ]
    return rows


@pytest.mark.parametrize(("row", "jsonata"), _output_rows(), ids=lambda value: getattr(value, "field", ""))
async def test_output_field_failures(row: Row, jsonata: bool) -> None:
    await _check(row, jsonata)


# --- ItemSelector and the legacy Parameters / Iterator ---------------------------------------------
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html ("The ItemSelector
# field replaces the Parameters field within the Map state"; either is evaluated per item, with
# $$.Map.Item.Index / Value) and state-map.html (ItemProcessor replaces Iterator): the legacy names
# fail exactly as the current ones, once the Map has started.
def _selector_rows() -> list[Row]:
    rows = []
    for mode, processor in MODES.items():
        started = ("MapStateEntered", "MapStateStarted", "MapStateFailed")
        if mode == "distributed":
            started = (
                "MapStateEntered",
                "MapStateStarted",
                "MapRunStarted",
                "MapRunFailed",
                "MapStateFailed",
            )
        for selector in ("ItemSelector", "Parameters"):
            rows.append(
                Row(
                    f"{mode} {selector}",
                    _map(processor, **{selector: {"v.$": "$.zz"}}),
                    [1],
                    RUNTIME,
                    "The JSONPath '$.zz' specified for the field 'v.$' could not be found in the input '[1]'",
                    started,
                )
            )
        legacy = {"Type": "Map", "Iterator": processor, "Parameters": {"v.$": "$.zz"}, "End": True}
        rows.append(
            Row(
                f"{mode} Iterator with Parameters",
                legacy,
                [1],
                RUNTIME,
                "The JSONPath '$.zz' specified for the field 'v.$' could not be found in the input '[1]'",
                started,
            )
        )
    return rows


@pytest.mark.parametrize("row", _selector_rows(), ids=lambda row: row.field)
async def test_item_selector_and_legacy_parameters_failures(row: Row) -> None:
    await _check(row, jsonata=False)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("selector", ["ItemSelector", "Parameters"])
async def test_item_selector_and_legacy_parameters_read_the_item(mode: str, selector: str) -> None:
    template = {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "all.$": "$.n"}
    definition = {"StartAt": "S", "States": {"S": _map(MODES[mode], ItemsPath="$.i", **{selector: template})}}
    execution = await run(definition, json.dumps({"i": ["a", "b"], "n": 1}), RecordingSink(), _integrations())
    assert execution.status == ExecutionStatus.SUCCEEDED
    assert json.loads(execution.output or "null") == [
        {"index": 0, "value": "a", "all": 1},
        {"index": 1, "value": "b", "all": 1},
    ]
