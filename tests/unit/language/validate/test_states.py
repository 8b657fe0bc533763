from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.validate import errors_of, validate_definition

_END = {"Type": "Pass", "End": True}


def _errors(
    definition: dict[str, Any], state_machine_type: str = "STANDARD"
) -> list[tuple[str, str, str | None]]:
    return [
        (d.code, d.message, d.location)
        for d in errors_of(validate_definition(json.dumps(definition), state_machine_type))
    ]


def _one(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"StartAt": "S", "States": {"S": state}, **top}


def _schema(message: str, location: str | None) -> list[tuple[str, str, str | None]]:
    return [("SCHEMA_VALIDATION_FAILED", message, location)]


def test_missing_start_at_is_reported_at_the_root() -> None:
    assert _errors({"States": {"S": _END}}) == _schema("These fields are required: [StartAt]", "/")


def test_unknown_top_level_field() -> None:
    assert _errors(_one(_END, Foo=1)) == _schema("Field 'Foo' is not supported", "/")


def test_unknown_state_type_lists_the_types() -> None:
    assert _errors(_one({"Type": "Sleep", "End": True})) == _schema(
        "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
        "/States/S/Type",
    )


def test_state_without_type() -> None:
    assert _errors(_one({"End": True})) == _schema("These fields are required: [Type]", "/States/S")


def test_field_of_another_state_type_is_not_supported() -> None:
    assert _errors(
        _one({"Type": "Pass", "Resource": "arn:aws:states:::lambda:invoke", "End": True})
    ) == _schema("Field 'Resource' is not supported", "/States/S")


@pytest.mark.parametrize("state", [{"Type": "Pass"}, {"Type": "Pass", "End": True, "Next": "S"}])
def test_state_needs_exactly_one_of_next_and_end(state: dict[str, Any]) -> None:
    assert _errors(_one(state)) == _schema(
        "Exactly one of these fields is required: [Next, End]", "/States/S"
    )


def test_task_requires_resource() -> None:
    assert _errors(_one({"Type": "Task", "End": True})) == _schema(
        "These fields are required: [Resource]", "/States/S"
    )


def test_invalid_parameters_path_is_reported_at_the_parameters_field() -> None:
    state = {"Type": "Pass", "Parameters": {"a": {"b.$": "not a path"}}, "End": True}
    assert _errors(_one(state)) == _schema(
        "The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
        "/States/S/Parameters",
    )


def test_valid_paths_and_intrinsics_are_accepted() -> None:
    state = {
        "Type": "Pass",
        "InputPath": "$.a",
        "Parameters": {"x.$": "$$.Execution.Id", "y.$": "States.Format('{}', $.b)", "z.$": "$.c[0]"},
        "ResultPath": "$.r",
        "OutputPath": None,
        "End": True,
    }
    assert _errors(_one(state)) == []


def test_result_path_must_be_a_reference_path() -> None:
    assert _errors(_one({"Type": "Pass", "ResultPath": "$.a[*]", "End": True})) == _schema(
        "The value for the field 'ResultPath' must be a valid ReferencePath", "/States/S/ResultPath"
    )


@pytest.mark.parametrize(
    "timestamp", ["2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123+02:00", "2016-02-29T23:59:59Z"]
)
def test_wait_accepts_rfc3339_timestamps(timestamp: str) -> None:
    assert _errors(_one({"Type": "Wait", "Timestamp": timestamp, "End": True})) == []


@pytest.mark.parametrize("timestamp", ["2015-02-29T00:00:00Z", "2016-03-14T24:00:00Z", "2016-03-14", 5])
def test_wait_rejects_other_timestamps(timestamp: Any) -> None:
    assert _errors(_one({"Type": "Wait", "Timestamp": timestamp, "End": True})) == _schema(
        "String does not match RFC3339 timestamp", "/States/S/Timestamp"
    )


def test_wait_accepts_a_jsonata_timestamp_in_a_jsonata_state() -> None:
    state = {"Type": "Wait", "QueryLanguage": "JSONata", "Timestamp": "{% $states.input.t %}", "End": True}
    assert _errors(_one(state)) == []


