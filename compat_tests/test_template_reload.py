"""A template that changes is reloaded: a new definition updates the machine (running executions
finish on the definition they started with), and a broken template leaves the rest served."""

from __future__ import annotations

import json
from pathlib import Path

from compat_tests.helpers import aws_client, wait_finished
from compat_tests.template_server import resources_of, start_with, templates_report, wait_loaded

TEMPLATE = """
Resources:
  Gate:
    Type: AWS::StepFunctions::Activity
    Properties: {Name: reload-gate}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: reloaded
      RoleArn: arn:aws:iam::123456789012:role/r
      DefinitionS3Location: flow.asl.json
      DefinitionSubstitutions:
        GateArn: !Ref Gate
"""
V1 = {
    "StartAt": "Wait for the gate",
    "States": {
        "Wait for the gate": {"Type": "Task", "Resource": "${GateArn}", "ResultPath": None, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": "v1", "End": True},
    },
}
V2 = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "Result": "v2", "End": True}}}


def test_a_changed_definition_file_updates_the_machine_and_running_executions_keep_theirs(
    tmp_path: Path,
) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.asl.json").write_text(json.dumps(V1))
    server = start_with("--template", str(tmp_path / "template.yaml"), reload=True)
    try:
        resources = resources_of(wait_loaded(server))
        sfn = aws_client(server, "stepfunctions")
        arn = resources["Machine"]["physicalId"]
        first = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        (tmp_path / "flow.asl.json").write_text(json.dumps(V2))
        report = wait_loaded(server, generation=2)
        assert resources_of(report)["Machine"]["status"] == "UPDATE_COMPLETE"
        assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == V2
        second = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        assert wait_finished(sfn, second)["output"] == '"v2"'
        task = sfn.get_activity_task(activityArn=resources["Gate"]["physicalId"], workerName="t")
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
        assert wait_finished(sfn, first)["output"] == '"v1"'  # the definition it started with
    finally:
        server.stop()


def test_a_broken_template_is_reported_and_the_others_are_served(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "template.yaml").write_text(
        TEMPLATE.replace("DefinitionS3Location: flow.asl.json", "DefinitionString: '" + json.dumps(V2) + "'")
    )
    (tmp_path / "broken.yaml").write_text("Resources:\n  Machine: [unclosed\n")
    server = start_with(
        "--template", str(tmp_path / "broken.yaml"), "--template", str(tmp_path / "good" / "template.yaml")
    )
    try:
        report = wait_loaded(server)
        assert report["templates"][0]["error"].startswith(f"{tmp_path / 'broken.yaml'}: is not valid YAML")
        sfn = aws_client(server, "stepfunctions")
        arn = resources_of(report)["Machine"]["physicalId"]
        assert (
            wait_finished(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"])["output"] == '"v2"'
        )
        assert templates_report(server)["ready"] is True
    finally:
        server.stop()


def _machine_and_activity(suffix: str) -> str:
    return f"""
  Gate{suffix}:
    Type: AWS::StepFunctions::Activity
    Properties: {{Name: reload-gate{suffix}}}
  Machine{suffix}:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: reloaded{suffix}
      RoleArn: arn:aws:iam::123456789012:role/r
      DefinitionString: '{json.dumps(V2)}'
"""


def test_a_machine_removed_from_the_template_is_deleted_on_reload(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Resources:" + _machine_and_activity("1") + _machine_and_activity("2")
    )
    server = start_with("--template", str(tmp_path / "template.yaml"), reload=True)
    try:
        sfn = aws_client(server, "stepfunctions")
        wait_loaded(server)
        assert {"reloaded1", "reloaded2"} <= {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
        (tmp_path / "template.yaml").write_text("Resources:" + _machine_and_activity("1") + "  Broken: [")
        broken = wait_loaded(server, generation=2)  # saved half-edited: reported, nothing deleted
        assert broken["templates"][0]["error"].startswith(f"{tmp_path / 'template.yaml'}: is not valid YAML")
        assert {"reloaded1", "reloaded2"} <= {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
        (tmp_path / "template.yaml").write_text("Resources:" + _machine_and_activity("1"))
        wait_loaded(server, generation=3)
        names = {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
        assert "reloaded1" in names and "reloaded2" not in names
        activities = {a["name"] for a in sfn.list_activities()["activities"]}
        assert "reload-gate1" in activities and "reload-gate2" not in activities
    finally:
        server.stop()


SAM_ALIAS = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: aliased
      AutoPublishAlias: live
      Definition:
        StartAt: Done
        States:
          Done: {Type: Pass, Result: VALUE, End: true}
"""


def test_sam_auto_publish_alias_publishes_a_version_per_reload_and_moves_the_alias(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SAM_ALIAS.replace("VALUE", "one"))
    server = start_with("--template", str(tmp_path / "template.yaml"), reload=True)
    try:
        resources = resources_of(wait_loaded(server))
        kinds = {item["type"] for item in resources.values()}
        assert {"AWS::StepFunctions::StateMachineVersion", "AWS::StepFunctions::StateMachineAlias"} <= kinds
        sfn = aws_client(server, "stepfunctions")
        alias = "arn:aws:states:us-east-1:123456789012:stateMachine:aliased:live"
        first = sfn.start_execution(stateMachineArn=alias)["executionArn"]
        assert wait_finished(sfn, first)["output"] == '"one"'
        (tmp_path / "template.yaml").write_text(SAM_ALIAS.replace("VALUE", "two"))
        wait_loaded(server, generation=2)
        second = sfn.start_execution(stateMachineArn=alias)["executionArn"]
        described = wait_finished(sfn, second)
        assert described["output"] == '"two"'
        assert described["stateMachineVersionArn"].endswith(":aliased:2")
        versions = sfn.list_state_machine_versions(
            stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:aliased"
        )["stateMachineVersions"]
        assert len(versions) == 2
    finally:
        server.stop()


def test_a_definition_that_breaks_on_reload_keeps_the_machine_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "flow.asl.json").write_text(json.dumps(V2))
    server = start_with("--template", str(tmp_path / "template.yaml"), reload=True)
    try:
        arn = resources_of(wait_loaded(server))["Machine"]["physicalId"]
        (tmp_path / "flow.asl.json").write_text(json.dumps({"StartAt": "Nowhere", "States": V2["States"]}))
        machine = resources_of(wait_loaded(server, generation=2))["Machine"]
        assert machine["status"] == "UPDATE_FAILED" and "MISSING_TRANSITION_TARGET" in machine["message"]
        sfn = aws_client(server, "stepfunctions")
        assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == V2
    finally:
        server.stop()
