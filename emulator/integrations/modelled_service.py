"""What the optimized integrations over a botocore-modelled API share (CodeBuild, ECS, Batch, Glue):
the call through the client seam with AWS's error naming, the cached service model, the member-name
mapping between Step Functions' PascalCase and the API's casing, and the ``.sync`` wait on a job's
reported status.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from emulator.integrations.clients import AwsClients, ServiceError, ServiceResponse
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.request_validation import check_call
from emulator.integrations.service_task import ServiceLabels, optimized_failure
from emulator.model.types import Json

Sleep = Callable[[float], Awaitable[None]]

FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 5.0


class ModelledServiceIntegration:
    """Base of an optimized integration whose requests and answers follow ``service``'s model."""

    service: ClassVar[str]
    labels: ClassVar[ServiceLabels]

    def __init__(self, clients: AwsClients, sleep: Sleep | None = None) -> None:
        self.clients = clients
        self.sleep = sleep  # None: nothing to wait with, a ``.sync`` job is reported as it stands
        self._model: Any = None

    async def call(
        self, operation: str, request: dict[str, Any], invocation: TaskInvocation
    ) -> ServiceResponse:
        """``operation`` in the task's account and region; failures as ``<Service>.<Code>``."""
        refused = check_call(await self.service_model(), self.service, operation, request)
        if refused is not None:
            raise optimized_failure(self.labels, refused)
        try:
            return await self.clients.call(
                self.service,
                operation,
                request,
                account=invocation.account,
                region=invocation.resource.region or invocation.region,
            )
        except ServiceError as error:
            raise optimized_failure(self.labels, error) from None

    async def service_model(self) -> Any:
        if self._model is None:
            self._model = await self.clients.service_model(self.service)
        return self._model

    async def wait_for(
        self,
        read: Callable[[], Awaitable[dict[str, Any]]],
        finished: Callable[[dict[str, Any]], bool],
        interval: float | None = None,
    ) -> dict[str, Any]:
        """Read a job's state until ``finished``: every ``interval`` seconds, or first after 50 ms
        and then at doubling intervals up to 5 s. No waiting at all without a ``sleep``."""
        pause = interval if interval is not None else FIRST_POLL_SECONDS
        while True:
            current = await read()
            if finished(current) or self.sleep is None:
                return current
            await self.sleep(pause)
            if interval is None:
                pause = min(pause * 2, MAX_POLL_SECONDS)


def to_model(value: Any, shape: Any) -> Any:
    """PascalCase parameters → the model's member names (``ProjectName`` → ``projectName``)."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = {name.lower(): name for name in shape.members}
        result = {}
        for key, item in value.items():
            name = members.get(str(key).lower(), key)
            result[name] = to_model(item, shape.members.get(name))
        return result
    if shape.type_name == "list" and isinstance(value, list):
        return [to_model(item, shape.member) for item in value]
    return value


def from_model(value: Any, shape: Any) -> Json:
    """botocore's answer → Step Functions' SDK v1 JSON: PascalCase members, epoch-millisecond times."""
    if isinstance(value, dt.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    kind = shape.type_name if shape is not None else None
    if isinstance(value, dict):
        if kind == "structure":
            return {pascal(k): from_model(v, shape.members.get(k)) for k, v in value.items()}
        inner = shape.value if kind == "map" else None
        return {str(k): from_model(v, inner) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_model(item, shape.member if kind == "list" else None) for item in value]
    return value  # type: ignore[no-any-return]


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def json_length(output: dict[str, Any]) -> int:
    """The byte length of an answer as JSON text (the Content-Length AWS reports for it)."""
    return len(json.dumps(output, separators=(",", ":"), default=str).encode())


def compact(value: Json) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
