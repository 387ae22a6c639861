"""A participant's deadlines as an iCalendar feed: when each of their Things opens and is due,
in every cohort they take part in, with a link to the Thing. Days, not times: a Thing opens at
the start of its day and is due at its end, in the cohort's time zone, which an all-day event
says without a time zone of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlmodel import Session

from app.cohorts.models import Member
from app.i18n import _
from app.progress.service import my_things

ThingLink = Callable[[Member, str], str]  # (member, Thing key) -> the Thing page's address


def deadlines(session: Session, *, members: list[Member], link: ThingLink, host: str,
              now: datetime | None = None) -> bytes:
    now = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Ting//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("My Ting deadlines"))
    for member in members:
        if not member.is_participant:
            continue
        for view in my_things(session, member=member, now=now).things:
            url = link(member, view.thing.key)
            title = f"{view.thing.title} ({member.cohort.title})"
            if view.opens is not None:
                calendar.add_component(_day(f"{member.cohort.key}.{view.thing.key}.opens@{host}",
                                            view.opens, _("Opens: {title}").format(title=title), url, now))
            if view.due is not None:
                calendar.add_component(_day(f"{member.cohort.key}.{view.thing.key}.due@{host}",
                                            view.due, _("Due: {title}").format(title=title), url, now))
    return bytes(calendar.to_ical())


def _day(uid: str, day: date, summary: str, url: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event
