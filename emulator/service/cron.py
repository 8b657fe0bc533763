"""EventBridge's ``cron(…)`` schedule expressions (rules' ``ScheduleExpression``, EventBridge
Scheduler's schedules): six fields, ``minutes hours day-of-month month day-of-week year``.

The reference is AWS's "Cron expressions reference"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):

* minutes 0-59, hours 0-23, month 1-12 or JAN-DEC, year 1970-2199: ``, - * /``;
* day-of-month 1-31: ``, - * ? / L W`` (``L`` the last day, ``15W`` the weekday nearest the 15th
  within the month, ``LW`` the last weekday);
* day-of-week 1-7 or SUN-SAT (1 = Sunday): ``, - * ? L #`` (``L`` alone is Saturday, the last
  day of the week; ``6L`` the month's last Friday; ``2#1`` its first Monday, and then the only
  expression of the field);
* exactly one of day-of-month and day-of-week is ``?``.

A croniter-style library was not used: none parses this dialect exactly (the year field, ``?``,
``W``, ``L`` in both day fields, ``#`` with AWS's numbering of the week days).

Times are wall-clock times in a time zone (UTC unless a schedule names one); a local time that
does not exist (a daylight-saving gap) is skipped.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_MONTHS = {
    name: index + 1
    for index, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}
_DAYS = {name: index + 1 for index, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
_CRON = re.compile(r"^cron\((.*)\)$", re.DOTALL)
_FIRST_YEAR, _LAST_YEAR = 1970, 2199


class CronError(ValueError):
    """The expression is not a valid cron expression (the message says why)."""


@dataclass(frozen=True, slots=True)
class _Days:
    """What the day-of-month or day-of-week field asks for (besides plain values)."""

    values: frozenset[int] = frozenset()
    last: bool = False  # L (day-of-month: the last day; day-of-week alone: Saturday)
    last_weekday: bool = False  # LW
    nearest_weekday: frozenset[int] = frozenset()  # 15W
    last_of: frozenset[int] = frozenset()  # 6L: the last Friday
    nth: tuple[int, int] | None = None  # (weekday 1-7, instance 1-5): 2#1


@dataclass(frozen=True, slots=True)
class CronSchedule:
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    day_of_month: _Days | None  # None: ``?``
    day_of_week: _Days | None
    zone: dt.tzinfo = dt.UTC

    def next_after(self, epoch: float) -> float | None:
        """The first time strictly after ``epoch`` (epoch seconds) the schedule fires; None if it
        never does again (every year it names has passed)."""
        start = dt.datetime.fromtimestamp(epoch, self.zone).replace(tzinfo=None)
        start = start.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        for year in sorted(y for y in self.years if y >= start.year):
            for month in sorted(self.months):
                if (year, month) < (start.year, start.month):
                    continue
                for day in self._days(year, month):
                    if (year, month, day) < (start.year, start.month, start.day):
                        continue
                    for hour in sorted(self.hours):
                        for minute in sorted(self.minutes):
                            local = dt.datetime(year, month, day, hour, minute)
                            if local < start:
                                continue
                            when = self._epoch(local)
                            if when is not None and when > epoch:
                                return when
        return None

    def _epoch(self, local: dt.datetime) -> float | None:
        aware = local.replace(tzinfo=self.zone)
        back = aware.astimezone(dt.UTC).astimezone(self.zone).replace(tzinfo=None)
        return aware.timestamp() if back == local else None  # a DST gap: no such time

    def _days(self, year: int, month: int) -> list[int]:
        length = calendar.monthrange(year, month)[1]
        if self.day_of_month is not None:
            return sorted(_month_days(self.day_of_month, year, month, length))
        assert self.day_of_week is not None
        return sorted(_week_days(self.day_of_week, year, month, length))


def _weekday(year: int, month: int, day: int) -> int:
    """1 = Sunday … 7 = Saturday, as the day-of-week field counts."""
    return (dt.date(year, month, day).isoweekday() % 7) + 1


def _month_days(spec: _Days, year: int, month: int, length: int) -> set[int]:
    days = {day for day in spec.values if day <= length}
    if spec.last:
        days.add(length)
    if spec.last_weekday:
        day = length
        while _weekday(year, month, day) in (1, 7):
            day -= 1
        days.add(day)
    for target in spec.nearest_weekday:
        if target > length:
            continue
        weekday = _weekday(year, month, target)
        if weekday == 7:  # Saturday: the Friday before, or the Monday after on the 1st
            days.add(target - 1 if target > 1 else target + 2)
        elif weekday == 1:  # Sunday: the Monday after, or the Friday before on the last day
            days.add(target + 1 if target < length else target - 2)
        else:
            days.add(target)
    return days


def _week_days(spec: _Days, year: int, month: int, length: int) -> set[int]:
    days = set()
    for day in range(1, length + 1):
        weekday = _weekday(year, month, day)
        if weekday in spec.values or (spec.last and weekday == 7):
            days.add(day)
        if weekday in spec.last_of and day + 7 > length:
            days.add(day)
        if spec.nth is not None and weekday == spec.nth[0] and (day - 1) // 7 + 1 == spec.nth[1]:
            days.add(day)
    return days


def parse_cron(expression: str, timezone: str | None = None) -> CronSchedule:
    """The schedule of ``cron(…)``; ``CronError`` naming the field at fault."""
    match = _CRON.match(expression.strip())
    if match is None:
        raise CronError(f"{expression!r} is not a cron(…) expression")
    fields = match.group(1).split()
    if len(fields) != 6:
        raise CronError(f"{expression!r}: a cron expression has 6 fields, not {len(fields)}")
    minutes, hours, dom, months, dow, years = fields
    if (dom == "?") == (dow == "?"):
        raise CronError(f"{expression!r}: exactly one of the day-of-month and day-of-week fields must be '?'")
    zone: dt.tzinfo = dt.UTC
    if timezone:
        try:
            zone = ZoneInfo(timezone)
        except (ValueError, OSError, KeyError) as error:
            raise CronError(f"{timezone!r} is not a known time zone") from error
    return CronSchedule(
        minutes=_values(minutes, "minutes", 0, 59, {}),
        hours=_values(hours, "hours", 0, 23, {}),
        months=_values(months, "month", 1, 12, _MONTHS),
        years=_values(years, "year", _FIRST_YEAR, _LAST_YEAR, {}),
        day_of_month=None if dom == "?" else _day_of_month(dom),
        day_of_week=None if dow == "?" else _day_of_week(dow),
        zone=zone,
    )


def _number(text: str, field: str, low: int, high: int, names: dict[str, int]) -> int:
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise CronError(f"the {field} field: {text!r} is not a value")
        value = int(text)
    if not low <= value <= high:
        raise CronError(f"the {field} field: {value} is outside {low}-{high}")
    return value


def _values(text: str, field: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    """``,`` lists of ``*``, ``n``, ``a-b``, each with an optional ``/step``."""
    values: set[int] = set()
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"the {field} field: {part!r} needs a positive increment")
            step = int(step_text)
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            first, last = _number(a, field, low, high, names), _number(b, field, low, high, names)
            if first > last:
                raise CronError(f"the {field} field: the range {base!r} runs backwards")
        else:
            first = _number(base, field, low, high, names)
            last = high if slash else first
        values.update(range(first, last + 1, step))
    return frozenset(values)


def _day_of_month(text: str) -> _Days:
    plain: list[str] = []
    last = last_weekday = False
    nearest: set[int] = set()
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            last = True
        elif upper == "LW":
            last_weekday = True
        elif upper.endswith("W"):
            nearest.add(_number(upper[:-1], "day-of-month", 1, 31, {}))
        else:
            plain.append(part)
    values = _values(",".join(plain), "day-of-month", 1, 31, {}) if plain else frozenset()
    return _Days(values, last, last_weekday, frozenset(nearest))


def _day_of_week(text: str) -> _Days:
    if "#" in text:
        if "," in text:
            raise CronError("the day-of-week field: a '#' expression must be the field's only one")
        day, _, instance = text.partition("#")
        weekday = _number(day, "day-of-week", 1, 7, _DAYS)
        if not instance.isdigit() or not 1 <= int(instance) <= 5:
            raise CronError(f"the day-of-week field: {text!r} needs an instance 1-5 after '#'")
        return _Days(nth=(weekday, int(instance)))
    plain: list[str] = []
    last = False
    last_of: set[int] = set()
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            last = True
        elif upper.endswith("L"):
            last_of.add(_number(upper[:-1], "day-of-week", 1, 7, _DAYS))
        else:
            plain.append(part)
    values = _values(",".join(plain), "day-of-week", 1, 7, _DAYS) if plain else frozenset()
    return _Days(values, last, last_of=frozenset(last_of))
