from emulator.language.parse import compile_definition
from emulator.language.states.map_state import MapState
from emulator.language.states.parallel_state import ParallelState
from emulator.language.states.pass_state import PassState
from emulator.language.states.task_state import parse_resource


def test_compiles_nested_branches_and_item_processors() -> None:
    definition = compile_definition(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "Next": "M",
                    "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}],
                },
                "M": {
                    "Type": "Map",
                    "End": True,
                    "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}},
                },
            },
        }
    )
    parallel = definition.states["P"]
    assert isinstance(parallel, ParallelState)
    assert isinstance(parallel.branches[0].states["A"], PassState)
    assert isinstance(definition.states["M"], MapState)
    assert definition.states["M"].processor.start_at == "B"


def test_null_paths_compile_to_none_and_absent_paths_to_root() -> None:
    state = compile_definition(
        {
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "InputPath": None, "ResultPath": None, "End": True}},
        }
    ).states["A"]
    assert state.common.input_path is None
    assert state.result_path is None
    assert state.common.output_path is not None and state.common.output_path.text == "$"


def test_jsonata_machines_and_assign_compile() -> None:
    jsonata = compile_definition(
        {
            "StartAt": "A",
            "QueryLanguage": "JSONata",
            "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": True}},
        }
    )
    assert jsonata.states["A"].common.is_jsonata and jsonata.states["A"].common.output is not None
    jsonpath = compile_definition(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"x": 1}, "End": True}}}
    )
    assert jsonpath.states["A"].common.assign.names == ("x",)


def test_service_resource_names_match_history_fields() -> None:
    resource = parse_resource("arn:aws:states:::aws-sdk:s3:listBuckets.waitForTaskToken")
    assert (resource.kind, resource.resource_type, resource.resource) == (
        "service",
        "aws-sdk:s3",
        "listBuckets.waitForTaskToken",
    )
    assert resource.pattern == "waitForTaskToken"
    sync = parse_resource("arn:aws:states:::states:startExecution.sync:2")
    assert (sync.resource_type, sync.resource, sync.pattern) == ("states", "startExecution.sync:2", "sync:2")
    function = parse_resource("arn:aws:lambda:eu-west-1:111111111111:function:f")
    assert (function.kind, function.region) == ("lambda", "eu-west-1")
