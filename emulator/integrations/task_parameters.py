"""What CreateStateMachine checks of a service integration Task beyond the language: the resource names
an action the service has and a pattern the integration supports, and the Task's parameters are the
API's.

* "Passing parameters to a service API in Step Functions"
  (https://docs.aws.amazon.com/step-functions/latest/dg/connect-parameters.html): a field the API does
  not take is refused at creation, ``The field "Filter" is not supported by Step Functions``
  (``SCHEMA_VALIDATION_FAILED`` at the ``Parameters`` / ``Arguments`` field).
* "Integrating optimized services" / "AWS SDK service integrations"
  (https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html,
  https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html): an AWS SDK
  integration supports Request Response and ``.waitForTaskToken``, never ``.sync``; its action is one
  of the service's API actions. A resource outside these is "not recognized" at ``Resource``.

The API's members come from botocore's model of the operation (compared without regard to case:
Step Functions names members in PascalCase whatever the API's casing; ``EqualsValue`` stands for
``Equals``). A service or action botocore does not know is accepted as it is (we would rather run a
definition AWS rejects than reject one AWS runs); so are fields whose values are computed
(a JSONata ``Arguments`` string) and the integrations Step Functions defines itself, whose fields are
listed here (``apigateway:invoke``, ``http:invoke``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from emulator.integrations.apigateway_http import PARAMETERS as APIGATEWAY_PARAMETERS
from emulator.integrations.http import PARAMETERS as HTTP_PARAMETERS
from emulator.language.validate.diagnostics import ERROR, Diagnostic
from emulator.model.types import Json, JsonObject

SCHEMA = "SCHEMA_VALIDATION_FAILED"
_SERVICE_PREFIX = "arn:aws:states:::"
_PATTERNS = (".sync:2", ".sync", ".waitForTaskToken")

# Integrations Step Functions defines itself: their fields ("Call API Gateway", "Call HTTPS APIs").
_OWN_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    ("apigateway", "invoke"): frozenset(APIGATEWAY_PARAMETERS),
    ("lambda", "invoke"): frozenset(
        {"FunctionName", "Payload", "Qualifier", "InvocationType", "ClientContext", "LogType"}
    ),
    ("http", "invoke"): frozenset(HTTP_PARAMETERS),
}
# Optimized integrations whose ARN service segment is not botocore's service name.
_OPTIMIZED_SERVICES = {
    "states": "stepfunctions",
    "elasticmapreduce": "emr",
    "bedrock": "bedrock-runtime",
}
# Optimized integrations whose fields are the API's own (botocore's model of the operation); the others
# add fields of their own (Bedrock InvokeModel's Input / Output in S3 …) and are not judged here.
_MODEL_FIELDS = {"states", "ecs", "batch", "glue", "codebuild"}
# The optimized integrations ("Integrating optimized services with Step Functions",
# https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html), by the service
# segment of their resource ARN; any other service segment is not a resource Step Functions knows.
OPTIMIZED_SERVICES = frozenset(
    {
        "apigateway",
        "athena",
        "batch",
        "bedrock",
        "codebuild",
        "databrew",
        "dynamodb",
        "ecs",
        "eks",
        "elasticmapreduce",
        "emr-containers",
        "emr-serverless",
        "events",
        "glue",
        "http",
        "lambda",
        "mediaconvert",
        "s3",
        "sagemaker",
        "sns",
        "sqs",
        "states",
    }
)


def integration_diagnostics(document: Json) -> list[Diagnostic]:
    """The diagnostics of every service integration Task of a definition (nested machines included)."""
    if not isinstance(document, dict):
        return []
    found: list[Diagnostic] = []
    for state, location in _tasks(document, "/"):
        found.extend(state_diagnostics(state, location))
    return found


def state_diagnostics(state: JsonObject, location: str) -> list[Diagnostic]:
    """The diagnostics of one state (TestState's lone state): none unless it is a service
    integration Task."""
    resource = state.get("Resource")
    if (
        state.get("Type") != "Task"
        or not isinstance(resource, str)
        or not resource.startswith(_SERVICE_PREFIX)
    ):
        return []
    return _task_diagnostics(resource, state, location)


def _tasks(machine: JsonObject, location: str) -> Iterator[tuple[JsonObject, str]]:
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    prefix = "/States" if location in ("", "/") else f"{location}/States"
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        state_location = f"{prefix}/{name}"
        if state.get("Type") == "Task":
            yield state, state_location
        branches = state.get("Branches")
        for index, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                yield from _tasks(branch, f"{state_location}/Branches[{index}]")
        for field in ("ItemProcessor", "Iterator"):
            processor = state.get(field)
            if isinstance(processor, dict):
                yield from _tasks(processor, f"{state_location}/{field}")


def unsupported_field(resource: str, parameters: Json) -> str | None:
    """The first top-level field of a service Task's evaluated parameters the API does not take (None:
    every field is one). CreateStateMachine judges the fields it can see; a JSONata ``Arguments``
    expression shows its fields only when it is evaluated, and the task is then refused the same way,
    before it is scheduled."""
    if not isinstance(parameters, dict) or not resource.startswith(_SERVICE_PREFIX):
        return None
    return _unsupported_field(resource, tuple(str(key) for key in parameters))


@functools.lru_cache(maxsize=1024)
def _unsupported_field(resource: str, fields: tuple[str, ...]) -> str | None:
    found = _task_diagnostics(resource, {"Parameters": dict.fromkeys(fields)}, "")
    for diagnostic in found:
        match = _FIELD.match(diagnostic.message)
        if match is not None:
            return match.group(1)
    return None


_FIELD = re.compile(r'^The field "(.*)" is not supported by Step Functions$', re.DOTALL)


def _not_recognized(resource: str, location: str) -> Diagnostic:
    return Diagnostic(
        ERROR,
        SCHEMA,
        f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, or "
        "the resource is not available in this region.",
        f"{location}/Resource",
    )


def _task_diagnostics(resource: str, state: JsonObject, location: str) -> list[Diagnostic]:
    rest = resource[len(_SERVICE_PREFIX) :]
    pattern = next((p for p in _PATTERNS if rest.endswith(p)), "")
    rest = rest[: len(rest) - len(pattern)] if pattern else rest
    service, _, action = rest.partition(":")
    sdk = service == "aws-sdk"
    if sdk:
        service, _, action = action.partition(":")
    if not sdk and service not in OPTIMIZED_SERVICES:
        return [_not_recognized(resource, location)]
    if not service or not action:
        return [_not_recognized(resource, location)]
    if ":" in action:
        return []
    if sdk and pattern in (".sync", ".sync:2"):
        return [_not_recognized(resource, location)]
    fields = _own_fields(service, action, sdk)
    if fields is None:
        model = _model(service, sdk)
        if model is None:
            return []
        from emulator.integrations.aws_sdk import find_operation

        operation = find_operation(model, action)
        if operation is None:
            return [_not_recognized(resource, location)] if sdk else []
        shape = operation.input_shape
        fields = frozenset(shape.members) if shape is not None else frozenset()
    return _field_diagnostics(state, fields, location)


def _own_fields(service: str, action: str, sdk: bool) -> frozenset[str] | None:
    """The fields an optimized integration documents for an action (its module's table), where it
    documents fewer than the API takes (SQS SendMessage without MessageSystemAttributes …)."""
    if sdk:
        return None
    own = _OWN_FIELDS.get((service, action))
    if own is not None:
        return own
    tables = _action_tables()
    actions = tables.get(service)
    if actions is None:
        return None
    found = actions.get(action)
    return frozenset(found.parameters) if found is not None else None


def _action_tables() -> dict[str, Any]:
    from emulator.integrations import dynamodb, eventbridge, sns, sqs

    return {
        "sqs": sqs.ACTIONS,
        "sns": sns.ACTIONS,
        "dynamodb": dynamodb.ACTIONS,
        "events": eventbridge.ACTIONS,
    }


def _field_diagnostics(state: JsonObject, fields: frozenset[str], location: str) -> list[Diagnostic]:
    known = {name.lower() for name in fields}
    if "equals" in known:
        known.add("equalsvalue")  # "API fields for equals ... are referred to as EqualsValue"
    found = []
    for key in ("Parameters", "Arguments"):
        given = state.get(key)
        if not isinstance(given, dict):
            continue
        for name in given:
            field = name[:-2] if name.endswith(".$") else name
            if field.lower() not in known:
                found.append(
                    Diagnostic(
                        ERROR,
                        SCHEMA,
                        f'The field "{field}" is not supported by Step Functions',
                        f"{location}/{key}",
                    )
                )
    return found


def _model(service: str, sdk: bool) -> Any:
    from emulator.integrations.aws_sdk import botocore_service
    from emulator.integrations.result_shapes import service_model

    if not sdk and service not in _MODEL_FIELDS:
        return None
    name = botocore_service(service) if sdk else _OPTIMIZED_SERVICES.get(service, service)
    return service_model(name)
