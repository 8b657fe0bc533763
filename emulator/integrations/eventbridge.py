"""Amazon EventBridge optimized integration (``arn:aws:states:::events:putEvents[.waitForTaskToken]``).

| action    | parameters                                                                          |
|-----------|-------------------------------------------------------------------------------------|
| putEvents | Entries (Detail, DetailType, Source, EventBusName, Resources, Time, TraceHeader)   |

Patterns: request-response, ``.waitForTaskToken``. A non-string ``Detail`` is sent as its JSON text;
a ``Detail`` that is not a JSON object is AWS's ``MalformedDetail`` entry. When any entry fails the
task fails with ``EventBridge.FailedEntry`` and PutEvents' answer as the cause; otherwise the output is
``{"Entries": […], "FailedEntryCount": 0}``.
"""

from __future__ import annotations

import json
from typing import Any, cast

from emulator.integrations.clients import AwsClients
from emulator.integrations.registry import TaskInvocation
from emulator.integrations.service_task import Action, OptimizedIntegration, ServiceLabels, json_text
from emulator.language.errors import StatesError
from emulator.model.types import Json

LABELS = ServiceLabels("EventBridge", "AmazonEventBridge", "AmazonEventBridgeException")
ACTIONS = {"putEvents": Action("PutEvents", ("Entries", "EndpointId"))}
_MALFORMED = {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}


def _malformed(entry: Any) -> bool:
    """A complete entry whose Detail is not a JSON object (incomplete ones are the service's to judge)."""
    if not isinstance(entry, dict) or not all(entry.get(k) is not None for k in ("Source", "DetailType")):
        return False
    detail = entry.get("Detail")
    if not isinstance(detail, str):
        return False
    try:
        return not isinstance(json.loads(detail), dict)
    except ValueError:
        return True


class EventBridgeIntegration(OptimizedIntegration):
    def __init__(self, clients: AwsClients) -> None:
        super().__init__(clients, "events", LABELS, ACTIONS)

    async def invoke(self, invocation: TaskInvocation) -> Json:
        parameters = dict(invocation.parameters) if isinstance(invocation.parameters, dict) else {}
        entries = parameters.get("Entries")
        if invocation.resource.action != "putEvents" or not isinstance(entries, list) or not entries:
            # no entries at all: EventBridge's own validation answers (Entries has a minimum length of 1)
            return await super().invoke(invocation)
        shaped = [
            dict(e, Detail=json_text(e["Detail"])) if isinstance(e, dict) and "Detail" in e else e
            for e in entries
        ]
        sendable = [e for e in shaped if not _malformed(e)]
        answered: list[Any] = []
        if sendable:
            sent = await super().invoke(_with_parameters(invocation, dict(parameters, Entries=sendable)))
            # PutEvents answers ``Entries`` as an array (the API model).
            answered = list(cast("list[Json]", sent.get("Entries", []))) if isinstance(sent, dict) else []
        results: list[Json] = []
        for entry in shaped:
            results.append(dict(_MALFORMED) if _malformed(entry) else (answered.pop(0) if answered else {}))
        failed = sum(1 for r in results if isinstance(r, dict) and "ErrorCode" in r)
        output: dict[str, Json] = {"Entries": results, "FailedEntryCount": failed}
        if failed:
            raise StatesError("EventBridge.FailedEntry", json.dumps(output, separators=(",", ":")))
        return output


def _with_parameters(invocation: TaskInvocation, parameters: dict[str, Any]) -> TaskInvocation:
    from dataclasses import replace

    return replace(invocation, parameters=parameters)
