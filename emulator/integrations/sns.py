"""Amazon SNS optimized integration (``arn:aws:states:::sns:publish[.waitForTaskToken]``).

| action  | parameters                                                                                |
|---------|-------------------------------------------------------------------------------------------|
| publish | TopicArn, TargetArn, PhoneNumber, Message, Subject, MessageStructure, MessageAttributes,  |
|         | MessageGroupId, MessageDeduplicationId                                                    |

Patterns: request-response, ``.waitForTaskToken``. A non-string ``Message`` is sent as its JSON text.
The output is Publish's (MessageId, SequenceNumber for FIFO topics) plus the SDK HTTP metadata of
SNS's XML answer.
"""

from __future__ import annotations

from typing import Any

from emulator.integrations.clients import AwsClients, ServiceError, ServiceResponse, json_safe
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import (
    XML,
    Action,
    OptimizedIntegration,
    ServiceLabels,
    binary_values_decoded,
    json_text,
    with_http_metadata,
)
from emulator.language.errors import StatesError
from emulator.model.types import Json

LABELS = ServiceLabels("SNS", "AmazonSNS", "AmazonSNSException")

# SNS's Publish answer; its length is the Content-Length AWS reports.
_PUBLISH_XML = (
    '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n  <PublishResult>\n'
    "    <MessageId>{message_id}</MessageId>\n{sequence}  </PublishResult>\n  <ResponseMetadata>\n"
    "    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n"
)
_UUID_LENGTH = 36


def _shape_publish(parameters: dict[str, Any]) -> dict[str, Any]:
    if "Message" in parameters:
        parameters["Message"] = json_text(parameters["Message"])
    if "MessageAttributes" in parameters:
        parameters["MessageAttributes"] = binary_values_decoded(parameters["MessageAttributes"])
    return parameters


def _normalise(response: ServiceResponse) -> Json:
    output = json_safe(response.output)
    assert isinstance(output, dict)
    sequence = output.get("SequenceNumber")
    body = _PUBLISH_XML.format(
        message_id=output.get("MessageId", ""),
        sequence=f"    <SequenceNumber>{sequence}</SequenceNumber>\n" if sequence else "",
        request_id="x" * _UUID_LENGTH,
    )
    return with_http_metadata(output, XML, len(body.encode("utf-8", "replace")))


ACTIONS = {
    "publish": Action(
        "Publish",
        (
            "TopicArn",
            "TargetArn",
            "PhoneNumber",
            "Message",
            "Subject",
            "MessageStructure",
            "MessageAttributes",
            "MessageGroupId",
            "MessageDeduplicationId",
        ),
        _shape_publish,
        _normalise,
    ),
}


class SnsIntegration(OptimizedIntegration):
    """Where the in-process backend departs from SNS's documented Publish, the answer is corrected
    here: a FIFO topic's message gets its ``SequenceNumber`` (increasing per topic, 20 digits as SNS
    sends it), and a FIFO publish without ``MessageGroupId`` is SNS's ``InvalidParameter``."""

    def __init__(self, clients: AwsClients) -> None:
        super().__init__(clients, "sns", LABELS, ACTIONS)
        self._sequences: dict[str, int] = {}

    async def invoke(self, invocation: TaskInvocation) -> Json:
        output = await super().invoke(invocation)
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        topic = parameters.get("TopicArn") or parameters.get("TargetArn")
        fifo = isinstance(topic, str) and topic.endswith(".fifo")
        if fifo and isinstance(output, dict) and "SequenceNumber" not in output:
            count = self._sequences[str(topic)] = self._sequences.get(str(topic), 0) + 1
            output = _with_sequence(output, f"{_FIRST_SEQUENCE + count * 1000}")
        return output

    def failure(self, error: ServiceError) -> StatesError:
        if error.code == "NotFound" and error.message == "Endpoint does not exist":
            error.message = "Topic does not exist"  # the backend's wording for a missing topic
        if error.code == "MissingParameter" and "MessageGroupId" in error.message:
            error.code = error.error_shape = "InvalidParameter"
            error.message = "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
        return super().failure(error)


_FIRST_SEQUENCE = 10_000_000_000_000_000_000


def _with_sequence(output: dict[str, Json], sequence: str) -> dict[str, Json]:
    """Publish's answer with ``SequenceNumber``; the Content-Length grows by its XML element."""
    added = len(f"    <SequenceNumber>{sequence}</SequenceNumber>\n")
    result = dict(output, SequenceNumber=sequence)
    metadata = output.get("SdkHttpMetadata")
    if isinstance(metadata, dict):
        headers = dict(metadata.get("HttpHeaders") or {})  # type: ignore[arg-type]
        length = str(int(str(headers.get("Content-Length", "0"))) + added)
        headers["Content-Length"] = length
        everything = dict(metadata.get("AllHttpHeaders") or {})  # type: ignore[arg-type]
        everything["Content-Length"] = [length]
        result["SdkHttpMetadata"] = dict(metadata, HttpHeaders=headers, AllHttpHeaders=everything)
    return result
