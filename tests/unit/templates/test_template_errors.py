"""A mistake in a template is reported with the file, the logical id and the property, and the
rest of the template still loads. One row per kind of mistake."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from emulator.app import build_environment
from emulator.service.environment import RequestContext
from emulator.service.state_machines import list_state_machines
from emulator.settings import Settings
from emulator.templates import load_template

ROLE = "arn:aws:iam::123456789012:role/r"
GOOD = f"""
  Good:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: good
      RoleArn: {ROLE}
      Definition: {{StartAt: P, States: {{P: {{Type: Pass, End: true}}}}}}
"""


def machine(properties: str) -> str:
    return f"""
Resources:{GOOD}
  Bad:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: {ROLE}
{properties}
"""


PASS = "      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}"

# (case, template text, parameter overrides, logical id, property, words the message must hold)
CASES: list[tuple[str, str, dict[str, str], str, str, tuple[str, ...]]] = [
    (
        "ref_to_nothing",
        machine(PASS + "\n      StateMachineName: !Ref Missing"),
        {},
        "Bad",
        "StateMachineName",
        ("refers to 'Missing'",),
    ),
    (
        "getatt_of_unknown_attribute",
        machine("      StateMachineName: !GetAtt Good.Colour\n" + PASS),
        {},
        "Bad",
        "StateMachineName",
        ("no attribute Colour", "StateMachineRevisionId"),
    ),
    (
        "unsupported_intrinsic",
        machine("      StateMachineName: {'Fn::Magic': x}\n" + PASS),
        {},
        "Bad",
        "StateMachineName",
        ("Fn::Magic is not supported",),
    ),
    (
        "import_of_nothing_exported",
        machine("      StateMachineName: !ImportValue other-stack-name\n" + PASS),
        {},
        "Bad",
        "StateMachineName",
        ("Fn::ImportValue 'other-stack-name'", "no loaded stack exports"),
    ),
    (
        "invalid_definition",
        machine("      Definition: {StartAt: Nowhere, States: {P: {Type: Pass, End: true}}}"),
        {},
        "Bad",
        "Definition",
        ("InvalidDefinition", "MISSING_TRANSITION_TARGET"),
    ),
    (
        "missing_definition_file",
        machine("      DefinitionS3Location: statemachine/missing.asl.json"),
        {},
        "Bad",
        "DefinitionS3Location",
        ("'statemachine/missing.asl.json' does not exist",),
    ),
    (
        "missing_required_property",
        "Resources:"
        + GOOD
        + "\n  Bad:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        + PASS,
        {},
        "Bad",
        "RoleArn",
        ("is required",),
    ),
    (
        "undefined_condition",
        machine(PASS).replace("  Bad:\n", "  Bad:\n    Condition: Nope\n"),
        {},
        "Bad",
        "Condition",
        ("the condition Nope is not defined",),
    ),
    (
        "depends_on_an_unsupported_type",
        machine("      StateMachineName: !GetAtt Cluster.Arn\n" + PASS)
        + "  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties: {}\n",
        {},
        "Bad",
        "StateMachineName",
        ("refers to Cluster, which was not created (AWS::EKS::Cluster is not supported)",),
    ),
    (
        "sam_transform_refusal",
        "Transform: AWS::Serverless-2016-10-31\nResources:"
        + GOOD
        + "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n",
        {},
        "Fn",
        "",
        ("SAM transform refused", "CodeUri"),
    ),
]


def _load(tmp_path: Path, text: str, overrides: dict[str, str]) -> tuple[Any, Any]:
    template = tmp_path / "template.yaml"
    template.write_text(text)
    env = build_environment(Settings())
    return env, asyncio.run(load_template(env, str(template), overrides))


@pytest.mark.parametrize(
    ("case", "text", "overrides", "logical_id", "prop", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_a_mistake_names_file_logical_id_and_property_and_the_rest_loads(
    tmp_path: Path,
    case: str,
    text: str,
    overrides: dict[str, str],
    logical_id: str,
    prop: str,
    words: tuple[str, ...],
) -> None:
    env, report = _load(tmp_path, text, overrides)
    if report.stacks[0].error:  # the whole stack was refused (the SAM transform)
        message = report.stacks[0].error
    else:
        outcomes = {item.logical_id: item for item in report.stacks[0].resources}
        assert outcomes["Good"].status == "CREATE_COMPLETE"
        assert outcomes[logical_id].status == "CREATE_FAILED"
        message = outcomes[logical_id].message
        listed = list_state_machines(env, RequestContext("123456789012", "us-east-1", "t"), {})[
            "stateMachines"
        ]
        assert [item["name"] for item in listed] == ["good"]
    where = f"{tmp_path / 'template.yaml'}: {logical_id}" + (f".{prop}" if prop else "")
    assert message.startswith(where) if logical_id != "Fn" else str(tmp_path / "template.yaml") in message, (
        message
    )
    for word in words:
        assert word in message, message
    assert report.problems(), "a mistake is listed for the start-up log"


def test_a_parameter_without_a_value_is_named(tmp_path: Path) -> None:
    text = "Parameters:\n  Stage: {Type: String}\nResources:" + GOOD
    _, report = _load(tmp_path, text, {})
    assert report.stacks[0].error == (
        f"{tmp_path / 'template.yaml'}: Parameters.Stage: has no Default: give it a value with --parameter-overrides"
    )


def test_an_override_outside_allowed_values_is_refused(tmp_path: Path) -> None:
    text = "Parameters:\n  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}\nResources:" + GOOD
    _, report = _load(tmp_path, text, {"Stage": "qa"})
    assert report.stacks[0].error == (
        f"{tmp_path / 'template.yaml'}: Parameters.Stage: 'qa' is not one of the AllowedValues [dev, prod]"
    )


def test_yaml_that_does_not_parse_names_the_file(tmp_path: Path) -> None:
    _, report = _load(tmp_path, "Resources:\n  A: [unclosed\n", {})
    assert report.error is not None and report.error.startswith(
        f"{tmp_path / 'template.yaml'}: is not valid YAML"
    )


def test_a_missing_template_file_is_reported(tmp_path: Path) -> None:
    env = build_environment(Settings())
    report = asyncio.run(load_template(env, str(tmp_path / "nope.yaml"), {}))
    assert report.error == f"{tmp_path / 'nope.yaml'}: no such file or folder"


def test_an_unsupported_resource_type_is_listed_not_dropped(tmp_path: Path) -> None:
    _, report = _load(tmp_path, "Resources:" + GOOD + "  Api:\n    Type: AWS::ApiGateway::RestApi\n", {})
    outcome = {item.logical_id: item for item in report.stacks[0].resources}["Api"]
    assert outcome.status == "NOT_SUPPORTED"
    assert "cannot create AWS::ApiGateway::RestApi" in outcome.message
    assert any("Api (AWS::ApiGateway::RestApi): NOT_SUPPORTED" in line for line in report.problems())


def test_a_transform_other_than_sam_is_refused(tmp_path: Path) -> None:
    _, report = _load(tmp_path, "Transform: [AWS::Serverless-2016-10-31, MyMacro]\nResources:" + GOOD, {})
    assert report.stacks[0].error == (
        f"{tmp_path / 'template.yaml'}: Transform: the transform MyMacro is not supported "
        "(the emulator applies AWS::Serverless-2016-10-31 only)"
    )


def test_a_node_function_is_not_runnable_but_its_arn_resolves(tmp_path: Path) -> None:
    text = (
        "Resources:"
        + GOOD
        + """  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: node-fn
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "exports.handler = async () => 1"}
  Caller:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: caller
      RoleArn: arn:aws:iam::123456789012:role/r
      DefinitionString: !Sub '{"StartAt": "C", "States": {"C": {"Type": "Task", "Resource": "${Fn.Arn}", "End": true}}}'
