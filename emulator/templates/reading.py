"""From what the user passes to ``--template`` to stack documents: a SAM / CloudFormation template
file (YAML with CloudFormation's short-form tags, or JSON), or a CDK cloud assembly folder
(``cdk.out``: ``manifest.json`` naming one template per stack, asset folders beside them).

YAML is read with cfn-flip's loader (``!Ref``, ``!GetAtt A.B``, ``!Sub`` … become their long
forms), with one change: scalars YAML would read as dates (``2012-10-17``) stay text, as
CloudFormation reads them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.templates.errors import TemplateError

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
_STACK_NAME = re.compile(r"[^A-Za-z0-9-]+")


@dataclass(frozen=True, slots=True)
class StackSource:
    """One stack to load: its name, the template document and the folder its local paths are
    relative to (a CDK stack also names its asset folders by the asset's hash)."""

    stack_name: str
    file: str
    document: dict[str, Any]
    base_dir: Path
    files: tuple[str, ...] = field(default=())  # every file read, for reload


def read_stacks(path: str) -> list[StackSource]:
    """The stacks ``path`` holds: one for a template file, every stack of a cloud assembly."""
    target = Path(path)
    if target.is_dir():
        if (target / "manifest.json").is_file():
            return _cloud_assembly(target)
        for name in TEMPLATE_NAMES:
            if (target / name).is_file():
                return read_stacks(str(target / name))
        raise TemplateError(
            path, "a folder given to --template needs a manifest.json (cdk.out) or template.yaml"
        )
    if not target.is_file():
        raise TemplateError(path, "no such file or folder")
    document = read_document(target)
    return [
        StackSource(
            default_stack_name(target), str(target), document, target.parent.resolve(), (str(target),)
        )
    ]


def default_stack_name(template: Path) -> str:
    """A template file's stack name: its project folder's name (``sam init`` names the folder after
    the application), as a valid CloudFormation stack name."""
    folder = template.resolve().parent.name
    name = _STACK_NAME.sub("-", folder).strip("-")
    if not name or not name[0].isalpha():
        name = f"stack-{name}" if name else "stack"
    return name[:128]


def read_document(path: Path) -> dict[str, Any]:
    """A template document (JSON or YAML) as plain dicts and lists."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(str(path), f"cannot be read: {error}")
    document = parse_text(text, str(path))
    if not isinstance(document, dict):
        raise TemplateError(str(path), "a template must be a JSON or YAML object")
    return document


def parse_text(text: str, file: str) -> Any:
    """JSON when it is JSON, else CloudFormation YAML."""
    if text.lstrip().startswith("{") or file.endswith(".json"):
        try:
            return json.loads(text)
        except ValueError as error:
            if file.endswith(".json"):
                raise TemplateError(file, f"is not valid JSON: {error}")
    return _load_yaml(text, file)


def _load_yaml(text: str, file: str) -> Any:
    import yaml

    loader = _loader_class()
    try:
        return _plain(yaml.load(text, Loader=loader))  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise TemplateError(file, f"is not valid YAML: {error}")


_LOADER: Any = None


def _loader_class() -> Any:
    global _LOADER
    if _LOADER is None:
        from cfn_tools.yaml_loader import CfnYamlLoader

        class TemplateLoader(CfnYamlLoader):  # type: ignore[misc,valid-type]
            """CloudFormation's YAML: short-form tags; dates stay text."""

        TemplateLoader.add_constructor(
            "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
        )
        TemplateLoader.add_constructor("tag:yaml.org,2002:map", _mapping_with_text_keys)
        _LOADER = TemplateLoader
    return _LOADER


def _mapping_with_text_keys(loader: Any, node: Any) -> dict[Any, Any]:
    """A mapping whose plain keys stay the text written (``ON:`` is the key "ON", not True)."""
    import yaml

    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:str":
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _cloud_assembly(folder: Path) -> list[StackSource]:
    """Every ``aws:cloudformation:stack`` artifact of a CDK cloud assembly (nested assemblies of
    CDK Stages included), in the manifest's order."""
    manifest_file = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TemplateError(str(manifest_file), f"cannot be read as a cloud assembly manifest: {error}")
    stacks: list[StackSource] = []
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        kind = artifact.get("type")
        properties = artifact.get("properties") or {}
        if kind == "cdk:cloud-assembly":
            nested = folder / str(properties.get("directoryName", ""))
            if (nested / "manifest.json").is_file():
                stacks.extend(_cloud_assembly(nested))
            continue
        if kind != "aws:cloudformation:stack":
            continue
        template_file = folder / str(properties.get("templateFile", f"{artifact_id}.template.json"))
        if not template_file.is_file():
            raise TemplateError(
                str(manifest_file), f"stack {artifact_id}: template {template_file.name} is missing"
            )
        stack_name = str(properties.get("stackName") or artifact.get("displayName") or artifact_id)
        document = read_document(template_file)
        stacks.append(
            StackSource(
                stack_name,
                str(template_file),
                document,
                folder.resolve(),
                (str(manifest_file), str(template_file)),
            )
        )
    if not stacks:
        raise TemplateError(str(manifest_file), "the cloud assembly has no CloudFormation stack")
    return stacks
