"""What CreateStateMachine refuses in a Map state, field by field and value kind by value kind, in
both query languages (``InvalidDefinition``'s code, message and location).

Each field's type and range is applied to every kind of JSON value, so no value is special: a number
field refuses text, null, booleans, arrays and objects with its type message, a value below its
minimum with ``must be >= 0`` and above its maximum with ``must be <= 100``; a JSONata state also takes
a ``{% %}`` expression there, a JSONPath state does not; a ``…Path`` twin is JSONPath's only.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.validate import errors_of, validate_definition

_SCHEMA = "SCHEMA_VALIDATION_FAILED"
_PROCESSOR = {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}
_DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **_PROCESSOR}


def _errors(state: dict[str, Any], jsonata: bool) -> list[tuple[str, str, str | None]]:
    definition: dict[str, Any] = {"StartAt": "S", "States": {"S": state}}
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    return [(d.code, d.message, d.location) for d in errors_of(validate_definition(json.dumps(definition)))]


def _map(processor: dict[str, Any] = _DISTRIBUTED, **fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


# https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html (MaxConcurrency: an integer, 0 = no
# limit), https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html
# (ToleratedFailureCount: an integer from 0; ToleratedFailurePercentage: a number from 0 to 100),
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateMapRun.html (the same ranges:
# maxConcurrency >= 0, toleratedFailureCount >= 0 (Long), toleratedFailurePercentage 0..100 (Float)).
_FIELDS = {
    # field: (type word, maximum)
    "MaxConcurrency": ("an INTEGER", None),
    "ToleratedFailureCount": ("an INTEGER", None),
    "ToleratedFailurePercentage": ("a NUMBER", 100),
}
_OTHER_TYPES = ["2", "", None, True, False, [1], {"a": 1}]


def _number_rows() -> list[tuple[str, Any, bool, list[tuple[str, str, str]]]]:
    rows: list[tuple[str, Any, bool, list[tuple[str, str, str]]]] = []
    for field, (word, maximum) in _FIELDS.items():
        where = f"/States/S/{field}"
        type_error = [(_SCHEMA, f"The value for the field '{field}' must be {word}", where)]
        for jsonata in (False, True):
            rows += [(field, value, jsonata, type_error) for value in _OTHER_TYPES]
            rows += [(field, value, jsonata, []) for value in (0, 1, 40, 100)]
            rows.append(
                (field, -1, jsonata, [(_SCHEMA, f"The value for the field '{field}' must be >= 0", where)])
            )
            rows.append((field, 1.5, jsonata, type_error if word == "an INTEGER" else []))
            if maximum is None:
                rows.append((field, 2**31, jsonata, []))
            else:
                for above in (100.5, 101, 2**31):
                    message = f"The value for the field '{field}' must be <= {maximum}"
                    rows.append((field, above, jsonata, [(_SCHEMA, message, where)]))
        # An expression: JSONata's only.
        rows.append((field, "{% 1 %}", True, []))
        rows.append((field, "{% $states.input.n %}", True, []))
        rows.append((field, "{% 1 %}", False, type_error))
    return rows


@pytest.mark.parametrize(("field", "value", "jsonata", "expected"), _number_rows())
def test_number_fields(field: str, value: Any, jsonata: bool, expected: list[tuple[str, str, str]]) -> None:
    assert _errors(_map(**{field: value}), jsonata) == expected


# The …Path twins (state-map.html, maprun-fail-threshold.html: "a reference path"): JSONPath only
# (transforming-data.html: JSONata states give the field itself an expression); a path, never text or a
# number; at most one of a field and its twin.
_PATHS = ["MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"]


@pytest.mark.parametrize("field", _PATHS)
@pytest.mark.parametrize("path", ["$.n", "$", "$$.Execution.Input.n", "$n", "$.a[0]"])
def test_path_twins_take_a_path(field: str, path: str) -> None:
    assert _errors(_map(**{field: path}), jsonata=False) == []


@pytest.mark.parametrize("field", _PATHS)
@pytest.mark.parametrize("path", ["n", "", "$.a[", 5, None, True, {"a": 1}])
def test_path_twins_refuse_what_is_no_path(field: str, path: Any) -> None:
    assert _errors(_map(**{field: path}), jsonata=False) == [
        (_SCHEMA, f"The value for the field '{field}' must be a valid JSONPath", f"/States/S/{field}")
    ]


@pytest.mark.parametrize("field", _PATHS)
def test_path_twins_are_not_supported_in_jsonata(field: str) -> None:
    assert _errors(_map(**{field: "$.n"}), jsonata=True) == [
        (_SCHEMA, f"Field '{field}' is not supported", "/States/S")
    ]


@pytest.mark.parametrize("field", _PATHS)
def test_a_field_and_its_path_twin_are_alternatives(field: str) -> None:
    twin = field.removesuffix("Path")
    assert _errors(_map(**{twin: 1, field: "$.n"}), jsonata=False) == [
        (_SCHEMA, f"At most one of these fields is allowed: [{twin}, {field}]", "/States/S")
    ]


# Items / ItemsPath: https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html ("Items
# (Optional, JSONata only) … a JSON array or a JSONata expression that must evaluate to an array"),
# https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html ("ItemsPath (Map,
# JSONPath only)": a reference path).
@pytest.mark.parametrize("items", [[1], [], "{% [1] %}", "{% $states.input %}"])
@pytest.mark.parametrize("processor", [_PROCESSOR, _DISTRIBUTED])
def test_jsonata_items_take_an_array_or_an_expression(items: Any, processor: dict[str, Any]) -> None:
    assert _errors(_map(processor, Items=items), jsonata=True) == []


@pytest.mark.parametrize("items", [{"a": 1}, "s", "$.items", 5, 1.5, None, True])
@pytest.mark.parametrize("processor", [_PROCESSOR, _DISTRIBUTED])
def test_jsonata_items_refuse_other_values(items: Any, processor: dict[str, Any]) -> None:
    assert _errors(_map(processor, Items=items), jsonata=True) == [
        (_SCHEMA, "The value for the field 'Items' must be an ARRAY", "/States/S/Items")
    ]


def test_items_is_jsonata_only_and_items_path_jsonpath_only() -> None:
    assert _errors(_map(Items=[1]), jsonata=False) == [
        (
            _SCHEMA,
            "The QueryLanguage is set to 'JSONPath', but field 'Items' is only supported for the 'JSONata' "
            "QueryLanguage",
            "/States/S",
        )
    ]
    assert _errors(_map(ItemsPath="$.a"), jsonata=True) == [
        (_SCHEMA, "Field 'ItemsPath' is not supported", "/States/S")
    ]


# ProcessorConfig: https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html (Mode INLINE |
# DISTRIBUTED, INLINE when absent; ExecutionType STANDARD | EXPRESS, for DISTRIBUTED only).
_MODES = "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]"
_TYPES = "The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]"
_CONFIG = "/States/S/ItemProcessor/ProcessorConfig"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, []),
        ({"Mode": "INLINE"}, []),
        ({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, []),
        ({"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, []),
        ({"Mode": "inline"}, [(_SCHEMA, _MODES, f"{_CONFIG}/Mode")]),
        ({"Mode": "Distributed"}, [(_SCHEMA, _MODES, f"{_CONFIG}/Mode")]),
        ({"Mode": ""}, [(_SCHEMA, _MODES, f"{_CONFIG}/Mode")]),
        ({"Mode": 1}, [(_SCHEMA, _MODES, f"{_CONFIG}/Mode")]),
        ({"Mode": None}, [(_SCHEMA, _MODES, f"{_CONFIG}/Mode")]),
        (
            {"Mode": "DISTRIBUTED", "ExecutionType": "express"},
            [(_SCHEMA, _TYPES, f"{_CONFIG}/ExecutionType")],
        ),
        ({"Mode": "DISTRIBUTED", "ExecutionType": "SYNC"}, [(_SCHEMA, _TYPES, f"{_CONFIG}/ExecutionType")]),
        (
            {"Mode": "INLINE", "ExecutionType": "STANDARD"},
            [(_SCHEMA, "Field 'ExecutionType' is not supported", _CONFIG)],
        ),
        ({"ExecutionType": "EXPRESS"}, [(_SCHEMA, "Field 'ExecutionType' is not supported", _CONFIG)]),
        ({"Mode": "INLINE", "Other": 1}, [(_SCHEMA, "Field 'Other' is not supported", _CONFIG)]),
    ],
)
@pytest.mark.parametrize("jsonata", [False, True])
def test_processor_config(config: dict[str, Any], expected: list[Any], jsonata: bool) -> None:
    assert _errors(_map({"ProcessorConfig": config, **_PROCESSOR}), jsonata) == expected


# Label: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html ("Label … up to
# 40 characters", no whitespace, brackets, wildcards, special or control characters).
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("a" * 40, []),
        ("Batch-1_x", []),
        ("a" * 41, [("INVALID_LABEL_NAME", "Label cannot exceed 40 characters", "/States/S/Label")]),
        (5, [(_SCHEMA, "The value for the field 'Label' must be a STRING", "/States/S/Label")]),
        (None, [(_SCHEMA, "The value for the field 'Label' must be a STRING", "/States/S/Label")]),
    ],
)
@pytest.mark.parametrize("jsonata", [False, True])
def test_label(label: Any, expected: list[Any], jsonata: bool) -> None:
    assert _errors(_map(Label=label), jsonata) == expected
