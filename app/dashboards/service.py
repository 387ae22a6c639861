"""The figures of a cohort (DESIGN.md §6), computed in one place for the dashboard page, the
API, the CSV export, the progress matrix and the list of who is behind.

Set-based: a fixed number of queries whatever the cohort's size. The dashboard's figures are
counted by the database; the detailed figures (each participant's state per Thing) fetch the
participants, their completions and their posts and count in memory.
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
from app.db import plan_for_actual_values
from app.errors import Forbidden
from app.i18n import _
from app.posts.models import Post
from app.programs import service as programs_service
from app.programs.models import Badge, ThingFacts, ThingKind
from app.programs.schedule import Window
from app.progress import service as progress_service
from app.progress.models import COUNTED, Approval, Award, Completion

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
    last_activity: datetime | None = None
    cells: list[Cell] = field(default_factory=list)  # per Thing, in programme order
    badges: list[str] = field(default_factory=list)  # names of the badges they hold


@dataclass(frozen=True)
class OrganizationFigures:
    organization: str | None
    participants: int
    started: int
    completed: int
    overdue: int  # participants with a must-do Thing past due and not done
    badges: int = 0  # badges held (awarded, not withdrawn)


def _organization_order(figures: OrganizationFigures) -> tuple[bool, str]:
    return figures.organization is None, figures.organization or ""


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
    people: list[ParticipantFigures]  # one each, with `with_cells` only
    by_organization: list[OrganizationFigures]
    by_thing: list[ThingFigures]
    by_week: list[WeekFigures]
    now: datetime
    awards_badges: bool = False  # the programme has badges: the figures show them

    @property
    def badges(self) -> int:
        return sum(org.badges for org in self.by_organization)

    @property
    def participants(self) -> int:
        return sum(o.participants for o in self.by_organization)

    @property
    def started(self) -> int:
        return sum(o.started for o in self.by_organization)

    @property
    def completed(self) -> int:
        return sum(o.completed for o in self.by_organization)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.participants if self.participants else 0.0

    @property
    def overdue(self) -> int:
        return sum(o.overdue for o in self.by_organization)

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
_HELD_BADGES = (
    sa.select(col(Award.membership_id), col(Badge.name))
    .join(Badge, col(Badge.id) == col(Award.badge_id))
    .join(Membership, col(Membership.id) == col(Award.membership_id))
    .where(*_COUNTED_PEOPLE, col(Award.revoked_at).is_(None))
    .order_by(col(Award.membership_id), col(Badge.position)))
_PARTICIPANTS = (
    sa.select(col(Membership.id), col(User.email), col(User.name), col(Membership.organization),
              col(CohortGroup.name))
    .join(User, col(User.id) == col(Membership.user_id))
    .outerjoin(CohortGroup, col(CohortGroup.id) == col(Membership.group_id))
    .where(*_COUNTED_PEOPLE)
    .order_by(col(User.name), col(Membership.id))
)
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
    plan_for_actual_values(session)
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

    if curriculum.badges:
        for membership_id, name in connection.execute(_HELD_BADGES, params).all():
            if membership_id in by_id:
                by_id[membership_id].badges.append(name)
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
        person.completed = person.must_done >= must_needed and person.can_done >= program.completion_can
        person.cells = [_cell(w, a, now) for w, a in zip(windows, row, strict=True)]

    return Dashboard(
        member=member, things=things, windows=windows, people=people, now=now,
        by_organization=_by_organization(people),
        by_thing=[ThingFigures(thing=t, done=d) for t, d in zip(things, done_per_thing, strict=True)],
        by_week=_by_week(weeks, cohort.starts_on, min(cohort.ends_on, now.astimezone(zone).date())),
        awards_badges=bool(curriculum.badges),
    )


_NOT_REJECTED = col(Completion.approval) != Approval.rejected
_COUNTS = col(Completion.approval).in_([a.value for a in COUNTED])
_POSTED = col(Membership.id).in_(
    sa.select(col(Post.author_id)).where(col(Post.cohort_id) == sa.bindparam("cohort_id")))


def _how_many(*conditions: Any) -> Any:
    return sa.func.count().filter(sa.and_(*conditions))


def _summarised(session: Session, *, member: Member, now: datetime) -> Dashboard:
    """The same figures as `_detailed`, all counted by the database: a row per organisation
    and a row per Thing and week come back, whatever the cohort's size."""
    cohort, program = member.cohort, member.program
    curriculum = programs_service.curriculum(session, program=program)
    things, windows = curriculum.things, progress_service.windows_of(member, curriculum)
    must = [t.id for t in things if t.kind == ThingKind.must]
    can = [t.id for t in things if t.kind == ThingKind.can]
    past_due_must = [t.id for t, w in zip(things, windows, strict=True)
                     if t.kind == ThingKind.must and w.due_at is not None and now >= w.due_at]
    must_needed = len(must) if program.completion_must is None else program.completion_must
    params = {"cohort_id": cohort.id}
    connection = session.connection()

    per_person = sa.select(
        col(Completion.membership_id).label("membership_id"),
        _how_many(col(Completion.thing_id).in_(must), _COUNTS).label("must_done"),
        _how_many(col(Completion.thing_id).in_(can), _COUNTS).label("can_done"),
        _how_many(col(Completion.thing_id).in_(past_due_must), _NOT_REJECTED).label("past_due_done"),
        _how_many(col(Completion.thing_id).in_([t.id for t in things]), _NOT_REJECTED).label("done"),
    ).where(col(Completion.membership_id).in_(_IN_COHORT.scalar_subquery())).group_by(
        col(Completion.membership_id)).subquery("per_person")

    def counted(column: Any) -> Any:  # a participant with no completions has no row
        return sa.func.coalesce(column, 0)

    started = sa.or_(counted(per_person.c.done) > 0, _POSTED)
    completed = sa.and_(counted(per_person.c.must_done) >= must_needed,
                        counted(per_person.c.can_done) >= program.completion_can)
    overdue = counted(per_person.c.past_due_done) < len(past_due_must)
    rows = connection.execute(
        sa.select(col(Membership.organization), sa.func.count(), _how_many(started),
                  _how_many(completed), _how_many(overdue))
        .select_from(Membership)
        .outerjoin(per_person, per_person.c.membership_id == col(Membership.id))
        .where(*_COUNTED_PEOPLE).group_by(col(Membership.organization)), params).all()
    held: dict[str | None, int] = dict(connection.execute(
        sa.select(col(Membership.organization), sa.func.count())
        .select_from(Award).join(Membership, col(Membership.id) == col(Award.membership_id))
        .where(*_COUNTED_PEOPLE, col(Award.revoked_at).is_(None))
        .group_by(col(Membership.organization)), params).all()) if curriculum.badges else {}
    by_organization = sorted(
        (OrganizationFigures(organization=org, participants=int(n), started=int(s), completed=int(c),
                             overdue=int(o), badges=int(held.get(org, 0)))
         for org, n, s, c, o in rows),
        key=_organization_order)

    zone = ZoneInfo(cohort.timezone)
    weeks = _week_starts(cohort.starts_on, min(cohort.ends_on, now.astimezone(zone).date()))
    done_per_thing, per_week = _done_per_thing_and_week(connection, params, things, zone, weeks)
    return Dashboard(
        member=member, things=things, windows=windows, people=[], now=now,
        by_organization=by_organization, awards_badges=bool(curriculum.badges),
        by_thing=[ThingFigures(thing=t, done=done_per_thing[t.id]) for t in things],
        by_week=[WeekFigures(week=week, completions=per_week[i]) for i, week in enumerate(weeks)],
    )


