"""Workflow variables and JSONata states through the engine: what AWS records and when."""

from emulator.integrations.registry import IntegrationRegistry
from emulator.language.errors import StatesError
from emulator.model.jsontext import from_json_text
from emulator.model.records import ExecutionStatus
from tests.fakes import StubIntegration
from tests.unit.runtime.harness import events, run_definition


def _exited(execution, name):
    for event in execution.history.events:
        if event.type.endswith("StateExited") and event.details["name"] == name:
            return event.details
    raise AssertionError(f"no exit of {name}")


async def test_assigned_variables_are_recorded_as_json_text_on_state_exit() -> None:
    execution = await run_definition(
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Assign": {"n": 1, "s.$": "$.s"}, "Next": "B"},
                "B": {"Type": "Pass", "Assign": {}, "End": True},
            },
        },
        '{"s": "x"}',
    )
    assert _exited(execution, "A")["assignedVariables"] == {"n": "1", "s": '"x"'}
    assert _exited(execution, "A")["assignedVariablesDetails"] == {"truncated": False}
    assert "assignedVariables" not in _exited(execution, "B")


async def test_assign_and_output_path_see_the_variables_from_before_the_state() -> None:
    execution = await run_definition(
        {
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"a": 1, "b": 2}, "Next": "Swap"},
                "Swap": {
                    "Type": "Pass",
                    "Assign": {"a.$": "$b", "b.$": "$a"},
                    "OutputPath": "$a",
                    "Next": "Show",
                },
                "Show": {"Type": "Pass", "Parameters": {"a.$": "$a", "b.$": "$b"}, "End": True},
            },
        }
    )
    assert from_json_text(execution.output) == {"a": 2, "b": 1}
    assert _exited(execution, "Swap")["output"] == "1"


async def test_jsonata_output_and_assign_share_the_pre_state_bindings() -> None:
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"x": 1}, "Next": "Step"},
                "Step": {
                    "Type": "Pass",
                    "Assign": {"x": "{% $x + 10 %}"},
                    "Output": {"seen": "{% $x %}", "input": "{% $states.input.v %}"},
                    "Next": "After",
                },
                "After": {"Type": "Pass", "Output": "{% $x %}", "End": True},
            },
        },
        '{"v": "in"}',
    )
    assert _exited(execution, "Step")["output"] == '{"seen":1,"input":"in"}'
    assert execution.output == "11"


async def test_map_iterations_read_outer_variables_and_keep_their_own_assignments() -> None:
    execution = await run_definition(
        {
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"base": 10, "items": [1, 2]}, "Next": "Each"},
                "Each": {
                    "Type": "Map",
                    "ItemsPath": "$items",
                    "ItemProcessor": {
                        "StartAt": "Add",
                        "States": {
                            "Add": {"Type": "Pass", "Assign": {"base": 0, "mine.$": "$"}, "Next": "Use"},
                            "Use": {
                                "Type": "Pass",
                                "Parameters": {"sum.$": "States.MathAdd($mine, $base)"},
                                "End": True,
                            },
                        },
                    },
                    "Next": "After",
                },
                "After": {"Type": "Pass", "Parameters": {"base.$": "$base", "results.$": "$"}, "End": True},
            },
        }
    )
    # Inside an iteration its own assignment shadows the outer name; outside nothing leaked.
    assert from_json_text(execution.output) == {"base": 10, "results": [{"sum": 1}, {"sum": 2}]}


async def test_parallel_branch_variables_do_not_reach_the_outer_scope() -> None:
    execution = await run_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "Branches": [
                        {
                            "StartAt": "B",
                            "States": {"B": {"Type": "Pass", "Assign": {"inner": 1}, "End": True}},
                        }
                    ],
                    "Next": "After",
                },
                "After": {"Type": "Pass", "InputPath": "$inner", "End": True},
            },
        }
    )
    assert execution.status == ExecutionStatus.FAILED
    assert execution.error == "States.Runtime"


