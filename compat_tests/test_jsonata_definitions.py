"""JSONata definitions through boto3: which ``$states`` fields a field may read (refused at creation and
by ValidateStateMachineDefinition), a boolean Choice Condition, and the rounding rule of Step
Functions' own JSONata functions, end to end.

Sources: https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html ("Attempting to
access $states.result or $states.errorOutput in fields and states where they are not accessible will be
caught at creation, update, or validation of the state machine"; the functions' note "Built-in JSONata
functions that require integer values as parameters will automatically round down any non-integer
numbers provided") and https://states-language.net/spec.html (where ``$states.result`` and
``$states.errorOutput`` may be read; "Condition" accepts a boolean). AWS's wording of the refusal is
quoted in https://github.com/anomalyco/sst/issues/6110.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import wait_finished

TASK = "arn:aws:states:::lambda:invoke"


def _jsonata(states: dict[str, Any]) -> str:
    return json.dumps({"QueryLanguage": "JSONata", "StartAt": next(iter(states)), "States": states})


def _run(sfn: Any, states: dict[str, Any], input_value: Any) -> dict[str, Any]:
    arn = sfn.create_state_machine(
        name=f"jsonata-{uuid.uuid4().hex[:12]}", definition=_jsonata(states), roleArn=ROLE_ARN
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(input_value))["executionArn"]
    return wait_finished(sfn, execution)


def test_error_output_outside_a_catcher_is_refused_at_creation(sfn: Any) -> None:
    states = {
        "T": {
            "Type": "Task",
            "Resource": TASK,
            "Arguments": {"FunctionName": "f", "Payload": "{% $states.errorOutput %}"},
            "End": True,
        }
    }
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=f"jsonata-{uuid.uuid4().hex[:12]}", definition=_jsonata(states), roleArn=ROLE_ARN
        )
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidDefinition",
        "Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not "
        "exist. at /States/T/Arguments/Payload'",
    )


@pytest.mark.parametrize(
    ("state", "diagnostics"),
    [
        (
            {"Type": "Pass", "Output": "{% $states.result %}", "End": True},
            [("Field '$states.result' does not exist.", "/States/S/Output")],
        ),
        ({"Type": "Task", "Resource": TASK, "Output": "{% $states.result.Payload %}", "End": True}, []),
        (
            {
                "Type": "Task",
                "Resource": TASK,
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "D"}
                ],
                "End": True,
            },
            [],
        ),
    ],
)
def test_validate_reports_states_fields_by_position(
    sfn: Any, state: dict[str, Any], diagnostics: list[tuple[str, str]]
) -> None:
    answer = sfn.validate_state_machine_definition(
        definition=_jsonata({"S": state, "D": {"Type": "Succeed"}})
    )
    errors = [d for d in answer["diagnostics"] if d["code"] == "UNSUPPORTED_JSONATA_EXPRESSION"]
    assert [(d["message"], d["location"]) for d in errors] == diagnostics


def test_a_boolean_condition_and_rounded_function_arguments(sfn: Any) -> None:
    states = {
        "C": {"Type": "Choice", "Choices": [{"Condition": True, "Next": "P"}], "Default": "F"},
        "P": {
            "Type": "Pass",
            "Output": {
                "chunks": "{% $partition($states.input.items, 2.9) %}",
                "range": "{% $range(0.5, 4.5, 2) %}",
            },
            "End": True,
        },
        "F": {"Type": "Fail", "Error": "NotTaken"},
    }
    described = _run(sfn, states, {"items": [1, 2, 3]})
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"chunks": [[1, 2], [3]], "range": [0, 2, 4]}


# https://states-language.net/spec.html ("JSONata"): an expression "MUST NOT reference "$" or unqualified
# field names at the top level"; "$$" likewise. Refused at creation like a top-level field name.
@pytest.mark.parametrize(
    ("expression", "name"), [("$", "$"), ("$.a", "$"), ("$$.a", "$$"), ("$string($)", "$")]
)
def test_dollar_at_the_top_level_is_refused_at_creation(sfn: Any, expression: str, name: str) -> None:
    states = {"P": {"Type": "Pass", "Output": {"v": "{% " + expression + " %}"}, "End": True}}
    with pytest.raises(ClientError) as raised:
        sfn.create_state_machine(
            name=f"jsonata-{uuid.uuid4().hex[:12]}", definition=_jsonata(states), roleArn=ROLE_ARN
        )
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidDefinition",
        "Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Reference to "
        f"'{name}' at the top level is not supported. at /States/P/Output/v'",
    )
    nested = {"P": {"Type": "Pass", "Output": "{% $states.input.items[$ > 1] %}", "End": True}}
    assert _run(sfn, nested, {"items": [1, 2, 3]})["output"] == "[2,3]"


def test_a_failing_arguments_expression_is_retried(sfn: Any) -> None:
    # ASL "Retrying after error": an error the state reports (States.QueryEvaluationError) is retried by a
    # retrier that matches it; each failed evaluation is an EvaluationFailed event.
    states = {
        "T": {
            "Type": "Task",
            "Resource": TASK,
            "Arguments": {"FunctionName": "f", "Payload": "{% $missing %}"},
            "Retry": [
                {"ErrorEquals": ["States.QueryEvaluationError"], "IntervalSeconds": 1, "MaxAttempts": 1}
            ],
            "End": True,
        }
    }
    finished = _run(sfn, states, {})
    assert (finished["status"], finished["error"]) == ("FAILED", "States.QueryEvaluationError")
    events = sfn.get_execution_history(executionArn=finished["executionArn"])["events"]
    assert [event["type"] for event in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "EvaluationFailed",
        "EvaluationFailed",
        "ExecutionFailed",
    ]


def test_the_total_of_stored_variables_is_limited_to_10_mib(sfn: Any) -> None:
    # https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html ("Variable size limits"):
    # 256 KiB per Assign, 10 MiB of stored variables per execution. 41 variables of 256 KiB go over.
    count = 41
    states: dict[str, Any] = {}
    for index in range(count):
        states[f"A{index}"] = {
            "Type": "Pass",
            "Assign": {f"v{index}": "{% $pad('', 262142, 'x') %}"},
            **({"Next": f"A{index + 1}"} if index < count - 1 else {"End": True}),
        }
    finished = _run(sfn, states, {})
    assert (finished["status"], finished["error"]) == ("FAILED", "States.DataLimitExceeded")
    assert "executing the state 'A40'" in finished["cause"]
