"""The figures of a cohort (DESIGN.md §6), computed in one place for the dashboard page, the
API, the CSV export, the progress matrix and the list of who is behind.

Set-based: the participants, their completions and their posts are three queries whatever the
cohort's size; the rest is counting in memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from enum import StrEnum
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from app.auth.models import User
from app.cohorts.models import CohortGroup, Member, Membership, Role, role_label
from app.errors import Forbidden
from app.i18n import _
from app.posts.models import Post
from app.programs import service as programs_service
from app.programs.models import ThingFacts, ThingKind
from app.programs.schedule import Window
from app.progress import service as progress_service
from app.progress.models import COUNTED, Approval, Completion

SOON = timedelta(days=7)  # "soon due" in reminders


class Cell(StrEnum):
    """One participant's state for one Thing, as the matrix and the CSV show it."""

    done = "done"
    waiting = "waiting"  # done, waiting for the trainer's approval
    returned = "returned"  # the trainer sent it back
    overdue = "overdue"
    open = "open"
    locked = "locked"


def require_staff(member: Member) -> None:
    """Dashboards are for the cohort's trainers and managers (and site admins)."""
    if not member.is_staff:
        roles = ", ".join(role_label(r) for r in member.roles)
        raise Forbidden(_("Only this cohort's trainers and managers see its figures; you are "
                          "{roles} in it.").format(roles=roles))


@dataclass
class ParticipantFigures:
    membership_id: int
    email: str
    name: str
    organization: str | None
    group: str | None
    must_done: int = 0  # counted toward the rule (approved where approval is needed)
    can_done: int = 0
    completed: bool = False
    started: bool = False
    overdue: list[ThingFacts] = field(default_factory=list)  # must-do Things past due, not done
    overdue_count: int = 0  # how many (the summarised figures have the count, not the list)
    last_activity: datetime | None = None
    cells: list[Cell] = field(default_factory=list)  # per Thing, in programme order


@dataclass(frozen=True)
class OrganizationFigures:
    organization: str | None
    participants: int
    started: int
    completed: int


@dataclass(frozen=True)
class ThingFigures:
    thing: ThingFacts
    done: int  # participants for whom it is done (waiting for approval included)

    @property
    def key(self) -> str:
        return self.thing.key

    @property
    def title(self) -> str:
        return self.thing.title

    @property
    def kind(self) -> ThingKind:
        return self.thing.kind


@dataclass(frozen=True)
class WeekFigures:
    week: date  # the Monday the week starts, in the cohort's time zone
    completions: int


@dataclass
class Dashboard:
    member: Member
    things: tuple[ThingFacts, ...]
    windows: tuple[Window, ...]
    people: list[ParticipantFigures]
    by_organization: list[OrganizationFigures]
    by_thing: list[ThingFigures]
    by_week: list[WeekFigures]
    now: datetime

    @property
    def participants(self) -> int:
        return len(self.people)

    @property
    def started(self) -> int:
        return sum(p.started for p in self.people)

    @property
    def completed(self) -> int:
        return sum(p.completed for p in self.people)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.participants if self.people else 0.0

    @property
    def overdue(self) -> int:
        return sum(p.overdue_count > 0 for p in self.people)

    @property
    def benchmark(self) -> float:
        return self.member.cohort.benchmark

    @property
    def points_below_benchmark(self) -> int:
        """How many percentage points the completion rate is below the benchmark (0: not)."""
        return max(0, round((self.benchmark - self.completion_rate) * 100))

    @property
    def behind(self) -> list[ParticipantFigures]:
        """Who has must-do Things past due: most overdue first, then by name (from the
        detailed figures, `with_cells`, which name the Things)."""
        return sorted((p for p in self.people if p.overdue), key=lambda p: (-len(p.overdue), p.name))


# Who the figures count: the cohort's active participants.
_COUNTED_PEOPLE = (col(Membership.cohort_id) == sa.bindparam("cohort_id"),
                   col(Membership.role) == Role.participant, col(Membership.is_active))
