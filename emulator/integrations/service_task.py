"""What every optimized service integration shares: an action table, the call through the client
seam, AWS's SDK HTTP metadata in outputs, and the SDK-v1 style error names and cause texts.

An optimized integration (``arn:aws:states:::sqs:sendMessage``) is a table of ``Action`` rows; a
module per service builds its ``OptimizedIntegration`` from its table (see ``sqs.py``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from emulator.integrations import service_rules
from emulator.integrations.clients import AwsClients, ServiceError, ServiceResponse, json_safe
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.request_validation import check_call
from emulator.language.errors import StatesError
from emulator.model.types import Json

JSON_1_0 = "application/x-amz-json-1.0"
XML = "text/xml"


@dataclass(frozen=True, slots=True)
class ServiceLabels:
    """How AWS names a service in an optimized integration's errors (the AWS SDK for Java v1)."""

    error_prefix: str  # "SQS" in "SQS.AmazonSQSException"
    service_name: str  # "AmazonSQS" in the cause's "(Service: AmazonSQS; …)"
    base_exception: str  # the exception for error codes the service model does not name


Shaper = Callable[[dict[str, Any]], dict[str, Any]]
Normaliser = Callable[[ServiceResponse], Json]


@dataclass(frozen=True, slots=True)
class Action:
    """One supported action: botocore's operation, request shaping and response normalisation."""

    operation: str
    parameters: tuple[str, ...]
    shape: Shaper | None = None
    normalise: Normaliser | None = None
    patterns: frozenset[str] = field(default_factory=lambda: frozenset({"", "waitForTaskToken"}))


class OptimizedIntegration:
    """Runs the actions of one service's optimized integration through the client seam."""

    def __init__(
        self, clients: AwsClients, service: str, labels: ServiceLabels, actions: Mapping[str, Action]
    ):
        self.clients = clients
        self.service = service
        self.labels = labels
        self.actions = actions
        self._model: Any = None

    async def refused(self, operation: str, request: dict[str, Any]) -> ServiceError | None:
        """What the service answers to a request it refuses (request_validation.py), or ``None``."""
        if self._model is None:
            self._model = await self.clients.service_model(self.service)
        return check_call(self._model, self.service, operation, request)

    async def invoke(self, invocation: TaskInvocation) -> Json:
        action = self.actions.get(invocation.resource.action)
        if action is None:
            raise StatesError(
                "States.Runtime",
                f"The resource '{invocation.resource.arn}' is not supported by this emulator.",
            )
        parameters = dict(invocation.parameters) if isinstance(invocation.parameters, dict) else {}
        request = action.shape(parameters) if action.shape is not None else parameters
        refused = service_rules.refused(self.service, action.operation, request) or await self.refused(
            action.operation, request
        )
        if refused is not None:
            raise self.failure(refused)
        try:
            response = await self.clients.call(
                self.service,
                action.operation,
                request,
                account=invocation.account,
                region=invocation.resource.region or invocation.region,
            )
        except ServiceError as error:
            raise self.failure(service_rules.corrected(self.service, action.operation, error)) from None
        service_rules.corrected_output(self.service, action.operation, request, response.output)
        if action.normalise is not None:
            return action.normalise(response)
        return json_safe(response.output)

    def failure(self, error: ServiceError) -> StatesError:
        return optimized_failure(self.labels, error)


def optimized_failure(labels: ServiceLabels, error: ServiceError) -> StatesError:
    """``<Prefix>.<Exception>`` with the SDK v1 cause text AWS records."""
    if not error.reachable:
        return StatesError(f"{labels.error_prefix}.SdkClientException", error.message)
    exception = error.error_shape or labels.base_exception
    if not exception.endswith("Exception"):
        exception += "Exception"
    cause = (
        f"{error.message} (Service: {labels.service_name}; Status Code: {error.status}; "
        f"Error Code: {error.code}; Request ID: {error.request_id or uuid.uuid4()}; Proxy: null)"
    )
    return StatesError(f"{labels.error_prefix}.{exception}", cause)


def unusable_parameters(parameters: Json, problem: str) -> StatesError:
    """Parameters Step Functions cannot start the task with (checked before it is scheduled):
    ``States.Runtime`` "The Parameters '<parameters>' could not be used to start the Task:
    [<problem>]" (the executor puts "An error occurred while executing the state …" before it)."""
    from emulator.model.jsontext import to_json_text

    return StatesError(
        "States.Runtime",
        f"The Parameters '{to_json_text(parameters)}' could not be used to start the Task: [{problem}]",
    )


def type_problem(
    parameters: Mapping[str, Any],
    strings: tuple[str, ...] = (),
    objects: tuple[str, ...] = (),
    booleans: tuple[str, ...] = (),
) -> str | None:
    """ "The value of the field '<field>' has an invalid format" for the first documented field holding a
    value of another JSON type (AWS's text for an apigateway:invoke QueryParameters string)."""
    kinds: tuple[tuple[tuple[str, ...], type | tuple[type, ...]], ...] = (
        (strings, str),
        (objects, dict),
        (booleans, bool),
    )
    for names, kind in kinds:
        for name in names:
            value = parameters.get(name)
            if value is not None and not isinstance(value, kind):
                return f"The value of the field '{name}' has an invalid format"
    return None


def validation_error(service: str, message: str) -> ServiceError:
    """A request the service rejects before touching any resource (AWS's ``ValidationException``)."""
    return ServiceError(service, "ValidationException", message, 400, str(uuid.uuid4()))


def binary_values_decoded(attributes: Any) -> Any:
    """MessageAttributes as Step Functions sends them: a ``BinaryValue`` given as (base64) text is the
    bytes it encodes (the SDK reads a JSON string for a blob as base64)."""
    if not isinstance(attributes, dict):
        return attributes
    from emulator.integrations.moto_fixes import binary_attributes_as_bytes

    return binary_attributes_as_bytes(attributes)


def json_text(value: Any) -> Any:
    """Step Functions sends a non-string message/body/detail as its compact JSON text."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def with_http_metadata(
    output: dict[str, Any],
    content_type: str,
    content_length: int,
    extra_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Add the ``SdkHttpMetadata`` / ``SdkResponseMetadata`` an optimized integration's output carries."""
    request_id = str(uuid.uuid4())
    headers = {
        "Content-Length": str(content_length),
        "Content-Type": content_type,
        "Date": formatdate(usegmt=True),
        "connection": "keep-alive",
        "x-amzn-RequestId": request_id,
        **(extra_headers or {}),
    }
    result = dict(output)
    result["SdkHttpMetadata"] = {
        "AllHttpHeaders": {name: [value] for name, value in headers.items()},
        "HttpHeaders": headers,
        "HttpStatusCode": 200,
    }
    result["SdkResponseMetadata"] = {"RequestId": request_id}
    return result


def compact_length(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace"))
