"""What ``--template`` accepts: a template file, a project folder holding template.yaml, a CDK cloud
assembly (every stack, nested Stage assemblies included, in the manifest's order)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.templates.errors import TemplateError
from emulator.templates.reading import read_stacks

STACK = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}


def _assembly(folder: Path, stacks: dict[str, str], nested: str | None = None) -> None:
    folder.mkdir(parents=True)
    artifacts: dict[str, object] = {}
    for artifact_id, stack_name in stacks.items():
        (folder / f"{artifact_id}.template.json").write_text(json.dumps(STACK))
        artifacts[artifact_id] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{artifact_id}.template.json", "stackName": stack_name},
        }
    artifacts["Tree"] = {"type": "cdk:tree", "properties": {"file": "tree.json"}}
    if nested:
        artifacts["assembly-Prod"] = {"type": "cdk:cloud-assembly", "properties": {"directoryName": nested}}
    (folder / "manifest.json").write_text(json.dumps({"version": "36.0.0", "artifacts": artifacts}))


def test_a_cloud_assembly_yields_every_stack_with_nested_stages(tmp_path: Path) -> None:
    _assembly(tmp_path / "cdk.out", {"Api": "shop-api", "Db": "shop-db"}, nested="assembly-Prod")
    _assembly(tmp_path / "cdk.out" / "assembly-Prod", {"ProdApi": "Prod-shop-api"})
    stacks = read_stacks(str(tmp_path / "cdk.out"))
    assert [stack.stack_name for stack in stacks] == ["shop-api", "shop-db", "Prod-shop-api"]
    assert stacks[2].base_dir == (tmp_path / "cdk.out" / "assembly-Prod").resolve()
    assert stacks[0].document == STACK


def test_a_project_folder_means_its_template_yaml_and_names_the_stack(tmp_path: Path) -> None:
    (tmp_path / "my_app").mkdir()
    (tmp_path / "my_app" / "template.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    (stack,) = read_stacks(str(tmp_path / "my_app"))
    assert stack.stack_name == "my-app"
    assert stack.document == STACK


def test_a_manifest_naming_a_missing_template_is_an_error(tmp_path: Path) -> None:
    _assembly(tmp_path / "cdk.out", {"Api": "shop-api"})
    (tmp_path / "cdk.out" / "Api.template.json").unlink()
    with pytest.raises(TemplateError, match="stack Api: template Api.template.json is missing"):
        read_stacks(str(tmp_path / "cdk.out"))
