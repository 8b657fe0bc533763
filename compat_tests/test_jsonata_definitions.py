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
