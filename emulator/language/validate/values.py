"""Checks on single values: Wait timestamps (RFC 3339) and Map labels."""

from __future__ import annotations

import calendar
import re

_RFC3339 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.\d+)?"
    r"(?:[Zz]|[+-](?P<offset_hour>\d{2}):(?P<offset_minute>\d{2}))"
)

LABEL_MAX_LENGTH = 40
# Whitespace, brackets, wildcards and the special characters the Map Label documentation forbids;
# control characters are checked by code point.
_LABEL_FORBIDDEN = frozenset(' <>{}[]?*"#%\\^|~`$&,;:/')


def is_rfc3339_timestamp(text: str) -> bool:
    """A full RFC 3339 date-time (``2016-03-14T01:59:00Z``, ``…+01:00``) with real calendar values."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return False
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if int(match["hour"]) > 23 or int(match["minute"]) > 59 or int(match["second"]) > 60:
        return False
    offset_hour, offset_minute = match["offset_hour"], match["offset_minute"]
    return offset_hour is None or (int(offset_hour) <= 23 and int(offset_minute) <= 59)


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot name a Map state, or None when it can."""
    if not label:
        return "Label cannot be empty"
    if len(label) > LABEL_MAX_LENGTH:
        return f"Label cannot exceed {LABEL_MAX_LENGTH} characters"
    for character in label:
        code = ord(character)
        if character in _LABEL_FORBIDDEN or code <= 0x1F or 0x7F <= code <= 0x9F:
            return f"Label contains invalid character: {character!r}"
    return None
