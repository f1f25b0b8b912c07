"""Cron expressions, parsed and evaluated with the standard library only.

Five fields (`minute hour day-of-month month day-of-week`) or six with leading seconds
(`second minute hour day-of-month month day-of-week`). Each field takes `*`, a value, a range
`a-b`, a step `*/n`, `a/n` or `a-b/n`, and comma-separated lists of those. Months take
`JAN`-`DEC`, weekdays `SUN`-`SAT`; weekday 0 and 7 are both Sunday. `?` means `*` in the two
day fields (as Quartz writes it). Like Vixie cron, when both day fields are restricted a day
matches if EITHER matches; when one of them starts with `*` (or `?`), only the other counts.

Times are evaluated as wall-clock times of a timezone: a wall time skipped by a daylight-saving
jump does not fire, and a repeated one fires once (its first occurrence).
"""

from __future__ import annotations

import bisect
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from core.shared.errors import InvalidInput

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# Long enough to reach a 29th of February from anywhere (leap years are at most 8 years apart).
SEARCH_YEARS = 10
SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_SECOND = _Field("second", 0, 59)
_MINUTE = _Field("minute", 0, 59)
_HOUR = _Field("hour", 0, 23)
_DOM = _Field("day of month", 1, 31)
_MONTH = _Field("month", 1, 12, MONTHS, 1)
_DOW = _Field("day of week", 0, 7, WEEKDAYS, 0)


def _invalid(detail: str) -> InvalidInput:
    return InvalidInput(detail, "cron_invalid", "cron")


def _value(text: str, field: _Field) -> int:
    upper = text.upper()
    if field.names and upper in field.names:
        return field.names.index(upper) + field.name_base
    if not text.isdigit():
        raise _invalid(f"{field.name}: {text!r} is not a number")
    number = int(text)
    if not field.low <= number <= field.high:
        raise _invalid(f"{field.name}: {number} is out of {field.low}-{field.high}")
    return number


def _parse_field(text: str, field: _Field) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise _invalid(f"{field.name}: empty list item in {text!r}")
        base, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) < 1:
                raise _invalid(f"{field.name}: step {step_text!r} must be a whole number >= 1")
            step = int(step_text)
        if base in ("*", "?"):
            if base == "?" and field not in (_DOM, _DOW):
                raise _invalid(f"{field.name}: '?' is allowed only in the day fields")
            low, high = field.low, field.high
        elif "-" in base:
            first, _, last = base.partition("-")
            low, high = _value(first, field), _value(last, field)
            if low > high:
                raise _invalid(f"{field.name}: range {base!r} runs backwards")
        else:
            low = _value(base, field)
            high = field.high if slash else low
        values.update(range(low, high + 1, step))
    if field is _DOW and 7 in values:
        values.discard(7)
        values.add(0)
    return frozenset(values)