def test_wait_needs_one_duration() -> None:
    assert _errors(_one({"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True})) == _schema(
        "Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]",
        "/States/S",
    )


def test_jsonata_state_rejects_jsonpath_fields() -> None:
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Parameters": {}, "End": True}
    assert _errors(_one(state)) == _schema("Field 'Parameters' is not supported", "/States/S")


def test_jsonpath_state_rejects_jsonata_fields_naming_the_query_language() -> None:
    assert _errors(_one({"Type": "Pass", "Output": {}, "End": True})) == _schema(
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' "
        "QueryLanguage",
        "/States/S",
    )


def test_a_jsonata_field_of_another_state_type_is_simply_not_supported() -> None:
    assert _errors(_one({"Type": "Pass", "Items": [], "End": True})) == _schema(
        "Field 'Items' is not supported", "/States/S"
    )


def test_states_inside_a_jsonata_map_inherit_the_machine_query_language() -> None:
    processor = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": {}, "End": True}}}
    map_state = {"Type": "Map", "QueryLanguage": "JSONata", "ItemProcessor": processor, "End": True}
    assert _errors(_one(map_state)) == _schema(
        "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' "
        "QueryLanguage",
        "/States/S/ItemProcessor/States/P",
    )


@pytest.mark.parametrize("field", ["ItemProcessor", "Iterator"])
def test_an_item_processor_cannot_set_the_query_language(field: str) -> None:
    processor = {"QueryLanguage": "JSONPath", "StartAt": "P", "States": {"P": _END}}
    assert _errors(_one({"Type": "Map", field: processor, "End": True})) == _schema(
        "Field 'QueryLanguage' is not supported", f"/States/S/{field}"
    )


def test_jsonata_machine_states_inherit_the_query_language() -> None:
    assert _errors(_one({"Type": "Pass", "Output": "{% 1 %}", "End": True}, QueryLanguage="JSONata")) == []


def test_jsonpath_state_in_a_jsonata_machine() -> None:
    definition = _one({"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}, QueryLanguage="JSONata")
    assert _errors(definition) == _schema(
        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", "/States/S"
    )


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "Label cannot be empty"),
        ("x" * 41, "Label cannot exceed 40 characters"),
        ("a b", "Label contains invalid character: ' '"),
        ("a\x85", "Label contains invalid character: '\\x85'"),
        ("a/b", "Label contains invalid character: '/'"),
    ],
)
def test_map_label_rules(label: str, message: str) -> None:
    state = {
        "Type": "Map",
        "Label": label,
        "ItemProcessor": {"StartAt": "I", "States": {"I": _END}},
        "End": True,
    }
    assert _errors(_one(state)) == [("INVALID_LABEL_NAME", message, "/States/S/Label")]


def test_map_label_of_40_ordinary_characters_is_accepted() -> None:
    state = {
        "Type": "Map",
        "Label": "L" * 40,
        "ItemProcessor": {"StartAt": "I", "States": {"I": _END}},
        "End": True,
    }
    assert _errors(_one(state)) == []


def test_map_needs_a_processor() -> None:
    assert _errors(_one({"Type": "Map", "End": True})) == _schema(
        "These fields are required: [ItemProcessor]", "/States/S"
    )


def test_inline_map_rejects_an_execution_type() -> None:
    processor = {
        "ProcessorConfig": {"Mode": "INLINE", "ExecutionType": "EXPRESS"},
        "StartAt": "I",
        "States": {"I": _END},
    }
    assert _errors(_one({"Type": "Map", "ItemProcessor": processor, "End": True})) == _schema(
        "Field 'ExecutionType' is not supported", "/States/S/ItemProcessor/ProcessorConfig"
    )


def test_nested_states_are_located_under_their_parent() -> None:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass"}}}
    assert _errors(_one({"Type": "Parallel", "Branches": [branch], "End": True})) == _schema(
        "Exactly one of these fields is required: [Next, End]", "/States/S/Branches[0]/States/B"
    )


def test_retrier_requires_error_equals_and_checks_numbers() -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Retry": [{"MaxAttempts": -1}, {"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5}],
        "End": True,
    }
    assert _errors(_one(state)) == [
        ("SCHEMA_VALIDATION_FAILED", "These fields are required: [ErrorEquals]", "/States/S/Retry[0]"),
        (
            "SCHEMA_VALIDATION_FAILED",
            "The value for the field 'MaxAttempts' must be >= 0",
            "/States/S/Retry[0]/MaxAttempts",
        ),
        (
            "SCHEMA_VALIDATION_FAILED",
            "The value for the field 'BackoffRate' must be >= 1",
            "/States/S/Retry[1]/BackoffRate",
        ),
    ]


