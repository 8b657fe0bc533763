"""An EventBridge rule delivers an event to a state machine target: StartExecution with the
event as input, as EventBridge does (a target's ``Input`` replaces the event with that constant
JSON, ``InputPath`` selects part of it; an ``InputTransformer`` was applied before it got here).

Delivery is asynchronous as in AWS: PutEvents has already answered; a failed start (the machine
was deleted, the input is not JSON) is logged, not raised to the event's sender.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from typing import Any

from emulator.errors import ApiError
from emulator.service.environment import RequestContext, ServiceEnvironment
from emulator.service.executions import start_execution

log = logging.getLogger("emulator.service.event_targets")


def target_input(target: dict[str, Any], event: Any) -> str:
    """The execution input EventBridge sends for ``event`` to ``target``."""
    if target.get("Input") is not None:
        return str(target["Input"])
    path = target.get("InputPath")
    if path:
        event = _select(event, str(path))
    return event if isinstance(event, str) else json.dumps(event, separators=(",", ":"))


def _select(event: Any, path: str) -> Any:
    """A JSONPath of dotted names (``$.detail.order``), what EventBridge's InputPath takes."""
    value = event
    for part in path.removeprefix("$").strip(".").split("."):
        if not part:
            continue
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float | None:
    """The period of a ``rate(…)`` schedule expression in seconds; None for ``cron(…)`` or text
    that is not a rate."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


def scheduled_event(account: str, region: str, rule_arn: str, when: float) -> dict[str, Any]:
    """The event EventBridge sends a scheduled rule's targets."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": dt.datetime.fromtimestamp(when, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def start_execution_for_event(
    env: ServiceEnvironment, account: str, region: str, target: dict[str, Any], event: Any
) -> str | None:
    """Start the target's state machine with the event; the execution ARN (None if it could not)."""
    arn = str(target.get("Arn", ""))
    parts = arn.split(":")
    if len(parts) >= 5:  # the machine lives where its ARN says
        region, account = parts[3] or region, parts[4] or account
    context = RequestContext(account, region, str(uuid.uuid4()))
    request = {"stateMachineArn": arn, "input": target_input(target, event)}
    try:
        return str(start_execution(env, context, request)["executionArn"])
    except ApiError as error:
        log.warning(
            "EventBridge rule target %s: StartExecution failed: %s %s", arn, error.code, error.message
        )
        return None
