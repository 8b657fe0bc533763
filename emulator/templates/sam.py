"""The SAM transform, through AWS's own library (``aws-sam-translator``, the transform behind
``sam deploy``), so Serverless resources, Globals, Policies and Events become exactly the
CloudFormation resources AWS would create.

``sam deploy`` first packages local paths into S3; we do the local equivalent before the
transform: a state machine's local ``DefinitionUri`` becomes its inline ``Definition`` (as
``sam package`` would upload it and the transform would read it back), a function's local
``CodeUri`` becomes an S3 location in a marker bucket whose key is the folder, read back by the
Lambda function resource (emulator/templates/resources/functions.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from emulator.templates.errors import TemplateError
from emulator.templates.reading import parse_text
from emulator.templates.resources.functions import LOCAL_CODE_BUCKET

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_RESOURCE_ID = re.compile(r"\[([A-Za-z0-9]+)\]")


LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"  # its Fn::Length / Fn::ToJsonString are supported


def transforms_of(document: dict[str, Any]) -> list[Any]:
    transform = document.get("Transform")
    if transform is None:
        return []
    return list(transform) if isinstance(transform, list) else [transform]


def is_sam(document: dict[str, Any]) -> bool:
    return SAM_TRANSFORM in transforms_of(document)


def check_transforms(document: dict[str, Any], file: str) -> None:
    """Macros run in AWS during deployment; only the SAM transform is applied here."""
    for name in transforms_of(document):
        if name not in (SAM_TRANSFORM, LANGUAGE_EXTENSIONS):
            shown = (
                name
                if isinstance(name, str)
                else str(name.get("Name", name))
                if isinstance(name, dict)
                else name
            )
            raise TemplateError(
                file,
                f"the transform {shown} is not supported (the emulator applies {SAM_TRANSFORM} only)",
                "Transform",
            )


def _local(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith("s3://")


def package_locally(document: dict[str, Any], file: str, base_dir: Path, files: set[str]) -> dict[str, Any]:
    """The document with local DefinitionUri / CodeUri paths replaced as described above."""
    resources = document.get("Resources") or {}
    globals_ = (document.get("Globals") or {}).get("Function") or {}
    if _local(globals_.get("CodeUri")):
        globals_["CodeUri"] = _code_location(file, "Globals", base_dir, globals_["CodeUri"])
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        properties = resource.get("Properties") or {}
        kind = resource.get("Type")
        if kind == "AWS::Serverless::StateMachine" and _local(properties.get("DefinitionUri")):
            path = _existing(file, logical_id, "DefinitionUri", base_dir, properties["DefinitionUri"])
            files.add(str(path))
            try:
                definition = parse_text(path.read_text(encoding="utf-8"), str(path))
            except (OSError, UnicodeDecodeError) as error:
                raise TemplateError(file, f"cannot read {path}: {error}", logical_id, "DefinitionUri")
            except TemplateError as error:
                raise TemplateError(file, error.message, logical_id, "DefinitionUri")
            if not isinstance(definition, dict):
                raise TemplateError(file, f"{path} is not a JSON or YAML object", logical_id, "DefinitionUri")
            del properties["DefinitionUri"]
            properties["Definition"] = definition
        elif kind == "AWS::Serverless::Function" and _local(properties.get("CodeUri")):
            properties["CodeUri"] = _code_location(file, logical_id, base_dir, properties["CodeUri"])
    return document


def _existing(file: str, logical_id: str, prop: str, base_dir: Path, value: str) -> Path:
    path = Path(value)
    path = path if path.is_absolute() else base_dir / path
    if not path.exists():
        raise TemplateError(file, f"'{value}' does not exist (looked for {path})", logical_id, prop)
    return path.resolve()


def _code_location(file: str, logical_id: str, base_dir: Path, value: str) -> dict[str, str]:
    path = _existing(file, logical_id, "CodeUri", base_dir, value)
    return {"Bucket": LOCAL_CODE_BUCKET, "Key": str(path)}


def transform(
    document: dict[str, Any], file: str, parameters: dict[str, Any], pseudo: dict[str, Any]
) -> dict[str, Any]:
    """The CloudFormation template the SAM transform makes of ``document``."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException, InvalidResourceException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    region = str(pseudo["AWS::Region"])
    values: dict[str, Any] = {
        name: ",".join(value) if isinstance(value, list) else value for name, value in parameters.items()
    }
    for name in ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::StackName", "AWS::URLSuffix"):
        values[name] = pseudo[name]
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    try:
        return dict(translator.translate(document, parameter_values=values, get_managed_policy_map=dict))
    except InvalidDocumentException as error:
        causes = list(error.causes)
        first = causes[0] if causes else error
        logical_id = ""
        if isinstance(first, InvalidResourceException):
            match = _RESOURCE_ID.search(first.message)
            logical_id = match.group(1) if match else ""
        messages = "; ".join(cause.message for cause in causes) or error.message
        raise TemplateError(file, f"the SAM transform refused the template: {messages}", logical_id)