_PARTICIPANTS = (
    sa.select(col(Membership.id), col(User.email), col(User.name), col(Membership.organization),
              col(CohortGroup.name))
    .join(User, col(User.id) == col(Membership.user_id))
    .outerjoin(CohortGroup, col(CohortGroup.id) == col(Membership.group_id))
    .where(*_COUNTED_PEOPLE)
    .order_by(col(User.name), col(Membership.id))
)
_ORGANIZATIONS = sa.select(col(Membership.id), col(Membership.organization)).where(*_COUNTED_PEOPLE)
_IN_COHORT = sa.select(col(Membership.id)).where(*_COUNTED_PEOPLE)
_COMPLETIONS = sa.select(col(Completion.membership_id), col(Completion.thing_id),
                         col(Completion.approval), col(Completion.completed_at)).where(
    col(Completion.membership_id).in_(_IN_COHORT.scalar_subquery()))
_LAST_POSTS = (sa.select(col(Post.author_id), sa.func.max(col(Post.created_at)))
               .where(col(Post.cohort_id) == sa.bindparam("cohort_id"))
               .group_by(col(Post.author_id)))


def _cell(window: Window, approval: Approval | None, now: datetime) -> Cell:
    if approval is not None:
        return {Approval.pending: Cell.waiting, Approval.rejected: Cell.returned}.get(approval, Cell.done)
    if window.opens_at is not None and now < window.opens_at:
        return Cell.locked
    if window.due_at is not None and now >= window.due_at:
        return Cell.overdue
    return Cell.open


def dashboard(session: Session, *, member: Member, now: datetime | None = None,
              with_cells: bool = False) -> Dashboard:
    """Every figure of the member's cohort, as of `now`. With `with_cells`, also each
    participant's state per Thing, their overdue Things and last activity (for the matrix,
    the CSV and reminders); without, the figures are counted by the database."""
    require_staff(member)
    now = now or datetime.now(UTC)
    if with_cells:
        return _detailed(session, member=member, now=now)
    return _summarised(session, member=member, now=now)


def _detailed(session: Session, *, member: Member, now: datetime) -> Dashboard:
    cohort, program = member.cohort, member.program
    curriculum = programs_service.curriculum(session, program=program)
    things, windows = curriculum.things, progress_service.windows_of(member, curriculum)
    index = {thing.id: i for i, thing in enumerate(things)}
    params = {"cohort_id": cohort.id}
    connection = session.connection()
    people = [ParticipantFigures(membership_id=cast(int, row[0]), email=row[1], name=row[2],
                                 organization=row[3], group=row[4])
              for row in connection.execute(_PARTICIPANTS, params).all()]
    by_id = {p.membership_id: p for p in people}
    approvals: dict[int, list[Approval | None]] = {p.membership_id: [None] * len(things)
                                                   for p in people}
    zone = ZoneInfo(cohort.timezone)
    weeks: Counter[date] = Counter()
    for membership_id, thing_id, stored, completed_at in connection.execute(_COMPLETIONS, params).all():
        position = index.get(thing_id)
        person = by_id.get(membership_id)
        if position is None or person is None:
            continue  # an archived Thing's completion: kept, but not counted
        approval = Approval(stored)
        approvals[membership_id][position] = approval
        if approval != Approval.rejected:
            local = completed_at.astimezone(zone).date()
            weeks[local - timedelta(days=local.weekday())] += 1
            if person.last_activity is None or completed_at > person.last_activity:
                person.last_activity = completed_at
    for author_id, last_post in connection.execute(_LAST_POSTS, params).all():
        person = by_id.get(author_id)
        if person is not None:
            person.started = True
            if person.last_activity is None or last_post > person.last_activity:
                person.last_activity = last_post

    must_needed = (sum(t.kind == ThingKind.must for t in things)
                   if program.completion_must is None else program.completion_must)
    done_per_thing = [0] * len(things)
    past_due = [w.due_at is not None and now >= w.due_at for w in windows]
    for person in people:
        row = approvals[person.membership_id]
        for position, (thing, state) in enumerate(zip(things, row, strict=True)):
            is_done = state is not None and state != Approval.rejected
            if is_done:
                done_per_thing[position] += 1
                person.started = True
            if state in COUNTED:
                if thing.kind == ThingKind.must:
                    person.must_done += 1
                elif thing.kind == ThingKind.can:
                    person.can_done += 1
            if not is_done and thing.kind == ThingKind.must and past_due[position]:
                person.overdue.append(thing)
        person.overdue_count = len(person.overdue)
        person.completed = person.must_done >= must_needed and person.can_done >= program.completion_can
        person.cells = [_cell(w, a, now) for w, a in zip(windows, row, strict=True)]

    return Dashboard(
        member=member, things=things, windows=windows, people=people, now=now,
        by_organization=_by_organization(people),
        by_thing=[ThingFigures(thing=t, done=d) for t, d in zip(things, done_per_thing, strict=True)],
        by_week=_by_week(weeks, cohort.starts_on, min(cohort.ends_on, now.astimezone(zone).date())),
    )


