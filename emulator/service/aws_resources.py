"""Calls to the other AWS services (queues, topics, tables, buckets, event buses and rules, log
groups, roles) for the rooms that create resources in them: a template load creates its SQS queues
and DynamoDB tables here, in the same in-process backends (or configured endpoints) the state
machines' tasks and the SDK clients pointed at the emulator use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.service.environment import RequestContext, ServiceEnvironment


class AwsCallFailed(Exception):
    """The service answered with an error: its code (``ResourceInUseException`` …) and message."""

    def __init__(self, service: str, code: str, message: str) -> None:
        super().__init__(f"{service} {code}: {message}")
        self.service = service
        self.code = code
        self.message = message


async def call_aws(
    env: ServiceEnvironment,
    context: RequestContext,
    service: str,
    operation: str,
    request: Mapping[str, Any],
) -> dict[str, Any]:
    """Call ``operation`` (botocore's name: ``CreateQueue``) of ``service`` (``sqs``) in the caller's
    account and region; the parsed output, or ``AwsCallFailed``."""
    from emulator.integrations.clients import ServiceError

    clients = env.aws_clients
    if clients is None:
        raise AwsCallFailed(service, "ServiceUnavailable", "no AWS backends are configured")
    try:
        response = await clients.call(
            service, operation, request, account=context.account, region=context.region
        )
    except ServiceError as error:
        raise AwsCallFailed(service, error.code, error.message) from None
    return dict(response.output)


def endpoint_of(env: ServiceEnvironment, service: str) -> str | None:
    """The endpoint ``service`` is called at, or None for the in-process backends."""
    clients = env.aws_clients
    return None if clients is None else clients.endpoint_for(service)


def in_process_queue_url(env: ServiceEnvironment, context: RequestContext, name: str) -> str:
    """The URL the in-process SQS backend gives queue ``name`` (it answers on the emulator's own
    address), known before the queue is created."""
    clients = env.aws_clients
    base = clients.self_url if clients is not None else "http://127.0.0.1"
    return f"{base}/{context.account}/{name}"
