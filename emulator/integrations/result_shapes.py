"""Checks a mocked Task result against the output shape of the API behind the Task's resource.

TestState's ``mock.fieldValidationMode`` (AWS: "validating mocked results against their respective
API models"):

* ``STRICT`` (the default): every required member is present and every present member has the
  model's type;
* ``PRESENT``: every present member has the model's type;
* ``NONE``: nothing is checked.

Members the model does not know are accepted in every mode (AWS answers a mocked ``events:putEvents``
of ``{"random": "json"}`` with SUCCEEDED). A null member counts as absent. Only request-response
resources with a modelled API are checked: optimized integrations (``arn:aws:states:::sqs:sendMessage``
→ botocore's ``sqs`` ``SendMessage``) and ``aws-sdk:<service>:<action>``. ``.sync`` and
``.waitForTaskToken`` results (a job description, a worker's answer), Lambda function ARNs, activities
and HTTP Tasks are not checked. Blob members (Lambda's ``Payload``) take any JSON value, timestamps a
string or a number.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from emulator.integrations.aws_sdk import botocore_service
from emulator.language.states.task_state import REQUEST_RESPONSE, TaskResource
from emulator.model.types import Json

STRICT = "STRICT"
PRESENT = "PRESENT"
NONE = "NONE"
VALIDATION_MODES = (STRICT, PRESENT, NONE)

# Optimized integrations whose ARN service segment is not botocore's service name.
_OPTIMIZED_SERVICES = {
    "states": "stepfunctions",
    "elasticmapreduce": "emr",
    "bedrock": "bedrock-runtime",
}

_EXPECTED = {
    "structure": "an object",
    "map": "an object",
    "list": "an array",
    "string": "a string",
    "character": "a string",
    "integer": "an integer",
    "long": "an integer",
    "short": "an integer",
    "byte": "an integer",
    "float": "a number",
    "double": "a number",
    "bigdecimal": "a number",
    "biginteger": "an integer",
    "boolean": "a boolean",
    "timestamp": "a timestamp (a string or a number)",
}


@dataclass(frozen=True, slots=True)
class ResultShape:
    """The output shape of the operation behind a Task resource; ``api`` names it (``SQS SendMessage``)."""

    api: str
    shape: Any  # botocore.model.Shape


def result_shape_for(resource: TaskResource) -> ResultShape | None:
    """The output shape a mocked result of ``resource`` is checked against, or None (not checked)."""
    if resource.kind != "service" or resource.pattern != REQUEST_RESPONSE:
        return None
    if resource.resource_type.startswith("aws-sdk:"):
        service = botocore_service(resource.resource_type.removeprefix("aws-sdk:"))
    else:
        service = _OPTIMIZED_SERVICES.get(resource.resource_type, resource.resource_type)
    model = service_model(service)
    if model is None:
        return None
    wanted = resource.action.lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            operation = model.operation_model(name)
            if operation.output_shape is None:
                return None
            label = model.metadata.get("serviceId") or service
            return ResultShape(f"{label} {name}", operation.output_shape)
    return None


@functools.lru_cache(maxsize=64)
def service_model(service: str) -> Any:
    """botocore's model of ``service`` (None when botocore does not know it), loaded once."""
    from botocore.exceptions import UnknownServiceError

    try:
        return _session().get_service_model(service)
    except UnknownServiceError:
        return None


@functools.lru_cache(maxsize=1)
def _session() -> Any:  # one botocore session for model reads
    import botocore.session

    return botocore.session.get_session()


def result_mismatch(value: Json, shape: Any, mode: str) -> str | None:
    """What makes ``value`` not conform to ``shape`` in ``mode`` (a sentence naming the field), or None."""
    if mode == NONE:
        return None
    return _mismatch(value, shape, mode == STRICT, "")


def _mismatch(value: Json, shape: Any, strict: bool, path: str) -> str | None:
    kind = shape.type_name
    if kind == "blob":
        return None
    if not _has_type(value, kind):
        where = f"field '{path}'" if path else "the mocked result"
        return f"{where} must be {_EXPECTED.get(kind, 'a ' + kind)}"
    if kind == "structure":
        assert isinstance(value, dict)
        members = {name.lower(): name for name in shape.members}
        present = set()
        for key, item in value.items():
            name = members.get(str(key).lower())
            if name is None or item is None:
                continue  # unknown members are accepted; null is absent
            present.add(name)
            found = _mismatch(item, shape.members[name], strict, _join(path, str(key)))
            if found is not None:
                return found
        if strict:
            for name in shape.required_members:
                if name not in present:
                    # named as Step Functions results name members (PascalCase)
                    return f"required field '{_join(path, name[:1].upper() + name[1:])}' is missing"
        return None
    if kind == "list":
        assert isinstance(value, list)
        for index, item in enumerate(value):
            if item is None:
                continue
            found = _mismatch(item, shape.member, strict, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if kind == "map":
        assert isinstance(value, dict)
        for key, item in value.items():
            if item is None:
                continue
            found = _mismatch(item, shape.value, strict, _join(path, str(key)))
            if found is not None:
                return found
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _has_type(value: Json, kind: str) -> bool:
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind in ("string", "character"):
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind in ("integer", "long", "short", "byte", "biginteger"):
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind in ("float", "double", "bigdecimal"):
        return isinstance(value, int | float)
    if kind == "timestamp":
        return isinstance(value, str | int | float)
    return True
