"""Amazon EventBridge optimized integration (``arn:aws:states:::events:putEvents[.waitForTaskToken]``).

| action    | parameters                                                                          |
|-----------|-------------------------------------------------------------------------------------|
| putEvents | Entries (Detail, DetailType, Source, EventBusName, Resources, Time, TraceHeader)   |

Patterns: request-response, ``.waitForTaskToken``. A non-string ``Detail`` is sent as its JSON text;
a ``Detail`` that is not a JSON object is AWS's ``MalformedDetail`` entry. When any entry fails the
task fails with ``EventBridge.FailedEntry`` and PutEvents' answer as the cause; otherwise the output is
``{"Entries": […], "FailedEntryCount": 0}``.

"Add EventBridge events with Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html): "The execution ARN and
the state machine ARN are automatically appended to the ``Resources`` field of each
``PutEventsRequestEntry``" (in that order the events reach a rule's targets: state machine, execution;
after the entry's own resources).

PutEvents judges every entry apart ("Sending events with PutEvents",
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevents.html: "if an individual entry
within a request fails, EventBridge continues processing the rest of the entries"; the answer has as
many entries as the request, in order). The in-process backend refuses the whole request when one
entry names an event bus that does not exist (after delivering the entries before it); here the event
buses the entries name are looked up first, and an entry whose bus does not exist alone fails, with the
service's ``ResourceNotFoundException`` and message; the others are sent.
"""

from __future__ import annotations

import json
from typing import Any, cast

from emulator.integrations.clients import AwsClients, ServiceError
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
        appended = _execution_resources(invocation)
        shaped = [_shaped(entry, appended) for entry in entries]
        sendable = [e for e in shaped if not _malformed(e)]
        answered: list[Any] = []
        if sendable:
            answered = await self._put(invocation, parameters, sendable)
        results: list[Json] = []
        for entry in shaped:
            results.append(dict(_MALFORMED) if _malformed(entry) else (answered.pop(0) if answered else {}))
        failed = sum(1 for r in results if isinstance(r, dict) and "ErrorCode" in r)
        output: dict[str, Json] = {"Entries": results, "FailedEntryCount": failed}
        if failed:
            raise StatesError("EventBridge.FailedEntry", json.dumps(output, separators=(",", ":")))
        return output

    async def _put(
        self, invocation: TaskInvocation, parameters: dict[str, Any], entries: list[Any]
    ) -> list[Any]:
        """PutEvents' result entries for ``entries``, one per entry, in order."""
        missing = await self._missing_buses(invocation, entries)
        sendable = [e for e in entries if _bus(e) not in missing]
        answered: list[Any] = []
        if sendable:
            sent = await super().invoke(_with_parameters(invocation, dict(parameters, Entries=sendable)))
            # PutEvents answers ``Entries`` as an array (the API model).
            answered = list(cast("list[Json]", sent.get("Entries", []))) if isinstance(sent, dict) else []
        return [
            missing[_bus(e)] if _bus(e) in missing else (answered.pop(0) if answered else {}) for e in entries
        ]

    async def _missing_buses(self, invocation: TaskInvocation, entries: list[Any]) -> dict[str, Json]:
        """The result entry for each event bus named by an entry that does not exist."""
        missing: dict[str, Json] = {}
        for name in {_bus(e) for e in entries} - {"", "default"}:
            try:
                await self.clients.call(
                    "events",
                    "DescribeEventBus",
                    {"Name": name},
                    account=invocation.account,
                    region=invocation.resource.region or invocation.region,
                )
            except ServiceError as error:
                if error.code == "ResourceNotFoundException":
                    missing[name] = {"ErrorCode": error.code, "ErrorMessage": error.message}
        return missing


def _bus(entry: Any) -> str:
    name = entry.get("EventBusName") if isinstance(entry, dict) else None
    return name if isinstance(name, str) else ""


def _execution_resources(invocation: TaskInvocation) -> list[str]:
    """The state machine's and the execution's ARNs, from the context object."""
    found: list[str] = []
    for key in ("StateMachine", "Execution"):
        part = invocation.context.get(key)
        arn = part.get("Id") if isinstance(part, dict) else None
        if isinstance(arn, str) and arn:
            found.append(arn)
    return found


def _shaped(entry: Any, appended: list[str]) -> Any:
    """An entry as Step Functions sends it: Detail as JSON text, its Resources followed by the
    state machine's and the execution's ARNs."""
    if not isinstance(entry, dict):
        return entry
    shaped = dict(entry)
    if "Detail" in shaped:
        shaped["Detail"] = json_text(shaped["Detail"])
    if appended:
        own = shaped.get("Resources")
        shaped["Resources"] = [*(own if isinstance(own, list) else []), *appended]
    return shaped


def _with_parameters(invocation: TaskInvocation, parameters: dict[str, Any]) -> TaskInvocation:
    from dataclasses import replace

    return replace(invocation, parameters=parameters)