_NOT_REJECTED = col(Completion.approval) != Approval.rejected
_COUNTS = col(Completion.approval).in_([a.value for a in COUNTED])
_STARTED_BY_POSTS = (sa.select(col(Post.author_id)).where(col(Post.cohort_id) == sa.bindparam("cohort_id"))
                     .distinct())


def _summarised(session: Session, *, member: Member, now: datetime) -> Dashboard:
    """The same figures as `_detailed`, with the counting done by the database: a row per
    participant, a row per Thing and a row per week come back instead of every completion."""
    cohort, program = member.cohort, member.program
    curriculum = programs_service.curriculum(session, program=program)
    things, windows = curriculum.things, progress_service.windows_of(member, curriculum)
    ids = [t.id for t in things]
    must = [t.id for t in things if t.kind == ThingKind.must]
    can = [t.id for t in things if t.kind == ThingKind.can]
    past_due_must = [t.id for t, w in zip(things, windows, strict=True)
                     if t.kind == ThingKind.must and w.due_at is not None and now >= w.due_at]
    params = {"cohort_id": cohort.id}
    connection = session.connection()
    # names and groups are not needed for counting (the detailed figures have them)
    people = [ParticipantFigures(membership_id=cast(int, row[0]), email="", name="",
                                 organization=row[1], group=None)
              for row in connection.execute(_ORGANIZATIONS, params).all()]
    by_id = {p.membership_id: p for p in people}
    for person in people:  # until their completions say otherwise
        person.overdue_count = len(past_due_must)

    def count_where(*conditions: Any) -> Any:
        return sa.func.sum(sa.case((sa.and_(*conditions), 1), else_=0))

    in_cohort = sa.and_(col(Completion.membership_id).in_(_IN_COHORT.scalar_subquery()),
                        col(Completion.thing_id).in_(ids))
    per_person = sa.select(
        col(Completion.membership_id),
        count_where(col(Completion.thing_id).in_(must), _COUNTS),
        count_where(col(Completion.thing_id).in_(can), _COUNTS),
        count_where(col(Completion.thing_id).in_(past_due_must), _NOT_REJECTED),
        count_where(_NOT_REJECTED),
    ).where(in_cohort).group_by(col(Completion.membership_id))
    for membership_id, must_done, can_done, past_due_done, done in connection.execute(
            per_person, params).all():
        counted = by_id.get(membership_id)
        if counted is not None:
            counted.must_done, counted.can_done = int(must_done or 0), int(can_done or 0)
            counted.overdue_count = len(past_due_must) - int(past_due_done or 0)
            counted.started = bool(done)
    for (author_id,) in connection.execute(_STARTED_BY_POSTS, params).all():
        if author_id in by_id:
            by_id[author_id].started = True
    must_needed = len(must) if program.completion_must is None else program.completion_must
    for person in people:
        if person.membership_id not in by_id or (person.overdue_count == 0 and not person.started):
            person.overdue_count = len(past_due_must) if not person.started else person.overdue_count
        person.completed = person.must_done >= must_needed and person.can_done >= program.completion_can

    done_rows = connection.execute(
        sa.select(col(Completion.thing_id), sa.func.count()).where(in_cohort, _NOT_REJECTED)
        .group_by(col(Completion.thing_id)), params)
    done_per_thing = dict(done_rows.all())
    zone = ZoneInfo(cohort.timezone)
    until = min(cohort.ends_on, now.astimezone(zone).date())
    return Dashboard(
        member=member, things=things, windows=windows, people=people, now=now,
        by_organization=_by_organization(people),
        by_thing=[ThingFigures(thing=t, done=int(done_per_thing.get(t.id, 0))) for t in things],
        by_week=_weeks_counted(connection, in_cohort, params, zone, cohort.starts_on, until),
    )