def test_catcher_unknown_field_is_located_at_the_catcher() -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S", "_comment": "x"}],
        "End": True,
    }
    assert _errors(_one(state)) == _schema("Field '_comment' is not supported", "/States/S/Catch[0]")


def test_states_all_must_be_last() -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S"}, {"ErrorEquals": ["X"], "Next": "S"}],
        "End": True,
    }
    [(code, _message, location)] = _errors(_one(state))
    assert (code, location) == ("SCHEMA_VALIDATION_FAILED", "/States/S/Catch[0]/ErrorEquals")


def test_choice_rule_without_next() -> None:
    choice = {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": True}], "Default": "E"}
    definition = {"StartAt": "S", "States": {"S": choice, "E": _END}}
    assert (
        "SCHEMA_VALIDATION_FAILED",
        "These fields are required: [Next]",
        "/States/S/Choices[0]",
    ) in _errors(definition)


def test_choice_rule_with_two_operators() -> None:
    rule = {"Variable": "$.a", "IsPresent": True, "IsNull": False, "Next": "E"}
    definition = {"StartAt": "S", "States": {"S": {"Type": "Choice", "Choices": [rule]}, "E": _END}}
    assert _errors(definition) == _schema(
        "A choice rule must have exactly one comparison operator", "/States/S/Choices[0]"
    )


def test_jsonata_choice_rule_needs_a_condition() -> None:
    rule = {"Variable": "$.a", "Next": "E"}
    choice = {"Type": "Choice", "QueryLanguage": "JSONata", "Choices": [rule]}
    assert _errors({"StartAt": "S", "States": {"S": choice, "E": _END}}) == [
        ("SCHEMA_VALIDATION_FAILED", "These fields are required: [Condition]", "/States/S/Choices[0]"),
        ("SCHEMA_VALIDATION_FAILED", "Field 'Variable' is not supported", "/States/S/Choices[0]"),
    ]


def test_state_name_of_80_characters_is_accepted_and_81_is_not() -> None:
    assert _errors({"StartAt": "n" * 80, "States": {"n" * 80: _END}}) == []
    [(code, _message, location)] = _errors({"StartAt": "n" * 81, "States": {"n" * 81: _END}})
    assert (code, location) == ("INVALID_STATE_NAME", "/States/" + "n" * 81)


def test_jsonpath_assign_dollar_fields_must_hold_a_path_or_intrinsic() -> None:
    state = {"Type": "Pass", "Assign": {"Variable.$": "foo", "ok.$": "$previous.value"}, "End": True}
    assert _errors(_one(state)) == _schema(
        "The value for the field 'Variable.$' must be a valid JSONPath or a valid intrinsic function call",
        "/States/S/Assign",
    )


def test_wait_seconds_above_the_documented_maximum_is_rejected() -> None:
    def wait(seconds: int) -> str:
        return json.dumps(
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}}}
        )

    assert [d for d in validate_definition(wait(99999999)) if d.severity == "ERROR"] == []
    errors = [d for d in validate_definition(wait(100000000)) if d.severity == "ERROR"]
    assert [(d.code, d.location) for d in errors] == [("SCHEMA_VALIDATION_FAILED", "/States/W/Seconds")]
