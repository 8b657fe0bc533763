"""What CreateStateMachine accepts and rejects, rule by rule, each tested both ways.

Rows come from AWS's documentation (the page is cited above each table); each rejected row names
AWS's diagnostic code, message and location as ``InvalidDefinition`` reports them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.language.validate import errors_of, invalid_definition_message, validate_definition

_TASK = "arn:aws:states:::lambda:invoke"
_PROCESSOR = {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}
_DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **_PROCESSOR}
_SCHEMA = "SCHEMA_VALIDATION_FAILED"


def _machine(state: dict[str, Any], jsonata: bool = False) -> dict[str, Any]:
    top: dict[str, Any] = {"QueryLanguage": "JSONata"} if jsonata else {}
    return {"StartAt": "S", "States": {"S": state}, **top}


def _errors(definition: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(d.code, d.message, d.location) for d in errors_of(validate_definition(json.dumps(definition)))]


def _task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": _TASK, "End": True, **fields}


def _map(processor: dict[str, Any] = _PROCESSOR, **fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


# https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.md (fields that take a JSONata
# expression also take a literal of their type; a "{% %}" string where the field takes a number of a
# JSONPath state is just a string) and https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
LITERALS_AND_EXPRESSIONS = [
    # (state, jsonata, expected errors)
    (_task(TimeoutSeconds=30), True, []),
    (_task(TimeoutSeconds="{% 30 %}"), True, []),
    (_task(HeartbeatSeconds="{% $states.input.h %}"), True, []),
    (
        _task(TimeoutSeconds="30"),
        True,
        [
            (
                _SCHEMA,
                "The value for the field 'TimeoutSeconds' must be an INTEGER",
                "/States/S/TimeoutSeconds",
            )
        ],
    ),
    (
        _task(TimeoutSeconds="{% 30 %}"),
        False,
        [
            (
                _SCHEMA,
                "The value for the field 'TimeoutSeconds' must be an INTEGER",
                "/States/S/TimeoutSeconds",
            )
        ],
    ),
    ({"Type": "Wait", "Seconds": 5, "End": True}, True, []),
    ({"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": True}, True, []),
    (
        {"Type": "Wait", "Seconds": "5", "End": True},
        True,
        [(_SCHEMA, "The value for the field 'Seconds' must be an INTEGER", "/States/S/Seconds")],
    ),
    ({"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": True}, True, []),
    (
        {"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": True},
        False,
        [(_SCHEMA, "String does not match RFC3339 timestamp", "/States/S/Timestamp")],
    ),
    (_map(MaxConcurrency=2), True, []),
    (_map(MaxConcurrency="{% 2 %}"), True, []),
    (
        _map(MaxConcurrency="2"),
        True,
        [
            (
                _SCHEMA,
                "The value for the field 'MaxConcurrency' must be an INTEGER",
                "/States/S/MaxConcurrency",
            )
        ],
    ),
    (_map(Items=[1, 2]), True, []),
    (_map(Items="{% $states.input.list %}"), True, []),
    (
        _map(Items={"a": 1}),
        True,
        [(_SCHEMA, "The value for the field 'Items' must be an ARRAY", "/States/S/Items")],
    ),
    (
        _map(Items="list"),
        True,
        [(_SCHEMA, "The value for the field 'Items' must be an ARRAY", "/States/S/Items")],
    ),
    ({"Type": "Pass", "Output": 5, "End": True}, True, []),
    ({"Type": "Pass", "Output": "{% $states.input %}", "End": True}, True, []),
    ({"Type": "Fail", "Error": "{% 'E' %}", "Cause": "plain"}, True, []),
    (
        {"Type": "Fail", "Error": 5},
        True,
        [(_SCHEMA, "The value for the field 'Error' must be a STRING", "/States/S/Error")],
    ),
]


@pytest.mark.parametrize(("state", "jsonata", "expected"), LITERALS_AND_EXPRESSIONS)
def test_literals_and_expressions_in_each_query_language(
    state: dict[str, Any], jsonata: bool, expected: list[tuple[str, str, str]]
) -> None:
    assert _errors(_machine(state, jsonata)) == expected


# https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.md: a JSONata state has
# Arguments and Output instead of the five JSONPath fields; https://states-language.net/spec.html
@pytest.mark.parametrize(
    "field",
    ["InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath"],
)
def test_a_jsonpath_only_field_in_a_jsonata_state_is_not_supported(field: str) -> None:
    value: Any = {} if field in ("Parameters", "ResultSelector") else "$"
    state = _task(**{field: value})
    assert _errors(_machine(state, jsonata=True)) == [
        (_SCHEMA, f"Field '{field}' is not supported", "/States/S")
    ]
    assert _errors(_machine(state)) == []


# https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html (Credentials: RoleArn, or a
# path / intrinsic in RoleArn.$, or a JSONata expression in RoleArn)
_ROLE = "arn:aws:iam::111122223333:role/LambdaRole"
CREDENTIALS = [
    ({"RoleArn": _ROLE}, False, []),
    ({"RoleArn.$": "$.roleArn"}, False, []),
    ({"RoleArn.$": "$$.Execution.Input.role"}, False, []),
    ({"RoleArn.$": "States.Format('{}', $.role)"}, False, []),
    ({"RoleArn.$": "$roleVariable"}, False, []),
    ({"RoleArn": "{% $states.input.role %}"}, True, []),
    ({"RoleArn": _ROLE}, True, []),
    (
        {},
        False,
        [(_SCHEMA, "Exactly one of these fields is required: [RoleArn, RoleArn.$]", "/States/S/Credentials")],
    ),
    (
        {"RoleArn": _ROLE, "RoleArn.$": "$.r"},
        False,
        [(_SCHEMA, "Exactly one of these fields is required: [RoleArn, RoleArn.$]", "/States/S/Credentials")],
    ),
    (
        {"RoleArn.$": "not a path"},
        False,
        [
            (
                _SCHEMA,
                "The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic function call",
                "/States/S/Credentials",
            )
        ],
    ),
    (
        {"RoleArn": 5},
        False,
        [(_SCHEMA, "The value for the field 'RoleArn' must be a STRING", "/States/S/Credentials/RoleArn")],
    ),
    (
        {"RoleArn": _ROLE, "Session": "x"},
        False,
        [(_SCHEMA, "Field 'Session' is not supported", "/States/S/Credentials")],
    ),
    ({}, True, [(_SCHEMA, "These fields are required: [RoleArn]", "/States/S/Credentials")]),
    (
        {"RoleArn.$": "$.r"},
        True,
        [
            (_SCHEMA, "These fields are required: [RoleArn]", "/States/S/Credentials"),
            (_SCHEMA, "Field 'RoleArn.$' is not supported", "/States/S/Credentials"),
        ],
    ),
    (
        "{% {'RoleArn': 'x'} %}",
        True,
        [(_SCHEMA, "The value for the field 'Credentials' must be an OBJECT", "/States/S/Credentials")],
    ),
]


@pytest.mark.parametrize(("credentials", "jsonata", "expected"), CREDENTIALS)
def test_credentials_field(credentials: Any, jsonata: bool, expected: list[tuple[str, str, str]]) -> None:
    assert _errors(_machine(_task(Credentials=credentials), jsonata)) == expected


# https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html and
# https://states-language.net/spec.html (TimeoutSeconds / HeartbeatSeconds: positive integers, a field
# or its Path twin, the heartbeat smaller than the timeout)
_HEARTBEAT = (
    "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'"
)
TIMEOUTS = [
    ({"TimeoutSeconds": 1}, []),
    (
        {"TimeoutSeconds": 0},
        [(_SCHEMA, "The value for the field 'TimeoutSeconds' must be >= 1", "/States/S/TimeoutSeconds")],
    ),
    (
        {"HeartbeatSeconds": 0},
        [(_SCHEMA, "The value for the field 'HeartbeatSeconds' must be >= 1", "/States/S/HeartbeatSeconds")],
    ),
    ({"TimeoutSeconds": 10, "HeartbeatSeconds": 9}, []),
    ({"TimeoutSeconds": 10, "HeartbeatSeconds": 10}, [(_SCHEMA, _HEARTBEAT, "/States/S/HeartbeatSeconds")]),
    ({"TimeoutSeconds": 10, "HeartbeatSeconds": 60}, [(_SCHEMA, _HEARTBEAT, "/States/S/HeartbeatSeconds")]),
    ({"HeartbeatSeconds": 60}, []),
    ({"TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h"}, []),
    (
        {"TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t"},
        [
            (
                _SCHEMA,
                "At most one of these fields is allowed: [TimeoutSeconds, TimeoutSecondsPath]",
                "/States/S",
            )
        ],
    ),
    (
        {"HeartbeatSeconds": 5, "HeartbeatSecondsPath": "$.h"},
        [
            (
                _SCHEMA,
                "At most one of these fields is allowed: [HeartbeatSeconds, HeartbeatSecondsPath]",
                "/States/S",
            )
        ],
    ),
    (
        {"TimeoutSecondsPath": "t"},
        [
            (
                _SCHEMA,
                "The value for the field 'TimeoutSecondsPath' must be a valid JSONPath",
                "/States/S/TimeoutSecondsPath",
            )
        ],
    ),
]


@pytest.mark.parametrize(("fields", "expected"), TIMEOUTS)
def test_task_timeouts(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert _errors(_machine(_task(**fields))) == expected


# https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (retrier fields and
# their ranges; States.ALL alone and in the last retrier / catcher)
RETRIERS = [
    (
        {
            "ErrorEquals": ["States.ALL"],
            "IntervalSeconds": 99999999,
            "MaxAttempts": 99999999,
            "MaxDelaySeconds": 31622400,
            "BackoffRate": 1.0,
            "JitterStrategy": "FULL",
        },
        [],
    ),
    ({"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}, []),
    (
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 0},
        [
            (
                _SCHEMA,
                "The value for the field 'IntervalSeconds' must be >= 1",
                "/States/S/Retry[0]/IntervalSeconds",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100000000},
        [
            (
                _SCHEMA,
                "The value for the field 'IntervalSeconds' must be <= 99999999",
                "/States/S/Retry[0]/IntervalSeconds",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "MaxAttempts": -1},
        [(_SCHEMA, "The value for the field 'MaxAttempts' must be >= 0", "/States/S/Retry[0]/MaxAttempts")],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 100000000},
        [
            (
                _SCHEMA,
                "The value for the field 'MaxAttempts' must be <= 99999999",
                "/States/S/Retry[0]/MaxAttempts",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2.5},
        [
            (
                _SCHEMA,
                "The value for the field 'MaxAttempts' must be an INTEGER",
                "/States/S/Retry[0]/MaxAttempts",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5},
        [(_SCHEMA, "The value for the field 'BackoffRate' must be >= 1", "/States/S/Retry[0]/BackoffRate")],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "MaxDelaySeconds": 0},
        [
            (
                _SCHEMA,
                "The value for the field 'MaxDelaySeconds' must be >= 1",
                "/States/S/Retry[0]/MaxDelaySeconds",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "MaxDelaySeconds": 31622401},
        [
            (
                _SCHEMA,
                "The value for the field 'MaxDelaySeconds' must be <= 31622400",
                "/States/S/Retry[0]/MaxDelaySeconds",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL"], "JitterStrategy": "PARTIAL"},
        [
            (
                _SCHEMA,
                "The field 'JitterStrategy' should have one of these values: [FULL, NONE]",
                "/States/S/Retry[0]/JitterStrategy",
            )
        ],
    ),
    (
        {"ErrorEquals": []},
        [
            (
                _SCHEMA,
                "The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRING",
                "/States/S/Retry[0]/ErrorEquals",
            )
        ],
    ),
    (
        {"ErrorEquals": ["States.ALL", "X"]},
        [
            (
                _SCHEMA,
                "States.ALL must appear alone in the last ErrorEquals of Retry and Catch",
                "/States/S/Retry[0]/ErrorEquals",
            )
        ],
    ),
    ({"IntervalSeconds": 1}, [(_SCHEMA, "These fields are required: [ErrorEquals]", "/States/S/Retry[0]")]),
    ({"ErrorEquals": ["X"], "Next": "S"}, [(_SCHEMA, "Field 'Next' is not supported", "/States/S/Retry[0]")]),
]


@pytest.mark.parametrize(("retrier", "expected"), RETRIERS)
def test_retrier_fields(retrier: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert _errors(_machine(_task(Retry=[retrier]))) == expected


def test_states_all_in_a_retrier_that_is_not_the_last_is_rejected() -> None:
    retry = [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]
    assert _errors(_machine(_task(Retry=retry))) == [
        (
            _SCHEMA,
            "States.ALL must appear alone in the last ErrorEquals of Retry and Catch",
            "/States/S/Retry[0]/ErrorEquals",
        )
    ]


# https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html (MaxConcurrency, tolerated
# failures, ItemBatcher; each number or its Path twin)
MAP_FIELDS = [
    ({"MaxConcurrency": 0}, _PROCESSOR, []),
    (
        {"MaxConcurrency": -1},
        _PROCESSOR,
        [(_SCHEMA, "The value for the field 'MaxConcurrency' must be >= 0", "/States/S/MaxConcurrency")],
    ),
    (
        {"MaxConcurrency": 1, "MaxConcurrencyPath": "$.m"},
        _PROCESSOR,
        [
            (
                _SCHEMA,
                "At most one of these fields is allowed: [MaxConcurrency, MaxConcurrencyPath]",
                "/States/S",
            )
        ],
    ),
    ({"ToleratedFailurePercentage": 100}, _DISTRIBUTED, []),
    ({"ToleratedFailurePercentage": 12.5}, _DISTRIBUTED, []),
    (
        {"ToleratedFailurePercentage": 101},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "The value for the field 'ToleratedFailurePercentage' must be <= 100",
                "/States/S/ToleratedFailurePercentage",
            )
        ],
    ),
    (
        {"ToleratedFailurePercentage": -1},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "The value for the field 'ToleratedFailurePercentage' must be >= 0",
                "/States/S/ToleratedFailurePercentage",
            )
        ],
    ),
    (
        {"ToleratedFailureCount": -1},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "The value for the field 'ToleratedFailureCount' must be >= 0",
                "/States/S/ToleratedFailureCount",
            )
        ],
    ),
    (
        {"ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.c"},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "At most one of these fields is allowed: [ToleratedFailureCount, ToleratedFailureCountPath]",
                "/States/S",
            )
        ],
    ),
    (
        {"ToleratedFailurePercentage": 1, "ToleratedFailurePercentagePath": "$.p"},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "At most one of these fields is allowed: [ToleratedFailurePercentage, ToleratedFailurePercentagePath]",
                "/States/S",
            )
        ],
    ),
    ({"ItemBatcher": {"MaxItemsPerBatch": 10, "MaxInputBytesPerBatch": 262144}}, _DISTRIBUTED, []),
    (
        {"ItemBatcher": {"MaxInputBytesPerBatch": 262145}},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "The value for the field 'MaxInputBytesPerBatch' must be <= 262144",
                "/States/S/ItemBatcher/MaxInputBytesPerBatch",
            )
        ],
    ),
    (
        {"ItemBatcher": {"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.n"}},
        _DISTRIBUTED,
        [
            (
                _SCHEMA,
                "At most one of these fields is allowed: [MaxItemsPerBatch, MaxItemsPerBatchPath]",
                "/States/S/ItemBatcher",
            )
        ],
    ),
    (
        {"ItemBatcher": {"BatchSize": 1}},
        _DISTRIBUTED,
        [(_SCHEMA, "Field 'BatchSize' is not supported", "/States/S/ItemBatcher")],
    ),
]


@pytest.mark.parametrize(("fields", "processor", "expected"), MAP_FIELDS)
def test_map_limits(
    fields: dict[str, Any], processor: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    assert _errors(_machine(_map(processor, **fields))) == expected


# https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html (variable names are
# Unicode identifiers of at most 80 characters; $states is reserved)
VARIABLE_NAMES = [
    ("productName", False, None),
    ("count_2", False, None),
    ("_private", False, None),
    ("café", False, None),
    ("v" * 80, False, None),
    ("x.$", False, None),  # a JSONPath "name.$" key names "name"
    ("states", False, "The variable name 'states' is reserved"),
    ("states", True, "The variable name 'states' is reserved"),
    ("v" * 81, False, f"The variable name '{'v' * 81}' exceeds the maximum length of 80 characters"),
    ("1st", True, "The variable name '1st' is not a valid identifier"),
    ("a-b", False, "The variable name 'a-b' is not a valid identifier"),
    ("$x", True, "The variable name '$x' is not a valid identifier"),
    ("x.$", True, "The variable name 'x.$' is not a valid identifier"),
    ("has space", False, "The variable name 'has space' is not a valid identifier"),
]


@pytest.mark.parametrize(("name", "jsonata", "message"), VARIABLE_NAMES)
def test_variable_names_in_assign(name: str, jsonata: bool, message: str | None) -> None:
    value = "$.a" if name.endswith(".$") and not jsonata else 1
    expected = [] if message is None else [(_SCHEMA, message, "/States/S/Assign")]
    assert _errors(_machine({"Type": "Pass", "Assign": {name: value}, "End": True}, jsonata)) == expected


@pytest.mark.parametrize("jsonata", [False, True])
def test_variable_names_are_checked_in_catchers_and_choice_rules(jsonata: bool) -> None:
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "E", "Assign": {"bad-name": 1}}]
    rule: dict[str, Any] = {"Next": "E", "Assign": {"states": 1}}
    rule.update({"Condition": "{% true %}"} if jsonata else {"Variable": "$.a", "IsPresent": True})
    definition = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": _TASK, "Catch": catch, "Next": "C"},
            "C": {"Type": "Choice", "Choices": [rule], "Default": "E"},
            "E": {"Type": "Succeed"},
        },
    }
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    assert _errors(definition) == [
        (_SCHEMA, "The variable name 'bad-name' is not a valid identifier", "/States/T/Catch[0]/Assign"),
        (_SCHEMA, "The variable name 'states' is reserved", "/States/C/Choices[0]/Assign"),
    ]


# https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html (Seconds 0..99999999; Timestamp an
# RFC 3339 date-time such as 2016-03-14T01:59:00Z) and https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
# (state names at most 80 characters)
WAITS = [
    ({"Seconds": 0}, []),
    ({"Seconds": 99999999}, []),
    ({"Seconds": -1}, [(_SCHEMA, "The value for the field 'Seconds' must be >= 0", "/States/S/Seconds")]),
    (
        {"Seconds": 100000000},
        [(_SCHEMA, "The value for the field 'Seconds' must be <= 99999999", "/States/S/Seconds")],
    ),
    ({"Timestamp": "2016-03-14T01:59:00Z"}, []),
    ({"Timestamp": "2016-03-14T01:59:00.5-05:00"}, []),
    (
        {"Timestamp": "2016-03-14 01:59:00Z"},
        [(_SCHEMA, "String does not match RFC3339 timestamp", "/States/S/Timestamp")],
    ),
    (
        {"Timestamp": "2016-02-30T00:00:00Z"},
        [(_SCHEMA, "String does not match RFC3339 timestamp", "/States/S/Timestamp")],
    ),
    (
        {"Timestamp": "2016-03-14T01:59:00"},
        [(_SCHEMA, "String does not match RFC3339 timestamp", "/States/S/Timestamp")],
    ),
    (
        {"Seconds": 1, "Timestamp": "2016-03-14T01:59:00Z"},
        [
            (
                _SCHEMA,
                "Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]",
                "/States/S",
            )
        ],
    ),
]


@pytest.mark.parametrize(("fields", "expected"), WAITS)
def test_wait_fields(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert _errors(_machine({"Type": "Wait", "End": True, **fields})) == expected


# https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html ("You can specify either Cause or
# CausePath, but not both"; the same of Error and ErrorPath; the paths also take an intrinsic function)
_BOTH_ERRORS = "At most one of these fields is allowed: [Error, ErrorPath]"
_BOTH_CAUSES = "At most one of these fields is allowed: [Cause, CausePath]"
FAILS = [
    ({"Error": "E", "Cause": "C"}, []),
    ({"ErrorPath": "$.error", "CausePath": "$.cause"}, []),
    ({"Error": "E", "CausePath": "States.Format('at {}', $.where)"}, []),
    ({"Error": "E", "ErrorPath": "$.error"}, [(_SCHEMA, _BOTH_ERRORS, "/States/S")]),
    ({"Cause": "C", "CausePath": "$.cause"}, [(_SCHEMA, _BOTH_CAUSES, "/States/S")]),
    (
        {"Error": "E", "ErrorPath": "$.e", "Cause": "C", "CausePath": "$.c"},
        [(_SCHEMA, _BOTH_ERRORS, "/States/S"), (_SCHEMA, _BOTH_CAUSES, "/States/S")],
    ),
]


@pytest.mark.parametrize(("fields", "expected"), FAILS)
def test_fail_fields(fields: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert _errors(_machine({"Type": "Fail", **fields})) == expected


def test_the_invalid_definition_message_joins_every_error() -> None:
    state = _task(TimeoutSeconds=0, Credentials={})
    diagnostics = validate_definition(json.dumps(_machine(state)))
    assert invalid_definition_message(diagnostics) == (
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The value for the field 'TimeoutSeconds' "
        "must be >= 1 at /States/S/TimeoutSeconds, SCHEMA_VALIDATION_FAILED: Exactly one of these fields is "
        "required: [RoleArn, RoleArn.$] at /States/S/Credentials'"
    )


# https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html ("The following state types
# support Assign: Pass, Task, Map, Parallel, Choice, Wait") and transforming-data.md (Arguments on Task and
# Parallel; Output on every state but Fail). A Map's Arguments is documented neither way and stays accepted.
_STATES: dict[str, dict[str, Any]] = {
    "Pass": {"Type": "Pass", "End": True},
    "Task": _task(),
    "Map": _map(),
    "Parallel": {"Type": "Parallel", "Branches": [_PROCESSOR], "End": True},
    "Choice": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "E"}], "Default": "E"},
    "Wait": {"Type": "Wait", "Seconds": 1, "End": True},
    "Succeed": {"Type": "Succeed"},
    "Fail": {"Type": "Fail"},
}
JSONATA_FIELDS_BY_STATE = [
    ("Assign", {"Pass", "Task", "Map", "Parallel", "Choice", "Wait"}),
    ("Arguments", {"Task", "Parallel", "Map"}),
    ("Output", {"Pass", "Task", "Map", "Parallel", "Choice", "Wait", "Succeed"}),
]


@pytest.mark.parametrize(("field", "accepting"), JSONATA_FIELDS_BY_STATE)
@pytest.mark.parametrize("state_type", list(_STATES))
def test_which_states_take_each_jsonata_field(field: str, accepting: set[str], state_type: str) -> None:
    value: Any = {"v": 1} if field == "Assign" else "{% $states.input %}"
    definition = _machine({**_STATES[state_type], field: value}, jsonata=True)
    if state_type == "Choice":
        definition["States"]["E"] = {"Type": "Succeed"}
    expected = (
        [] if state_type in accepting else [(_SCHEMA, f"Field '{field}' is not supported", "/States/S")]
    )
    assert _errors(definition) == expected


# https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.md: "{% %}" is an expression
# only in the fields that take one; elsewhere it is a plain string (Comment) or the wrong type
# (Resource is a constant ARN, retrier numbers are literals).
NOT_EXPRESSION_FIELDS = [
    ({"Type": "Pass", "Comment": "{% 1 + %}", "End": True}, []),
    (
        _task(Resource="{% $states.input.arn %}"),
        [(_SCHEMA, "Value is not a valid resource ARN", "/States/S/Resource")],
    ),
    (
        _task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": "{% 3 %}"}]),
        [
            (
                _SCHEMA,
                "The value for the field 'MaxAttempts' must be an INTEGER",
                "/States/S/Retry[0]/MaxAttempts",
            )
        ],
    ),
    (
        _task(Retry=[{"ErrorEquals": ["States.ALL"], "BackoffRate": "{% 2 %}"}]),
        [
            (
                _SCHEMA,
                "The value for the field 'BackoffRate' must be a NUMBER",
                "/States/S/Retry[0]/BackoffRate",
            )
        ],
    ),
]


@pytest.mark.parametrize(("state", "expected"), NOT_EXPRESSION_FIELDS)
def test_an_expression_where_a_field_takes_none(
    state: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    assert _errors(_machine(state, jsonata=True)) == expected
