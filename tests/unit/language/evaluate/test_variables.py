from emulator.language.errors import StatesError
from emulator.language.evaluate.jsonata import JsonataBindings
from emulator.language.evaluate.variables import (
    assigned_variables_text,
    compile_assign,
    variable_references,
)
from emulator.language.parse import compile_definition


def test_jsonpath_assign_drops_the_dollar_suffix_and_keeps_literals_literal() -> None:
    assign = compile_assign({"a.$": "$.x", "b": "$.not.a.path", "c": "{% $x %}", "d.$": "$old"}, "JSONPath")
    assert assign is not None and assign.names == ("a", "b", "c", "d")
    values = assign.evaluate_jsonpath({"x": 1}, {}, {"old": [2]})
    assert values == {"a": 1, "b": "$.not.a.path", "c": "{% $x %}", "d": [2]}


def test_jsonata_assign_evaluates_expressions_with_states_and_variables() -> None:
    assign = compile_assign({"sum": "{% $states.input.n + $base %}", "lit": 3}, "JSONata")
    assert assign is not None
    bindings = JsonataBindings(states_input={"n": 2}, context={}, variables={"base": 40})
    assert assign.evaluate_jsonata(bindings) == {"sum": 42, "lit": 3}


def test_empty_or_absent_assign_compiles_to_nothing() -> None:
    assert compile_assign({}, "JSONPath") is None
    assert compile_assign(None, "JSONata") is None


def test_assigned_variables_are_compact_json_text() -> None:
    assert assigned_variables_text({"s": "x", "l": [1, 2], "o": {"a": None}}) == {
        "s": '"x"',
        "l": "[1,2]",
        "o": '{"a":null}',
    }


def test_assignments_over_256_kib_fail_with_data_limit_exceeded() -> None:
    try:
        assigned_variables_text({"big": "x" * 262_144})
    except StatesError as error:
        assert error.error == "States.DataLimitExceeded"
    else:
        raise AssertionError("no error")


def test_jsonpath_references_come_from_paths_intrinsics_and_choice_rules_only() -> None:
    state = {
        "Type": "Pass",
        "InputPath": "$in",
        "Parameters": {
            "p.$": "States.Format('{} $quoted', $name, $$.Execution.Id)",
            "literal": "$notAReference",
            "q.$": "$.x",
        },
        "ResultPath": "$.r",
        "Result": {"r.$": "$neither"},
        "Assign": {"a.$": "$assigned.field"},
    }
    assert variable_references(state, "JSONPath") == ("assigned", "in", "name")
    choice = {"Type": "Choice", "Choices": [{"Not": {"Variable": "$guess", "StringEqualsPath": "$answer"}}]}
    assert variable_references(choice, "JSONPath") == ("answer", "guess")


def test_jsonata_references_exclude_states_bound_names_and_functions() -> None:
    state = {"Type": "Pass", "Output": {"x": "{% ($y := 1; $sum([$y, $a, $states.input.n])) %}"}}
    assert variable_references(state, "JSONata") == ("a",)


def test_definition_collects_references_of_nested_states_by_name() -> None:
    definition = compile_definition(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemsPath": "$list",
                    "ItemProcessor": {
                        "StartAt": "Inner",
                        "States": {"Inner": {"Type": "Pass", "OutputPath": "$outer", "End": True}},
                    },
                    "End": True,
                }
            },
        }
    )
    assert definition.variable_references == {"M": ("list",), "Inner": ("outer",)}