def _done_per_thing_and_week(connection: Any, params: dict[str, Any], things: tuple[ThingFacts, ...],
                             zone: ZoneInfo, weeks: list[date]) -> tuple[Counter[int], Counter[int]]:
    """Done Things counted per Thing, and per week (by index in `weeks`), in one pass. The
    weeks are cut at Monday midnight in the cohort's zone: the cut instants are worked out
    here (daylight saving time included) and the database sorts each completion between
    them; -1 is outside the weeks."""
    cuts = [datetime.combine(week, time_of_day.min, tzinfo=zone).astimezone(UTC)
            for week in [*weeks, weeks[-1] + timedelta(days=7)]]
    completed_at = col(Completion.completed_at)
    bucket = sa.case((completed_at < cuts[0], -1),
                     *((completed_at < cut, i) for i, cut in enumerate(cuts[1:])), else_=-1)
    rows = connection.execute(
        sa.select(col(Completion.thing_id), bucket, sa.func.count())
        .where(col(Completion.membership_id).in_(_IN_COHORT.scalar_subquery()), _NOT_REJECTED)
        .group_by(col(Completion.thing_id), bucket), params)
    current = {thing.id for thing in things}
    per_thing: Counter[int] = Counter()
    per_week: Counter[int] = Counter()
    for thing_id, week, count in rows.all():
        per_thing[thing_id] += count
        if week >= 0 and thing_id in current:  # an archived Thing's completion is not counted
            per_week[week] += count
    return per_thing, per_week


def _by_organization(people: list[ParticipantFigures]) -> list[OrganizationFigures]:
    groups: dict[str | None, list[ParticipantFigures]] = {}
    for person in people:
        groups.setdefault(person.organization, []).append(person)
    return sorted((OrganizationFigures(organization=org, participants=len(members),
                                       started=sum(p.started for p in members),
                                       completed=sum(p.completed for p in members),
                                       overdue=sum(bool(p.overdue) for p in members),
                                       badges=sum(len(p.badges) for p in members))
                   for org, members in groups.items()), key=_organization_order)


def _summed_by_organization(boards: list[Dashboard]) -> list[OrganizationFigures]:
    totals: dict[str | None, list[int]] = {}
    for board in boards:
        for figures in board.by_organization:
            total = totals.setdefault(figures.organization, [0, 0, 0, 0, 0])
            for i, n in enumerate((figures.participants, figures.started, figures.completed,
                                   figures.overdue, figures.badges)):
                total[i] += n
    return sorted((OrganizationFigures(org, *total) for org, total in totals.items()),
                  key=_organization_order)


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
    return Overview(boards=boards, by_organization=_summed_by_organization(boards))
