"""Amazon SQS optimized integration (``arn:aws:states:::sqs:sendMessage[.waitForTaskToken]``).

| action      | parameters                                                                        |
|-------------|-----------------------------------------------------------------------------------|
| sendMessage | QueueUrl, MessageBody, DelaySeconds, MessageAttributes, MessageDeduplicationId,   |
|             | MessageGroupId (the supported parameters of "Send messages to Amazon SQS",        |
|             | https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html)            |

Patterns: request-response, ``.waitForTaskToken``. A non-string ``MessageBody`` is sent as its JSON
text. The output is SendMessage's (MD5OfMessageBody, MessageId …) plus the SDK HTTP metadata; a queue
URL whose host does not resolve fails with ``SQS.SdkClientException`` as on AWS.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any
from urllib.parse import urlsplit

from emulator.integrations.clients import AwsClients, ServiceError, ServiceResponse, json_safe
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import (
    JSON_1_0,
    Action,
    OptimizedIntegration,
    ServiceLabels,
    binary_values_decoded,
    compact_length,
    json_text,
    with_http_metadata,
)
from emulator.model.types import Json

LABELS = ServiceLabels("SQS", "AmazonSQS", "AmazonSQSException")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def _shape_send_message(parameters: dict[str, Any]) -> dict[str, Any]:
    if "MessageBody" in parameters:
        parameters["MessageBody"] = json_text(parameters["MessageBody"])
    if "MessageAttributes" in parameters:
        parameters["MessageAttributes"] = binary_values_decoded(parameters["MessageAttributes"])
    return parameters


def _normalise(response: ServiceResponse) -> Json:
    output = json_safe(response.output)
    assert isinstance(output, dict)
    return with_http_metadata(output, JSON_1_0, compact_length(output))


ACTIONS = {
    "sendMessage": Action(
        "SendMessage",
        (
            "QueueUrl",
            "MessageBody",
            "DelaySeconds",
            "MessageAttributes",
            "MessageDeduplicationId",
            "MessageGroupId",
        ),
        _shape_send_message,
        _normalise,
    ),
}


class SqsIntegration(OptimizedIntegration):
    def __init__(self, clients: AwsClients) -> None:
        super().__init__(clients, "sqs", LABELS, ACTIONS)

    async def invoke(self, invocation: TaskInvocation) -> Json:
        parameters = invocation.parameters
        queue_url = parameters.get("QueueUrl") if isinstance(parameters, dict) else None
        if isinstance(queue_url, str):
            await self._check_host(queue_url)
        return await super().invoke(invocation)

    async def _check_host(self, url: str) -> None:
        """AWS's SDK resolves the queue URL's host first; an unknown host never reaches SQS."""
        host = urlsplit(url).hostname
        if not host or host in _LOCAL_HOSTS or host.endswith("amazonaws.com"):
            return
        try:
            if "." not in host:  # a bare name outside any domain: not resolvable from AWS's network
                raise socket.gaierror(host)
            await asyncio.get_running_loop().getaddrinfo(host, None)
        except (socket.gaierror, UnicodeError):
            raise self.failure(
                ServiceError(
                    "sqs",
                    "SdkClientException",
                    f"Unable to execute HTTP request: {host}: Name or service not known",
                    0,
                    reachable=False,
                )
            ) from None
