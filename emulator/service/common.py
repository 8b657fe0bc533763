"""Rules shared by the control-plane modules: names, ARNs, pagination tokens, ids."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from emulator.errors import (
    LABELED_ARN_NOT_SUPPORTED,
    InvalidArn,
    InvalidName,
    InvalidToken,
    ValidationException,
)
from emulator.model.arns import StatesArn, parse_states_arn
from emulator.service.environment import RequestContext

T = TypeVar("T")

# AWS forbids in the names of state machines, executions, activities and aliases: "white space,
# brackets < > { } [ ], wildcard characters ? *, special characters " # % \\ ^ | ~ ` $ & , ; : /,
# control characters (U+0000-001F, U+007F-009F, U+FFFE-FFFF), surrogates (U+D800-DFFF), invalid
# characters (U+10FFFF)" (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html).
# A lone UTF-16 surrogate (``"\ud800"`` in the request's JSON) is no character at all.
_FORBIDDEN_NAME = re.compile(
    r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff\U0010ffff]"
)


def check_name(name: str) -> None:
    if not name or len(name) > 80 or _FORBIDDEN_NAME.search(name):
        raise InvalidName(f"Invalid Name: '{name}'")


def parse_arn(arn: str, *resource_types: str) -> StatesArn:
    """Parse a Step Functions ARN of one of ``resource_types`` or raise AWS's ``InvalidArn``."""
    parsed = parse_states_arn(arn)
    if parsed is None:
        raise InvalidArn(f"Invalid Arn: 'Invalid ARN prefix: {arn}'")
    if parsed.resource_type not in resource_types:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {parsed.resource_type}'")
    return parsed


def check_not_map_state_arn(parsed: StatesArn, arn: str) -> None:
    """``stateMachine:<name>/<label>`` names a Distributed Map state of a machine: "If you provide a
    qualified state machine ARN that refers to a Distributed Map state, the request fails with
    ValidationException" (API_DescribeStateMachine, API_DeleteStateMachine, API_UpdateStateMachine,
    API_StartExecution). A state machine name cannot contain '/', so the slash is what tells it."""
    if "/" in parsed.parts[0]:
        raise ValidationException(
            f"Invalid Arn: 'Qualified state machine ARNs referring to a Distributed Map state are not "
            f"supported: {arn}'",
            reason=LABELED_ARN_NOT_SUPPORTED,
        )


def in_partition(parsed: StatesArn, context: RequestContext) -> bool:
    return parsed.account == context.account and parsed.region == context.region


def put_if(out: dict[str, Any], key: str, value: Any) -> None:
    """Wire responses omit members that have no value."""
    if value is not None:
        out[key] = value


def new_id() -> str:
    return str(uuid.uuid4())


def encode_token(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


# AWS answers every unusable pagination or task token with this same text.
INVALID_TOKEN_MESSAGE = "Invalid Token: 'Invalid token'"


def decode_token(token: str) -> dict[str, Any]:
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidToken(INVALID_TOKEN_MESSAGE)
    if not isinstance(position, dict):
        raise InvalidToken(INVALID_TOKEN_MESSAGE)
    return position


# "Each pagination token expires after 24 hours. Using an expired pagination token will return an
# HTTP 400 InvalidToken error." (every List* page and API_GetExecutionHistory.html, nextToken)
TOKEN_LIFETIME_SECONDS = 24 * 60 * 60


def paginate(
    items: Sequence[T],
    request: dict[str, Any],
    default_page: int = 100,
    scope: str = "",
    now: float | None = None,
) -> tuple[list[T], str | None]:
    """Offset pagination with an opaque token bound to ``scope`` (the listing it came from) and, given
    ``now``, to the time it was issued (it expires after 24 hours).

    ``maxResults`` 0 or absent means the default page size (AWS: 100 for most list operations).
    """
    start = 0
    token = request.get("nextToken")
    if token is not None:
        position = decode_token(token)
        offset, issued = position.get("o"), position.get("t")
        if position.get("s") != scope or not isinstance(offset, int) or offset < 0:
            raise InvalidToken(INVALID_TOKEN_MESSAGE)
        if now is not None and isinstance(issued, int | float) and now - issued > TOKEN_LIFETIME_SECONDS:
            raise InvalidToken(INVALID_TOKEN_MESSAGE)
        start = offset
    size = request.get("maxResults") or default_page
    page = list(items[start : start + size])
    end = start + size
    next_token = None
    if end < len(items):
        position = {"s": scope, "o": end}  # the same name as above: dict[str, Any]
        if now is not None:
            position["t"] = now
        next_token = encode_token(position)
    return page, next_token
