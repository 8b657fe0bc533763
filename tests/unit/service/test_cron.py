"""EventBridge cron(…) schedule expressions: the next time each fires."""

from __future__ import annotations

import datetime as dt

import pytest

from emulator.service.cron import CronError, parse_cron


def _epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M")


# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
# (its examples first, then each wildcard). 2026-12-07 is a Monday.
CASES = [
    # expression, after (UTC), the next firings (UTC)
    ("cron(0 10 * * ? *)", "2026-12-07T09:00", ["2026-12-07T10:00", "2026-12-08T10:00"]),
    ("cron(15 12 * * ? *)", "2026-12-07T12:15", ["2026-12-08T12:15"]),
    ("cron(0 18 ? * MON-FRI *)", "2026-12-11T18:00", ["2026-12-14T18:00"]),  # Friday → Monday
    ("cron(0 8 1 * ? *)", "2026-12-07T00:00", ["2027-01-01T08:00", "2027-02-01T08:00"]),
    ("cron(0/15 * * * ? *)", "2026-12-07T10:01", ["2026-12-07T10:15", "2026-12-07T10:30"]),
    ("cron(0/10 * ? * MON-FRI *)", "2026-12-11T23:55", ["2026-12-14T00:00"]),
    ("cron(0/5 8-17 ? * MON-FRI *)", "2026-12-07T17:55", ["2026-12-08T08:00"]),
    ("cron(0 9 ? * 2#1 *)", "2026-12-07T10:00", ["2027-01-04T09:00", "2027-02-01T09:00"]),  # 1st Mon
    ("cron(1/10 * * * ? *)", "2026-12-07T10:00", ["2026-12-07T10:01", "2026-12-07T10:11"]),
    ("cron(0 0 L * ? *)", "2026-12-07T00:00", ["2026-12-31T00:00", "2027-01-31T00:00", "2027-02-28T00:00"]),
    ("cron(0 0 L 2 ? 2028)", "2026-12-07T00:00", ["2028-02-29T00:00", None]),  # leap year, then none
    ("cron(0 0 LW * ? *)", "2027-01-01T00:00", ["2027-01-29T00:00"]),  # Jan 31 2027 is a Sunday
    ("cron(0 0 15W * ? *)", "2027-05-01T00:00", ["2027-05-14T00:00"]),  # May 15 2027: Saturday
    ("cron(0 0 1W * ? *)", "2027-05-01T01:00", ["2027-05-03T00:00"]),  # May 1 2027: Saturday → Mon 3
    ("cron(0 0 31W * ? *)", "2027-10-01T00:00", ["2027-10-29T00:00"]),  # Oct 31 2027: Sunday → Fri 29
    ("cron(0 0 ? * L *)", "2026-12-07T00:00", ["2026-12-12T00:00"]),  # L alone: Saturday
    ("cron(0 0 ? * 6L *)", "2026-12-07T00:00", ["2026-12-25T00:00", "2027-01-29T00:00"]),  # last Friday
    ("cron(0 0 ? * 1#5 *)", "2026-12-07T00:00", ["2027-01-31T00:00"]),  # a fifth Sunday
    ("cron(30 6 ? * SUN,sat *)", "2026-12-07T00:00", ["2026-12-12T06:30", "2026-12-13T06:30"]),
    ("cron(0 12 1 JAN,JUL ? *)", "2026-12-07T00:00", ["2027-01-01T12:00", "2027-07-01T12:00"]),
    ("cron(0 0 1 1 ? 2027-2028)", "2026-12-07T00:00", ["2027-01-01T00:00", "2028-01-01T00:00", None]),
    ("cron(0 0 1 1 ? 2020/5)", "2026-12-07T00:00", ["2030-01-01T00:00"]),
    ("cron(0 0 31 2 ? *)", "2026-12-07T00:00", [None]),  # never
    ("cron(5,10-12 0 * * ? *)", "2026-12-07T00:05", ["2026-12-07T00:10", "2026-12-07T00:11"]),
]


@pytest.mark.parametrize(("expression", "after", "expected"), CASES)
def test_next_firings(expression: str, after: str, expected: list[str | None]) -> None:
    schedule = parse_cron(expression)
    when: float | None = _epoch(after)
    seen = []
    for _ in expected:
        assert when is not None
        when = schedule.next_after(when)
        seen.append(_iso(when))
    assert seen == expected


def test_a_time_zone_is_the_wall_clock_the_fields_read() -> None:
    # 09:00 in New York: 14:00 UTC in winter, 13:00 UTC in summer
    schedule = parse_cron("cron(0 9 * * ? *)", "America/New_York")
    assert _iso(schedule.next_after(_epoch("2026-12-07T00:00"))) == "2026-12-07T14:00"
    assert _iso(schedule.next_after(_epoch("2027-07-01T00:00"))) == "2027-07-01T13:00"
    # 02:30 does not exist on the day clocks spring forward (2027-03-14 in New York)
    gap = parse_cron("cron(30 2 * * ? *)", "America/New_York")
    assert _iso(gap.next_after(_epoch("2027-03-14T00:00"))) == "2027-03-15T06:30"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cron(0 10 * * *)", "6 fields"),
        ("cron(0 10 * * * *)", "exactly one"),
        ("cron(0 10 ? * ? *)", "exactly one"),
        ("cron(60 10 * * ? *)", "minutes field: 60 is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours field"),
        ("cron(0 0 32 * ? *)", "day-of-month field"),
        ("cron(0 0 * 13 ? *)", "month field"),
        ("cron(0 0 * FOO ? *)", "month field"),
        ("cron(0 0 ? * 8 *)", "day-of-week field"),
        ("cron(0 0 ? * 3#1,6#3 *)", "only one"),
        ("cron(0 0 ? * 3#6 *)", "instance 1-5"),
        ("cron(0 0 * * ? 1969)", "year field"),
        ("cron(0/0 0 * * ? *)", "positive increment"),
        ("cron(10-5 0 * * ? *)", "backwards"),
        ("rate(5 minutes)", "not a cron"),
    ],
)
def test_invalid_expressions_say_why(expression: str, message: str) -> None:
    with pytest.raises(CronError, match=message):
        parse_cron(expression)


def test_an_unknown_time_zone() -> None:
    with pytest.raises(CronError, match="time zone"):
        parse_cron("cron(0 0 * * ? *)", "Mars/Olympus")
