"""The context object read from every field the docs list, through boto3 against the server.

Rows: "Accessing execution data from the Context object in Step Functions",
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html — "JSONPath states
can refer to the context ($$.) from the following JSONPath fields: InputPath, OutputPath, ItemsPath (in
Map states), Variable (in Choice states), ResultSelector, Parameters, Variable to variable comparison
operators"; "Context object data for Map states" (Map.Item.Index, Map.Item.Value); JSONata states read it
as ``$states.context`` (same page, "To access the Context object in JSONata"). Wait ``SecondsPath``,
intrinsic arguments and ``Assign`` take the same reference paths (Wait state page, intrinsic functions
page, "Passing data between states with variables").
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from compat_tests.conftest import ROLE_ARN
from compat_tests.helpers import run_machine

NAME = "ReadHere"

# (place, states of the machine, expected output) — the first state is named NAME where it reads $$.
PLACE_ROWS: list[tuple[str, dict[str, Any], Any]] = [
    (
        "InputPath",
        {NAME: {"Type": "Pass", "InputPath": "$$.State", "OutputPath": "$.Name", "End": True}},
        NAME,
    ),
    ("OutputPath", {NAME: {"Type": "Pass", "OutputPath": "$$.State.Name", "End": True}}, NAME),
    (
        "Parameters",
        {NAME: {"Type": "Pass", "Parameters": {"n.$": "$$.State.Name"}, "End": True}},
        {"n": NAME},
    ),
    (
        "Parameters intrinsic argument",
        {NAME: {"Type": "Pass", "Parameters": {"n.$": "States.Format('<{}>', $$.State.Name)"}, "End": True}},
        {"n": f"<{NAME}>"},
    ),
    (
        "ResultSelector",
        {
            NAME: {
                "Type": "Parallel",
                "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}],
                "ResultSelector": {"n.$": "$$.State.Name"},
                "End": True,
            }
        },
        {"n": NAME},
    ),
    (
        "Assign (JSONPath)",
        {
            NAME: {"Type": "Pass", "Assign": {"seen.$": "$$.State.Name"}, "Next": "Out"},
            "Out": {"Type": "Pass", "Parameters": {"n.$": "$seen"}, "End": True},
        },
        {"n": NAME},
    ),
    (
        "Choice Variable",
        {
            NAME: {
                "Type": "Choice",
                "Choices": [{"Variable": "$$.State.Name", "StringEquals": NAME, "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
        "yes",
    ),
    (
        "Choice variable-to-variable comparison",
        {
            NAME: {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$$.State.Name", "StringEqualsPath": "$$.State.Name", "Next": "Yes"}
                ],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
        "yes",
    ),
    (
        "Wait SecondsPath",
        {
            NAME: {"Type": "Wait", "SecondsPath": "$$.Execution.RedriveCount", "Next": "Out"},
            "Out": {"Type": "Pass", "Result": "waited", "End": True},
        },
        "waited",
    ),
    (
        "Map ItemsPath and ItemSelector",
        {
            "Seed": {"Type": "Pass", "Result": {"xs": ["a", "b"]}, "ResultPath": "$.seed", "Next": NAME},
            NAME: {
                "Type": "Map",
                "ItemsPath": "$$.Execution.Input.seed.xs",
                "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                "End": True,
            },
        },
        None,  # ItemsPath reads the *execution* input, which has no seed: see the row below
    ),
    (
        "JSONata Output",
        {
            NAME: {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": "{% $states.context.State.Name %}",
                "End": True,
            }
        },
        NAME,
    ),
    (
        "JSONata Assign",
        {
            NAME: {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Assign": {"seen": "{% $states.context.State.Name %}"},
                "Next": "Out",
            },
            "Out": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $seen %}", "End": True},
        },
        NAME,
    ),
    (
        "JSONata Choice Condition",
        {
            NAME: {
                "Type": "Choice",
                "QueryLanguage": "JSONata",
                "Choices": [{"Condition": f"{{% $states.context.State.Name = '{NAME}' %}}", "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
        "yes",
    ),
    (
        "JSONata Map ItemSelector",
        {
            NAME: {
                "Type": "Map",
                "QueryLanguage": "JSONata",
                "Items": "{% ['a', 'b'] %}",
                "ItemSelector": "{% [$states.context.Map.Item.Index, $states.context.Map.Item.Value] %}",
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
        [[0, "a"], [1, "b"]],
    ),
]


@pytest.mark.parametrize(("place", "states", "expected"), PLACE_ROWS, ids=[row[0] for row in PLACE_ROWS])
def test_context_object_read_in_each_documented_field(
    sfn: Any, place: str, states: dict[str, Any], expected: Any
) -> None:
    described = run_machine(sfn, states, "ctx-place")
    print(place, described["status"], described.get("output"), described.get("error"), described.get("cause"))
    if expected is None:
        assert (described["status"], described.get("error")) == ("FAILED", "States.Runtime")
        return
    assert described["status"] == "SUCCEEDED", described.get("cause")
    assert json.loads(described["output"]) == expected


# "Start workflow executions from a task state in Step Functions" / "Start a new AWS Step Functions state
# machine from a running execution", https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html:
# the parent passes "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" inside Input; the
# child receives it as a member of its input and can read it back from its own $$.Execution.Input.
def test_started_by_execution_id_reaches_the_child_input(sfn: Any) -> None:
    child = sfn.create_state_machine(
        name=f"ctx-child-{uuid.uuid4().hex[:12]}",
        definition=json.dumps(
            {
                "StartAt": "Echo",
                "States": {
                    "Echo": {
                        "Type": "Pass",
                        "Parameters": {
                            "by.$": "$$.Execution.Input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"
                        },
                        "End": True,
                    }
                },
            }
        ),
        roleArn=ROLE_ARN,
    )["stateMachineArn"]
    parent = run_machine(
        sfn,
        {
            "Start": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {
                    "StateMachineArn": child,
                    "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"},
                },
                "End": True,
            }
        },
        "ctx-parent",
    )
    assert parent["status"] == "SUCCEEDED", parent.get("cause")
    output = json.loads(parent["output"])
    assert output["Output"] == {"by": parent["executionArn"]}
    assert output["Input"] == {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": parent["executionArn"]}
