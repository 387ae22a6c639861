"""Date rules of DESIGN.md §3: when a Thing opens and when it is due, for one cohort.

A rule is written as a plain date (`2027-02-01`), `week N` or `+Nd`. For `due`, `week N` is the
last day of week N (starts + 7N - 1); for `opens` it is the first day (starts + 7(N - 1)).
A Thing opens at the start of its day and is due at the end of its day, in the cohort's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"week\s+(\d{1,3})", re.IGNORECASE)
_DAYS = re.compile(r"\+(\d{1,4})d", re.IGNORECASE)

FORMS = "a date like 2027-02-01, 'week N' or '+Nd'"


@dataclass(frozen=True, slots=True)
class DateRule:
    """A parsed date rule; exactly one of `on`, `week`, `days` is set."""

    on: date | None = None
    week: int | None = None
    days: int | None = None

    def opens_on(self, starts: date) -> date:
        if self.on is not None:
            return self.on
        if self.week is not None:
            return starts + timedelta(days=7 * (self.week - 1))
        return starts + timedelta(days=self.days or 0)

    def due_on(self, starts: date) -> date:
        if self.on is not None:
            return self.on
        if self.week is not None:
            return starts + timedelta(days=7 * self.week - 1)
        return starts + timedelta(days=self.days or 0)

    @property
    def is_relative(self) -> bool:
        return self.on is None

    def __str__(self) -> str:
        if self.on is not None:
            return self.on.isoformat()
        if self.week is not None:
            return f"week {self.week}"
        return f"+{self.days}d"


class DateRuleError(ValueError):
    pass


@lru_cache(maxsize=4096)
def parse_rule(text: str) -> DateRule:
    """Parse a rule as written in YAML; raises DateRuleError with what was expected."""
    value = text.strip()
    if match := _WEEK.fullmatch(value):
        week = int(match.group(1))
        if week < 1:
            raise DateRuleError(f"week numbers start at 1; got '{value}'")
        return DateRule(week=week)
    if match := _DAYS.fullmatch(value):
        return DateRule(days=int(match.group(1)))
    try:
        return DateRule(on=date.fromisoformat(value))
    except ValueError:
        raise DateRuleError(f"expected {FORMS}; got '{value}'") from None


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone`, in UTC (also right on days with a DST change)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` in `zone`: a Thing due that day is overdue from then."""
    return start_of_day(day + timedelta(days=1), zone)


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class Window:
    opens_on: date | None
    due_on: date | None
    opens_at: datetime | None
    due_at: datetime | None


@lru_cache(maxsize=65_536)  # pure, and asked for every Thing on every My Things page
def thing_window(
    *, opens: str | None, due: str | None, override: str | None, starts: date, timezone: str
) -> Window:
    """When one Thing opens and is due in one cohort; the cohort's override replaces `due`."""
    tz = zone(timezone)
    opens_on = parse_rule(opens).opens_on(starts) if opens else None
    due_text = override or due
    due_on = parse_rule(due_text).due_on(starts) if due_text else None
    return Window(
        opens_on=opens_on,
        due_on=due_on,
        opens_at=start_of_day(opens_on, tz) if opens_on else None,
        due_at=end_of_day(due_on, tz) if due_on else None,
    )
