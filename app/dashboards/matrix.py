"""The progress matrix: participants × Things, filtered, searched, sorted and paged, from the
same figures as the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session

from app.cohorts.models import Member
from app.dashboards.service import Cell, Dashboard, ParticipantFigures, dashboard
from app.errors import NotFound
from app.i18n import _

PER_PAGE = 50


class Show(StrEnum):
    everyone = "everyone"
    behind = "behind"  # a must-do Thing past due
    waiting = "waiting"  # something waits for the trainer
    completed = "completed"
    not_started = "not_started"


class SortBy(StrEnum):
    name = "name"
    progress = "progress"  # most done first
    activity = "activity"  # most recently active first


def _shows(person: ParticipantFigures, show: Show) -> bool:
    return {
        Show.everyone: True,
        Show.behind: bool(person.overdue),
        Show.waiting: Cell.waiting in person.cells,
        Show.completed: person.completed,
        Show.not_started: not person.started,
    }[show]


@dataclass
class Matrix:
    board: Dashboard
    rows: list[ParticipantFigures]  # this page's
    total: int  # matching the filters, on all pages
    page: int
    pages: int
    organizations: list[str]
    groups: list[str]


def matrix(
    session: Session, *, member: Member, organization: str | None = None, group: str | None = None,
    show: Show = Show.everyone, search: str = "", sort: SortBy = SortBy.name, page: int = 1,
    per_page: int = PER_PAGE, now: datetime | None = None,
) -> Matrix:
    board = dashboard(session, member=member, now=now or datetime.now(UTC), with_cells=True)
    needle = search.strip().casefold()
    rows = [p for p in board.people
            if (not organization or p.organization == organization)
            and (not group or p.group == group) and _shows(p, show)
            and (not needle or needle in p.name.casefold() or needle in p.email)]
    if sort == SortBy.progress:
        rows.sort(key=lambda p: (-(p.must_done + p.can_done), p.name))
    elif sort == SortBy.activity:
        rows.sort(key=lambda p: (p.last_activity is None, -(p.last_activity.timestamp()
                                                            if p.last_activity else 0), p.name))
    pages = max(1, -(-len(rows) // per_page))
    if page > pages:
        page = pages
    start = (page - 1) * per_page
    return Matrix(board=board, rows=rows[start:start + per_page], total=len(rows), page=page,
                  pages=pages,
                  organizations=sorted({p.organization for p in board.people if p.organization}),
                  groups=sorted({p.group for p in board.people if p.group}))


def participant(board: Dashboard, membership_id: int) -> ParticipantFigures:
    for person in board.people:
        if person.membership_id == membership_id:
            return person
    raise NotFound(_("No participant {id} in this cohort.").format(id=membership_id))
