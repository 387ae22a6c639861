"""Date rules of DESIGN.md §3: when a Thing opens and is due, in the cohort's time zone,
and the status a participant sees at each instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.programs.schedule import (
    DateRuleError,
    end_of_day,
    parse_rule,
    start_of_day,
    thing_window,
    zone,
)
from app.progress.models import Completion, ThingStatus
from app.progress.service import status_of

STARTS = date(2027, 1, 11)  # a Monday
AMS = zone("Europe/Amsterdam")
TICK = timedelta(microseconds=1)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def window(
    opens: str | None = None,
    due: str | None = None,
    override: str | None = None,
    starts: date = STARTS,
    timezone: str = "Europe/Amsterdam",
):  # type: ignore[no-untyped-def]
    return thing_window(opens=opens, due=due, override=override, starts=starts, timezone=timezone)


# -- which day ------------------------------------------------------------------------------


@pytest.mark.parametrize("week", [1, 2, 5, 12, 52])
def test_due_in_week_n_is_the_last_day_of_that_week(week: int) -> None:
    assert window(due=f"week {week}").due_on == STARTS + timedelta(days=7 * week - 1)


@pytest.mark.parametrize("week", [1, 2, 5, 12, 52])
def test_opens_in_week_n_is_the_first_day_of_that_week(week: int) -> None:
    assert window(opens=f"week {week}").opens_on == STARTS + timedelta(days=7 * (week - 1))


def test_week_one_opens_on_the_start_day_and_is_due_six_days_later() -> None:
    w = window(opens="week 1", due="week 1")
    assert (w.opens_on, w.due_on) == (date(2027, 1, 11), date(2027, 1, 17))


@pytest.mark.parametrize("days", [0, 1, 10, 365])
def test_plus_n_days_counts_from_the_start_for_opens_and_due(days: int) -> None:
    w = window(opens=f"+{days}d", due=f"+{days}d")
    assert w.opens_on == w.due_on == STARTS + timedelta(days=days)


def test_a_plain_date_is_that_date_whatever_the_start() -> None:
    for starts in (STARTS, date(2030, 6, 1)):
        w = window(opens="2027-02-01", due="2027-02-14", starts=starts)
        assert (w.opens_on, w.due_on) == (date(2027, 2, 1), date(2027, 2, 14))


def test_a_cohort_due_override_replaces_the_due_date() -> None:
    assert window(due="week 1", override="2027-01-25").due_on == date(2027, 1, 25)
    assert window(due="week 1", override="week 3").due_on == date(2027, 1, 31)
    assert window(due="week 1", override="+2d").due_on == date(2027, 1, 13)
    assert window(due=None, override="week 2").due_on == date(2027, 1, 24)


def test_the_override_does_not_move_the_opening() -> None:
    assert window(opens="week 2", due="week 3", override="week 4").opens_on == date(2027, 1, 18)


def test_no_rules_means_always_open_and_never_due() -> None:
    w = window()
    assert (w.opens_on, w.due_on, w.opens_at, w.due_at) == (None, None, None, None)


def test_rules_are_read_without_regard_to_case_and_spacing() -> None:
    assert parse_rule(" Week 3 ") == parse_rule("week 3")
    assert parse_rule("+5D") == parse_rule("+5d")


@pytest.mark.parametrize("bad", ["week 0", "week -1", "3 weeks", "+d", "-2d", "tomorrow", ""])
def test_bad_rules_are_refused(bad: str) -> None:
    with pytest.raises(DateRuleError):
        parse_rule(bad)


# -- which instant: the cohort's time zone, across daylight saving time --------------------


def test_a_thing_opens_at_the_start_of_its_day_and_is_due_at_its_end_in_the_cohort_zone() -> None:
    w = window(opens="week 1", due="week 1")
    assert w.opens_at == utc("2027-01-10T23:00")  # midnight in Amsterdam (UTC+1)
    assert w.due_at == utc("2027-01-17T23:00")  # the first instant after Sunday 17 January


def test_the_same_rules_give_other_instants_in_another_zone() -> None:
    w = window(opens="week 1", due="week 1", timezone="America/New_York")
    assert (w.opens_at, w.due_at) == (utc("2027-01-11T05:00"), utc("2027-01-18T05:00"))
    w = window(opens="week 1", due="week 1", timezone="UTC")
    assert (w.opens_at, w.due_at) == (utc("2027-01-11T00:00"), utc("2027-01-18T00:00"))


def test_day_boundaries_around_the_spring_dst_change_in_amsterdam() -> None:
    # Clocks go from 02:00 to 03:00 on Sunday 28 March 2027: that day has 23 hours.
    assert start_of_day(date(2027, 3, 27), AMS) == utc("2027-03-26T23:00")
    assert end_of_day(date(2027, 3, 27), AMS) == utc("2027-03-27T23:00")
    assert start_of_day(date(2027, 3, 28), AMS) == utc("2027-03-27T23:00")
    assert end_of_day(date(2027, 3, 28), AMS) == utc("2027-03-28T22:00")
    assert end_of_day(date(2027, 3, 28), AMS) - start_of_day(date(2027, 3, 28), AMS) == timedelta(
        hours=23
    )


def test_day_boundaries_around_the_autumn_dst_change_in_amsterdam() -> None:
    # Clocks go from 03:00 back to 02:00 on Sunday 31 October 2027: that day has 25 hours.
    assert end_of_day(date(2027, 10, 30), AMS) == utc("2027-10-30T22:00")
    assert start_of_day(date(2027, 10, 31), AMS) == utc("2027-10-30T22:00")
    assert end_of_day(date(2027, 10, 31), AMS) == utc("2027-10-31T23:00")
    assert end_of_day(date(2027, 10, 31), AMS) - start_of_day(date(2027, 10, 31), AMS) == timedelta(
        hours=25
    )


def test_a_thing_due_on_the_dst_sunday_is_due_at_local_midnight() -> None:
    w = window(due="2027-03-28", opens="2027-03-28")
    assert (w.opens_at, w.due_at) == (utc("2027-03-27T23:00"), utc("2027-03-28T22:00"))
    # week 10 of a cohort starting 18 January 2027 ends on 28 March
    w = window(due="week 10", starts=date(2027, 1, 18))
    assert w.due_on == date(2027, 3, 28) and w.due_at == utc("2027-03-28T22:00")


@pytest.mark.parametrize(
    "name",
    [
        "Europe/Amsterdam",
        "America/Santiago",
        "Asia/Beirut",
        "America/Havana",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
    ],
)
def test_every_day_of_2027_starts_at_local_midnight_or_the_first_instant_after(name: str) -> None:
    """Also in zones whose clocks change at midnight, where 00:00 may not exist."""
    tz = zone(name)
    day = date(2027, 1, 1)
    while day.year == 2027:
        begin, end = start_of_day(day, tz), end_of_day(day, tz)
        assert begin.astimezone(tz).date() == day, (name, day)
        assert (begin - TICK).astimezone(tz).date() == day - timedelta(days=1), (name, day)
        assert end == start_of_day(day + timedelta(days=1), tz)
        assert begin.tzinfo == UTC and end > begin
        day += timedelta(days=1)


# -- status at each instant ----------------------------------------------------------------


def test_status_is_locked_before_opening_then_open_then_overdue_after_the_due_day() -> None:
    w = window(opens="week 2", due="week 2")  # 18 to 24 January 2027 in Amsterdam
    assert (w.opens_at, w.due_at) == (utc("2027-01-17T23:00"), utc("2027-01-24T23:00"))
    assert status_of(w, None, utc("2027-01-17T22:59:59.999999")) == ThingStatus.locked
    assert status_of(w, None, utc("2027-01-17T23:00")) == ThingStatus.open
    assert status_of(w, None, utc("2027-01-24T22:59:59.999999")) == ThingStatus.open
    assert status_of(w, None, utc("2027-01-24T23:00")) == ThingStatus.overdue


def test_status_around_the_dst_change_follows_local_midnight() -> None:
    w = window(due="2027-03-28")
    assert status_of(w, None, utc("2027-03-28T21:59")) == ThingStatus.open  # 23:59 local
    assert status_of(w, None, utc("2027-03-28T22:00")) == ThingStatus.overdue  # 00:00 local
    w = window(due="2027-10-31")
    assert status_of(w, None, utc("2027-10-31T22:59")) == ThingStatus.open  # 23:59 local
    assert status_of(w, None, utc("2027-10-31T23:00")) == ThingStatus.overdue


def test_done_wins_over_locked_open_and_overdue() -> None:
    w = window(opens="week 2", due="week 2")
    done = Completion(membership_id=1, thing_id=1, completed_at=utc("2027-01-20T10:00"))
    for now in ("2027-01-01T00:00", "2027-01-20T12:00", "2027-12-31T00:00"):
        assert status_of(w, done, utc(now)) == ThingStatus.done


def test_without_rules_a_thing_is_always_open() -> None:
    for now in ("1990-01-01T00:00", "2027-01-11T00:00", "2099-01-01T00:00"):
        assert status_of(window(), None, utc(now)) == ThingStatus.open


def test_a_thing_without_a_due_date_never_becomes_overdue() -> None:
    w = window(opens="week 2")
    assert status_of(w, None, utc("2027-01-17T22:00")) == ThingStatus.locked
    assert status_of(w, None, utc("2099-01-01T00:00")) == ThingStatus.open


def test_an_override_changes_when_a_thing_becomes_overdue() -> None:
    now = utc("2027-01-20T12:00")
    assert status_of(window(due="week 1"), None, now) == ThingStatus.overdue
    assert status_of(window(due="week 1", override="week 2"), None, now) == ThingStatus.open
