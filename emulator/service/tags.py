"""TagResource, UntagResource, ListTagsForResource on state machines and activities."""

from __future__ import annotations

import unicodedata
from typing import Any

from emulator.errors import ResourceNotFound, TooManyTags, ValidationException
from emulator.service.common import in_partition, parse_arn
from emulator.service.environment import RequestContext, ServiceEnvironment, partition_of

MAX_TAGS = 50
# The Tag shape's pattern (https://docs.aws.amazon.com/step-functions/latest/apireference/API_Tag.html:
# "Tags may only contain Unicode letters, digits, white space, or these symbols: _ . : / = + - @"):
# \p{L} letters, \p{Z} separators (spaces; not tabs or line breaks, which are control characters),
# \p{N} numbers. Python's ``\w``/``\s`` are wider (``\s`` takes tab and newline), so the Unicode
# categories are read directly.
_TAG_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
_TAG_SYMBOLS = frozenset("_.:/=+-@")
_TAG_CATEGORIES = ("L", "Z", "N")


def _is_tag_text(text: str) -> bool:
    return all(c in _TAG_SYMBOLS or unicodedata.category(c).startswith(_TAG_CATEGORIES) for c in text)


def _pattern_violation(value: str, path: str) -> str:
    return f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {_TAG_PATTERN}"


def check_new_tags(arn: str, tags: list[dict[str, Any]], current: dict[str, str]) -> dict[str, str]:
    """Merge ``tags`` into ``current`` (a new dict) after AWS's checks."""
    violations = []
    for index, tag in enumerate(tags, start=1):
        if not isinstance(tag, dict):  # a JSON null in the list
            violations.append(
                f"Value null at 'tags.{index}.member' failed to satisfy constraint: Member must not be null"
            )
            continue
        key, value = tag.get("key"), tag.get("value", "")
        if key is not None and not _is_tag_text(key):
            violations.append(_pattern_violation(key, f"tags.{index}.member.key"))
        if value is not None and not _is_tag_text(value):
            violations.append(_pattern_violation(value, f"tags.{index}.member.value"))
    if violations:
        noun = "error" if len(violations) == 1 else "errors"
        raise ValidationException(f"{len(violations)} validation {noun} detected: " + "; ".join(violations))
    merged = dict(current)
    for tag in tags:
        if tag.get("key") is not None:
            merged[tag["key"]] = tag.get("value") or ""
    if len(merged) > MAX_TAGS:
        raise TooManyTags(f"Too many tags on resource '{arn}': the limit is {MAX_TAGS}", resourceName=arn)
    return merged


def _resource(env: ServiceEnvironment, context: RequestContext, arn: str) -> str:
    """The ARN of an existing taggable resource (state machine or activity) of the caller's partition."""
    from emulator.service.state_machines import find_state_machine

    parsed = parse_arn(arn, "stateMachine", "activity")
    partition = partition_of(env, context)
    exists = False
    if in_partition(parsed, context) and len(parsed.parts) == 1:
        if parsed.resource_type == "stateMachine":
            exists = find_state_machine(partition, arn) is not None
        else:
            exists = arn in partition.activities
    if not exists:
        raise ResourceNotFound(f"Resource not found: '{arn}'", resourceName=arn)
    return arn


def tag_resource(env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    arn = _resource(env, context, request["resourceArn"])
    tags = partition_of(env, context).tags
    tags[arn] = check_new_tags(arn, request["tags"], tags.get(arn, {}))
    return {}


def untag_resource(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = _resource(env, context, request["resourceArn"])
    tags = partition_of(env, context).tags
    current = tags.get(arn, {})
    for key in request["tagKeys"]:
        current.pop(key, None)
    if arn in tags:
        tags[arn] = current  # changed in place: stored again
    return {}


def list_tags_for_resource(
    env: ServiceEnvironment, context: RequestContext, request: dict[str, Any]
) -> dict[str, Any]:
    arn = _resource(env, context, request["resourceArn"])
    current = partition_of(env, context).tags.get(arn, {})
    return {"tags": [{"key": key, "value": value} for key, value in current.items()]}
