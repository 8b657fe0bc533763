"""Corrections to the in-process backend where moto departs from AWS inside a delivery between two
services (no answer of ours passes through it, so the integration layer cannot correct it after).

| where                              | moto                                      | AWS                              |
|------------------------------------|-------------------------------------------|----------------------------------|
| SNS → SQS raw message delivery of  | hands SQS the attribute's base64 text;    | the queue's message carries the  |
| a ``Binary`` message attribute     | the queue's ReceiveMessage then fails     | attribute's bytes                |
| EventBridge rule → SQS target that | PutEvents fails (``QueueDoesNotExist``)   | PutEvents succeeds; delivery     |
| no longer exists                   |                                           | fails later, out of band         |
| the event a rule's target receives | no ``account``; ``id`` first              | the envelope's members in order  |

Pages: https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html,
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html (events not delivered to a
target are retried, then dropped or sent to a dead-letter queue, never reported to PutEvents),
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html.
``install`` wraps once per process (idempotent), when the in-process backend is first built.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
from typing import Any

_INSTALLED = False


def binary_attributes_as_bytes(attributes: dict[str, Any] | None) -> dict[str, Any] | None:
    """Message attributes whose ``BinaryValue`` is base64 text, with the bytes it stands for."""
    if not attributes:
        return attributes
    fixed = {}
    for name, value in attributes.items():
        binary = value.get("BinaryValue") if isinstance(value, dict) else None
        if isinstance(binary, str):
            try:
                value = {**value, "BinaryValue": base64.b64decode(binary, validate=True)}
            except (binascii.Error, ValueError):
                value = {**value, "BinaryValue": binary.encode()}
        fixed[name] = value
    return fixed


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.sqs.models import SQSBackend

    original = SQSBackend.send_message

    @functools.wraps(original)
    def send_message(self: Any, queue_name: str, message_body: str, *args: Any, **kwargs: Any) -> Any:
        if "message_attributes" in kwargs:
            kwargs["message_attributes"] = binary_attributes_as_bytes(kwargs["message_attributes"])
        elif args:
            args = (binary_attributes_as_bytes(args[0]), *args[1:])
        return original(self, queue_name, message_body, *args, **kwargs)

    SQSBackend.send_message = send_message  # type: ignore[method-assign]

    from moto.events.models import Rule
    from moto.sqs.exceptions import QueueDoesNotExist

    deliver = Rule._send_to_sqs_queue

    @functools.wraps(deliver)
    def send_to_sqs_queue(self: Any, *args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(QueueDoesNotExist):
            deliver(self, *args, **kwargs)

    Rule._send_to_sqs_queue = send_to_sqs_queue  # type: ignore[method-assign]

    from moto.events.utils import EventTemplateParser

    EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = EVENT_ENVELOPE_TEMPLATE
    _INSTALLED = True


# The event a rule's target receives ("Event structure reference",
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html): these members in
# this order, ``account`` included (moto's own template leaves it out and starts with ``id``).
EVENT_ENVELOPE_TEMPLATE = (
    '{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", '
    '"account": "<account>", "time": <time>, "region": "<region>", "resources": <resources>, '
    '"detail": <detail>}'
)
