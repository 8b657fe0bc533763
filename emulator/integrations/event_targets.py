"""EventBridge rules that target a state machine, on the in-process EventBridge backend.

moto matches a put event against each rule's pattern (AWS's event-pattern rules) and delivers it to
the targets it knows (queues, log groups, buses); a Step Functions target is ours. ``install`` wraps
moto's per-rule delivery once: a matching event for a state machine target is handed to the
registered handlers as (account, region, target, event) — the event as AWS delivers it (or as the
target's InputTransformer shapes it) — and moto delivers the rest as before. Handlers run on the
moto thread and must only hand the work over (app.py schedules the StartExecution on the loop).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

EventHandler = Callable[[str, str, dict[str, Any], Any], None]

_HANDLERS: dict[int, EventHandler] = {}
_INSTALLED = False
_EVENT_KEYS = ("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")


def add_handler(key: int, handler: EventHandler) -> None:
    _HANDLERS[key] = handler


def remove_handler(key: int) -> None:
    _HANDLERS.pop(key, None)


def is_state_machine_target(target: dict[str, Any]) -> bool:
    arn = str(target.get("Arn", ""))
    return arn.startswith("arn:") and ":states:" in arn and ":stateMachine:" in arn


def delivered_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge delivers it to a target: its envelope fields, ISO time."""
    out = {key: event[key] for key in _EVENT_KEYS if key in event}
    when = out.get("time")
    if isinstance(when, int | float):
        out["time"] = dt.datetime.fromtimestamp(when, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def _select(event: Any, path: str) -> Any:
    """A JSONPath as InputPathsMap takes them: ``$.detail.order``, ``$.resources[0]``."""
    value = event
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path.removeprefix("$")):
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def transformed_input(transformer: dict[str, Any], event: dict[str, Any], rule_arn: str) -> Any:
    """EventBridge's InputTransformer: each ``<name>`` of InputTemplate becomes the value its
    InputPathsMap path selects, plus the predefined ``<aws.events.event.json>``,
    ``<aws.events.rule-arn>``, ``<aws.events.rule-name>``, ``<aws.events.event.ingestion-time>``.
    In a JSON template a placeholder outside a string is the value as JSON and one inside a string
    its text (AWS's examples: ``{"state": <state>}`` gives ``{"state": "running"}``); a text
    template gets the text. The result is JSON when it is JSON, else the text."""
    template = str(transformer.get("InputTemplate") or "")
    values: dict[str, Any] = {
        "aws.events.event.json": event,
        "aws.events.rule-arn": rule_arn,
        "aws.events.rule-name": rule_arn.rsplit("/", 1)[-1],
        "aws.events.event.ingestion-time": event.get("time", ""),
    }
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        values[str(name)] = _select(event, str(path))
    is_json = template.lstrip().startswith(("{", "["))
    out: list[str] = []
    in_string = False
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        before = template[position : match.start()]
        in_string = _inside_string(before, in_string)
        out.append(before)
        name = match.group(1)
        if name not in values:
            out.append(match.group(0))
        else:
            value = values[name]
            if is_json and not in_string:
                out.append(json.dumps(value))
            else:
                text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
                out.append(json.dumps(text)[1:-1] if is_json else text)
        position = match.end()
    out.append(template[position:])
    result = "".join(out)
    try:
        return json.loads(result)
    except ValueError:
        return result


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def _inside_string(text: str, inside: bool) -> bool:
    """Whether a JSON string is open after ``text`` (given whether one was open before it)."""
    escaped = False
    for character in text:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = inside
        elif character == '"':
            inside = not inside
    return inside


def install() -> None:
    """Wrap moto's rule delivery (once per process; moto must be importable)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.events import models

    original = models.Rule.send_to_targets

    def send_to_targets(rule: Any, original_event: Any, transform_input: bool = True) -> None:
        ours = [target for target in rule.targets if is_state_machine_target(target)]
        if not ours:
            original(rule, original_event, transform_input)
            return
        if rule.state == "ENABLED" and rule.event_pattern.matches_event(original_event):
            event = delivered_event(original_event)
            for target in ours:
                transformer = target.get("InputTransformer")
                payload: Any = event
                if transformer and transform_input:
                    payload = transformed_input(transformer, event, rule.arn)
                for handler in list(_HANDLERS.values()):
                    handler(rule.account_id, rule.region_name, dict(target), payload)
        kept = rule.targets
        rule.targets = [target for target in kept if not is_state_machine_target(target)]
        try:
            original(rule, original_event, transform_input)
        finally:
            rule.targets = kept

    models.Rule.send_to_targets = send_to_targets  # type: ignore[method-assign,assignment]
    _INSTALLED = True