def _weeks_counted(connection: Any, in_cohort: Any, params: dict[str, Any], zone: ZoneInfo,
                   starts: date, until: date) -> list[WeekFigures]:
    """Completions per week, the weeks cut at Monday midnight in the cohort's zone: the cut
    instants are worked out here (daylight saving time included) and the database counts
    what falls between them."""
    weeks = _week_starts(starts, until)
    cuts = [datetime.combine(week, time_of_day.min, tzinfo=zone).astimezone(UTC)
            for week in [*weeks, weeks[-1] + timedelta(days=7)]]
    bucket = sa.case(*((col(Completion.completed_at) < cut, i) for i, cut in enumerate(cuts[1:])))
    rows = connection.execute(
        sa.select(bucket, sa.func.count()).where(in_cohort, _NOT_REJECTED,
                                                 col(Completion.completed_at) >= cuts[0],
                                                 col(Completion.completed_at) < cuts[-1])
        .group_by(bucket), params)
    counted = {int(i): int(n) for i, n in rows.all()}
    return [WeekFigures(week=week, completions=counted.get(i, 0)) for i, week in enumerate(weeks)]


def _by_organization(people: list[ParticipantFigures]) -> list[OrganizationFigures]:
    groups: dict[str | None, list[ParticipantFigures]] = {}
    for person in people:
        groups.setdefault(person.organization, []).append(person)
    return [OrganizationFigures(organization=org, participants=len(members),
                                started=sum(p.started for p in members),
                                completed=sum(p.completed for p in members))
            for org, members in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))]


def _week_starts(starts: date, until: date) -> list[date]:
    """The Mondays of the weeks from the cohort's first to this one (or its last)."""
    first = starts - timedelta(days=starts.weekday())
    return [first + timedelta(weeks=n) for n in range((max(until, first) - first).days // 7 + 1)]


def _by_week(weeks: Counter[date], starts: date, until: date) -> list[WeekFigures]:
    """Completions per week from the cohort's first week to this one (or its last)."""
    return [WeekFigures(week=week, completions=weeks.get(week, 0))
            for week in _week_starts(starts, until)]


@dataclass(frozen=True)
class Overview:
    """Several cohorts side by side, summed, and per organisation across them."""

    boards: list[Dashboard]
    by_organization: list[OrganizationFigures]

    @property
    def participants(self) -> int:
        return sum(b.participants for b in self.boards)

    @property
    def started(self) -> int:
        return sum(b.started for b in self.boards)

    @property
    def completed(self) -> int:
        return sum(b.completed for b in self.boards)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.participants if self.participants else 0.0

    @property
    def overdue(self) -> int:
        return sum(b.overdue for b in self.boards)


def overview(session: Session, *, members: list[Member], now: datetime | None = None) -> Overview:
    """The figures of every cohort where the caller is a trainer or manager."""
    now = now or datetime.now(UTC)
    boards = [dashboard(session, member=m, now=now) for m in members if m.is_staff]
    people = [p for b in boards for p in b.people]
    return Overview(boards=boards, by_organization=_by_organization(people))