"""
    )
    env, report = _load(tmp_path, text, {})
    outcomes = {item.logical_id: item for item in report.stacks[0].resources}
    assert outcomes["Fn"].status == "NOT_RUNNABLE"
    assert (
        "runtime nodejs20.x" in outcomes["Fn"].message and "sam local start-lambda" in outcomes["Fn"].message
    )
    assert outcomes["Caller"].status == "CREATE_COMPLETE"
    assert env.local_functions.find("node-fn") is None


def test_a_python_function_is_registered_with_its_configuration(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    text = (
        "Resources:"
        + GOOD
        + """  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: src
      Timeout: 9
      MemorySize: 256
      ReservedConcurrentExecutions: 2
      Environment: {Variables: {STAGE: dev, RETRIES: 3, ON: true}}
"""
    )
    env, report = _load(tmp_path, text, {})
    (config,) = env.local_functions.all()
    assert config.name.startswith(f"{tmp_path.name}-Fn-".replace("_", "-")[:20]) or config.name.endswith(
        config.name
    )
    assert (config.handler, config.code_dir, config.runtime) == (
        "app.handler",
        str((tmp_path / "src").resolve()),
        "python3.12",
    )
    assert dict(config.environment) == {"STAGE": "dev", "RETRIES": "3", "ON": "true"}
    assert (config.timeout_seconds, config.memory_size_mb, config.reserved_concurrency, config.source) == (
        9.0,
        256,
        2,
        str(tmp_path / "template.yaml"),
    )
    assert {item.logical_id: item for item in report.stacks[0].resources}["Fn"].physical_id.endswith(
        config.name
    )