@dataclass(frozen=True)
class CronExpr:
    """A parsed expression; `next_after` gives its fire times as aware UTC datetimes."""

    text: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    days_star: bool
    weekdays_star: bool

    @classmethod
    def parse(cls, text: str) -> CronExpr:
        """5 or 6 fields, each valid, and at least one fire time; else InvalidInput `cron_invalid`."""
        parts = text.split()
        if len(parts) == 5:
            parts = ["0", *parts]
        elif len(parts) != 6:
            raise _invalid(
                "a cron expression has 5 fields (minute hour day month weekday) "
                "or 6 (second minute hour day month weekday)"
            )
        sec, minute, hour, dom, month, dow = parts
        expr = cls(
            text=" ".join(text.split()),
            seconds=tuple(sorted(_parse_field(sec, _SECOND))),
            minutes=tuple(sorted(_parse_field(minute, _MINUTE))),
            hours=tuple(sorted(_parse_field(hour, _HOUR))),
            days=_parse_field(dom, _DOM),
            months=_parse_field(month, _MONTH),
            weekdays=_parse_field(dow, _DOW),
            days_star=dom[0] in "*?",
            weekdays_star=dow[0] in "*?",
        )
        if expr.next_after(datetime(2000, 1, 1, tzinfo=UTC), UTC) is None:
            raise _invalid(f"{text!r} never fires")
        return expr

    @property
    def fires_within_a_minute(self) -> bool:
        """Whether two fires can fall in the same minute (more than one second is listed)."""
        return len(self.seconds) > 1

    # --- evaluation ---------------------------------------------------------------------

    def _day_matches(self, day: datetime) -> bool:
        dom = day.day in self.days
        dow = (day.isoweekday() % 7) in self.weekdays
        if self.days_star or self.weekdays_star:
            return dom and dow
        return dom or dow

    def _next_wall(self, start: datetime) -> datetime | None:
        """The first naive wall time >= start that matches, within SEARCH_YEARS."""
        t = start.replace(microsecond=0)
        last_year = start.year + SEARCH_YEARS
        while t.year <= last_year:
            if t.month not in self.months:
                t = _next_month(t)
                continue
            if not self._day_matches(t):
                t = _next_day(t)
                continue
            hour = _at_or_after(self.hours, t.hour)
            if hour is None:
                t = _next_day(t)
                continue
            if hour != t.hour:
                t = t.replace(hour=hour, minute=0, second=0)
            minute = _at_or_after(self.minutes, t.minute)
            if minute is None:
                t = t.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if minute != t.minute:
                t = t.replace(minute=minute, second=0)
            second = _at_or_after(self.seconds, t.second)
            if second is None:
                t = t.replace(second=0) + timedelta(minutes=1)
                continue
            return t.replace(second=second)
        return None

    def next_after(self, after: datetime, tz: tzinfo) -> datetime | None:
        """The first fire time strictly after `after` (aware), as aware UTC; None if none within 10 years."""
        after = after.astimezone(UTC)
        wall = after.astimezone(tz).replace(tzinfo=None, microsecond=0) + SECOND
        for _ in range(1000):  # each round skips at least one non-existent wall time
            found = self._next_wall(wall)
            if found is None:
                return None
            for fold in (0, 1):
                candidate = found.replace(tzinfo=tz, fold=fold)
                instant = candidate.astimezone(UTC)
                # A wall time inside a DST gap does not round-trip: it never happens.
                if instant.astimezone(tz).replace(tzinfo=None) != found:
                    break
                if instant > after:
                    return instant
            wall = found + SECOND
        return None

    def next_fires(self, after: datetime, tz: tzinfo, count: int) -> list[datetime]:
        out: list[datetime] = []
        current: datetime | None = after
        while len(out) < count and current is not None:
            current = self.next_after(current, tz)
            if current is not None:
                out.append(current)
        return out

    def fires_between(
        self, start: datetime, end: datetime, tz: tzinfo, limit: int
    ) -> list[datetime]:
        """Fire times t with start <= t <= end, the last `limit` of them at most."""
        out: list[datetime] = []
        current = self.next_after(start - SECOND / 1_000_000, tz)
        while current is not None and current <= end:
            out.append(current)
            if len(out) > limit:
                del out[0]
            current = self.next_after(current, tz)
        return out

    def matches(self, instant: datetime, tz: tzinfo) -> bool:
        """Whether `instant` is one of the fire times."""
        return self.next_after(instant - SECOND, tz) == instant.astimezone(UTC)


def _at_or_after(values: tuple[int, ...], current: int) -> int | None:
    i = bisect.bisect_left(values, current)
    return values[i] if i < len(values) else None


def _next_day(t: datetime) -> datetime:
    return t.replace(hour=0, minute=0, second=0) + timedelta(days=1)


def _next_month(t: datetime) -> datetime:
    days = monthrange(t.year, t.month)[1]
    return t.replace(day=1, hour=0, minute=0, second=0) + timedelta(days=days)


def parse_cron(text: str) -> CronExpr:
    return CronExpr.parse(text)
