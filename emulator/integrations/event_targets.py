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
                    payload = models.EventTemplateParser.parse(
                        input_template=transformer.get("InputTemplate"),
                        input_paths_map=transformer.get("InputPathsMap", {}),
                        event=event,  # type: ignore[arg-type]
                    )
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