async def test_undefined_jsonata_variable_records_evaluation_failed() -> None:
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "First",
            "States": {
                "First": {"Type": "Pass", "Next": "S"},
                "S": {"Type": "Pass", "Output": {"r": "{% $nope %}"}, "End": True},
            },
        }
    )
    assert [e[2] for e in events(execution)][-2:] == ["EvaluationFailed", "ExecutionFailed"]
    failed = execution.history.events[-2]
    cause = (
        "An error occurred while executing the state 'S' (entered at the event id #4). The JSONata "
        "expression '$nope' specified for the field 'Output/r' returned nothing (undefined)."
    )
    assert failed.details == {
        "error": "States.QueryEvaluationError",
        "cause": cause,
        "location": "Output/r",
        "state": "S",
    }
    assert failed.previous_event_id == 3  # the event before S was entered
    assert (execution.error, execution.cause) == ("States.QueryEvaluationError", cause)


async def test_jsonata_map_items_must_be_an_array() -> None:
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "Items": "{% $states.input.v %}",
                    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                    "End": True,
                }
            },
        },
        '{"v": {"a": 1}}',
    )
    assert [e[2] for e in events(execution)][-3:] == ["EvaluationFailed", "MapStateFailed", "ExecutionFailed"]
    assert execution.cause.endswith(
        "The JSONata expression '$states.input.v' specified for the field 'Items' returned an unexpected "
        "result type. Expected 'array', but was 'object' for value: {\"a\":1}"
    )


async def test_jsonata_map_item_selector_sees_the_item_in_the_context() -> None:
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemSelector": {"v": "{% $states.context.Map.Item.Value * $states.input.k %}"},
                    "Items": [1, 2],
                    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                    "Output": "{% $states.result.v %}",
                    "End": True,
                }
            },
        },
        '{"k": 3}',
    )
    assert from_json_text(execution.output) == [3, 6]


async def test_catcher_output_and_assign_see_the_error_output() -> None:
    def fail(call):
        raise StatesError("Boom", "bad")

    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(fail))
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Arguments": {"QueueUrl": "q", "MessageBody": "{% $states.input.m %}"},
                    "Catch": [
                        {
                            "ErrorEquals": ["States.ALL"],
                            "Assign": {"err": "{% $states.errorOutput.Error %}"},
                            "Output": {
                                "in": "{% $states.input.m %}",
                                "cause": "{% $states.errorOutput.Cause %}",
                            },
                            "Next": "After",
                        }
                    ],
                    "End": True,
                },
                "After": {
                    "Type": "Pass",
                    "Output": {"err": "{% $err %}", "was": "{% $states.input %}"},
                    "End": True,
                },
            },
        },
        '{"m": "hi"}',
        integrations=registry,
    )
    assert _exited(execution, "T")["assignedVariables"] == {"err": '"Boom"'}
    assert from_json_text(execution.output) == {"err": "Boom", "was": {"in": "hi", "cause": "bad"}}


async def test_query_evaluation_errors_can_be_caught() -> None:
    registry = IntegrationRegistry()
    registry.register("sqs", StubIntegration(lambda call: {"ok": True}))
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Arguments": {"QueueUrl": "{% $missing %}"},
                    "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "After"}],
                    "End": True,
                },
                "After": {"Type": "Pass", "End": True},
            },
        },
        integrations=registry,
    )
    assert execution.status == ExecutionStatus.SUCCEEDED
    assert "EvaluationFailed" in [e[2] for e in events(execution)]
    assert from_json_text(execution.output)["Error"] == "States.QueryEvaluationError"


async def test_choice_applies_the_assign_of_the_rule_taken_or_of_the_state_on_default() -> None:
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Assign": {"took": "rule"}, "Next": "E"}],
                "Default": "E",
                "Assign": {"took": "default"},
            },
            "E": {"Type": "Pass", "OutputPath": "$took", "End": True},
        },
    }
    assert (await run_definition(definition, '{"n": 1}')).output == '"rule"'
    assert (await run_definition(definition, '{"n": 2}')).output == '"default"'


async def test_jsonata_wait_seconds_and_task_timeout_expressions() -> None:
    registry = IntegrationRegistry()
    stub = StubIntegration(lambda call: {})
    registry.register("sqs", stub)
    execution = await run_definition(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "W",
            "States": {
                "W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "Next": "T"},
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "TimeoutSeconds": "{% $states.input.s + 5 %}",
                    "End": True,
                },
            },
        },
        '{"s": 0}',
        integrations=registry,
    )
    assert execution.status == ExecutionStatus.SUCCEEDED
    scheduled = next(e for e in execution.history.events if e.type == "TaskScheduled")
    assert scheduled.details["timeoutInSeconds"] == 5
    assert from_json_text(scheduled.details["parameters"]) == {"s": 0}  # no Arguments: the input
