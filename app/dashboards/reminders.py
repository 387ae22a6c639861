"""Reminding participants who are behind: one mail each, through the outbox, listing their
overdue must-do Things and what is due soon, with links. Nobody gets two in one day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts import models as cohort_rules
from app.cohorts.models import Member
from app.dashboards.models import ReminderSent
from app.dashboards.service import SOON, Cell, Dashboard, ParticipantFigures, dashboard
from app.db import insert_or_ignore
from app.i18n import _, ngettext, speaking
from app.mail import service as mail_service
from app.programs.models import ThingFacts

# The address of a Thing's page, for the mail (built by the caller, which knows the routes).
ThingLink = Callable[[str], str]


@dataclass(frozen=True)
class Reminder:
    person: ParticipantFigures
    overdue: list[tuple[ThingFacts, int]]  # with days late
    soon: list[ThingFacts]
    sent: bool  # False: reminded already today (or a dry run)


def require_trainer(member: Member) -> None:
    cohort_rules.require_trainer(member, _("Only this cohort's trainers send reminders."))


def days_late(board: Dashboard, thing: ThingFacts) -> int:
    window = board.windows[board.things.index(thing)]
    assert window.due_at is not None  # only Things past their due time are overdue
    return max(1, (board.now - window.due_at).days + 1)


def behind_with_days(board: Dashboard) -> list[tuple[ParticipantFigures, list[tuple[ThingFacts, int]]]]:
    """Who is behind, each with their overdue must-do Things and how many days late."""
    return [(p, [(t, days_late(board, t)) for t in p.overdue]) for p in board.behind]


def _soon(board: Dashboard, person: ParticipantFigures) -> list[ThingFacts]:
    """Things not done that fall due within a week (cells are computed for this)."""
    return [thing for thing, window, cell in zip(board.things, board.windows, person.cells, strict=True)
            if cell == Cell.open and window.due_at is not None
            and board.now < window.due_at <= board.now + SOON]


def remind(
    session: Session, *, member: Member, link_for: ThingLink, only: int | None = None,
    dry_run: bool = False, now: datetime | None = None,
) -> list[Reminder]:
    """Remind everyone behind (or only the participant with membership id `only`)."""
    require_trainer(member)
    now = now or datetime.now(UTC)
    board = dashboard(session, member=member, now=now, with_cells=True)
    today = now.astimezone(ZoneInfo(member.cohort.timezone)).date()
    behind = [p for p in board.behind if only is None or p.membership_id == only]
    already = set(session.exec(select(ReminderSent.membership_id).where(
        ReminderSent.sent_on == today,
        col(ReminderSent.membership_id).in_([p.membership_id for p in behind]))).all()) if behind else set()
    languages = dict(session.exec(select(User.email, User.language).where(
        col(User.email).in_([p.email for p in behind]))).all()) if behind else {}
    reminders = []
    for person in behind:
        overdue = [(thing, days_late(board, thing)) for thing in person.overdue]
        soon = _soon(board, person)
        fresh = person.membership_id not in already and not dry_run
        if fresh:
            # two trainers pressing at once: the unique (person, day) row lets one mail through
            fresh = insert_or_ignore(session, ReminderSent(membership_id=person.membership_id,
                                                           sent_on=today, sent_at=now))
        if fresh:
            # in the reader's language: theirs if they chose one, else the cohort's
            with speaking(languages.get(person.email), member.cohort.language,
                          member.program.language):
                mail_service.queue(
                    session, to=person.email,
                    subject=_("Ting: {count} Things are waiting for you in {cohort}").format(
                        count=len(overdue) + len(soon), cohort=member.cohort.text("title")),
                    body=_body(member, person, overdue, soon, link_for))
        reminders.append(Reminder(person=person, overdue=overdue, soon=soon, sent=fresh))
    return reminders


def _days_late(days: int) -> str:
    return ngettext("%(num)d day late", "%(num)d days late", days) % {"num": days}


def _body(member: Member, person: ParticipantFigures, overdue: list[tuple[ThingFacts, int]],
          soon: list[ThingFacts], link_for: ThingLink) -> str:
    lines = [_("Hello {name},").format(name=person.name), "",
             _("A short reminder from {cohort}.").format(cohort=member.cohort.text("title")), ""]
    if overdue:
        lines.append(_("Past their due date:"))
        lines += [f"- {t.title} ({_days_late(days)}): {link_for(t.key)}" for t, days in overdue]
        lines.append("")
    if soon:
        lines.append(_("Due in the coming week:"))
        lines += [f"- {t.title}: {link_for(t.key)}" for t in soon]
        lines.append("")
    lines.append(_("One Thing at a time is enough. Your trainer is happy to help."))
    return "\n".join(lines) + "\n"
