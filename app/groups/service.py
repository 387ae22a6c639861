"""Groups: up to the programme's `max_size` participants working out one idea, with a resource
person to turn to. The cohort file assigns people, or, where the programme lets them, they join
and leave themselves while groups are open (until the pitch is due); trainers move anyone.

No group ever holds more than `max_size` participants, however many people click at the same
moment: a place is taken by one UPDATE that counts the group's members in the same statement,
after the group's row is locked (PostgreSQL; SQLite writes one transaction at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import CohortGroup, Member, Membership, Role, require_trainer
from app.db import id_of
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.forum import service as forum_service
from app.i18n import _

IDEA_CHARS = 200


@dataclass(frozen=True)
class GroupMember:
    membership_id: int
    name: str
    organization: str | None


@dataclass(frozen=True)
class GroupView:
    group: CohortGroup
    members: list[GroupMember]
    resource_name: str | None
    max_size: int
    is_mine: bool
    may_enter: bool  # its space: members, resource person, trainers

    @property
    def is_full(self) -> bool:
        return len(self.members) >= self.max_size


@dataclass(frozen=True)
class GroupsOverview:
    groups: list[GroupView]
    without_group: list[GroupMember]  # active participants in no group
    self_select: bool
    open_until: datetime | None
    is_open: bool
    may_choose: bool  # the caller may join and leave themselves now
    my_group: CohortGroup | None


def max_size(member: Member) -> int:
    size = member.program.groups_max_size
    if size is None:
        raise NotFound(_("This programme has no groups."))
    return size


def open_until(member: Member) -> datetime | None:
    """Groups are open until the pitch is due (the final session when the file names no date)."""
    return member.cohort.pitch_due_at or member.cohort.final_session_at


def _is_open(member: Member, now: datetime) -> bool:
    until = open_until(member)
    return until is None or now < until


def _may_choose(member: Member, now: datetime) -> bool:
    return (member.program.groups_self_select and member.is_participant
            and not member.is_admin_view and _is_open(member, now))


_PEOPLE = (
    sa.select(col(Membership.id), col(Membership.group_id), col(User.name),
              col(Membership.organization))
    .join(User, col(User.id) == col(Membership.user_id))
    .where(col(Membership.role) == Role.participant, col(Membership.is_active).is_(True))
    .order_by(col(User.name), col(Membership.id))
)


def overview(session: Session, *, member: Member, now: datetime | None = None) -> GroupsOverview:
    """Every group of the cohort with its members, and who has none yet: three queries."""
    size = max_size(member)
    now = now or datetime.now(UTC)
    groups = list(session.exec(
        select(CohortGroup).where(CohortGroup.cohort_id == member.cohort.id,
                                  col(CohortGroup.archived_at).is_(None))
        .order_by(col(CohortGroup.name), col(CohortGroup.id))))
    people = session.connection().execute(
        _PEOPLE.where(col(Membership.cohort_id) == member.cohort.id)).all()
    resources = _names(session, {g.resource_user_id for g in groups if g.resource_user_id})
    by_group: dict[int | None, list[GroupMember]] = {}
    for membership_id, group_id, name, organization in people:
        by_group.setdefault(group_id, []).append(GroupMember(cast(int, membership_id), name, organization))
    listed = {g.id for g in groups}
    without = [p for group_id, found in by_group.items() if group_id not in listed for p in found]
    mine = member.membership.group_id if member.is_participant else None
    views = [GroupView(group=g, members=by_group.get(g.id, []),
                       resource_name=resources.get(g.resource_user_id or 0), max_size=size,
                       is_mine=g.id == mine, may_enter=forum_service.may_enter(member, g))
             for g in groups]
    return GroupsOverview(
        groups=views, without_group=sorted(without, key=lambda p: p.name),
        self_select=member.program.groups_self_select, open_until=open_until(member),
        is_open=_is_open(member, now), may_choose=_may_choose(member, now),
        my_group=next((v.group for v in views if v.is_mine), None))


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {cast(int, user_id): name for user_id, name in session.connection().execute(
        sa.select(col(User.id), col(User.name)).where(col(User.id).in_(user_ids))).all()}


def get_group(session: Session, *, member: Member, key: str) -> CohortGroup:
    max_size(member)
    group = session.exec(select(CohortGroup).where(
        CohortGroup.cohort_id == member.cohort.id, CohortGroup.key == key,
        col(CohortGroup.archived_at).is_(None))).first()
    if group is None:
        raise forum_service.group_not_found()
    return group


def group_view(session: Session, *, member: Member, key: str) -> GroupView:
    """One group with its members and resource person: three queries."""
    group = get_group(session, member=member, key=key)
    people = session.connection().execute(
        _PEOPLE.where(col(Membership.cohort_id) == member.cohort.id,
                      col(Membership.group_id) == group.id)).all()
    resource = _names(session, {group.resource_user_id} if group.resource_user_id else set())
    return GroupView(
        group=group, members=[GroupMember(cast(int, m), name, org) for m, _g, name, org in people],
        resource_name=resource.get(group.resource_user_id or 0), max_size=max_size(member),
        is_mine=member.is_participant and member.membership.group_id == group.id,
        may_enter=forum_service.may_enter(member, group))


def _full(group: CohortGroup, size: int) -> Conflict:
    return Conflict(_("{group} is full: all {size} places are taken. Choose another group.")
                    .format(group=group.name, size=size))


def _take_place(session: Session, *, group: CohortGroup, membership_id: int, size: int) -> bool:
    """Put one participant in the group if it has a place left; whether it did."""
    if session.get_bind().dialect.name == "postgresql":
        # whoever comes second waits here, then counts the first one's member
        session.execute(sa.select(col(CohortGroup.id)).where(col(CohortGroup.id) == group.id)
                        .with_for_update())
    others = sa.alias(Membership.__table__, "others")  # type: ignore[attr-defined]
    taken = (sa.select(sa.func.count()).select_from(others)
             .where(others.c.group_id == group.id, others.c.is_active.is_(True),
                    others.c.role == Role.participant.value, others.c.id != membership_id)
             .scalar_subquery())
    result = session.execute(
        sa.update(Membership)
        .where(col(Membership.id) == membership_id, taken < size)
        .values(group_id=group.id)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _set_group(session: Session, membership_id: int, group_id: int | None) -> None:
    session.execute(sa.update(Membership).where(col(Membership.id) == membership_id)
                    .values(group_id=group_id).execution_options(synchronize_session=False))


def join(session: Session, *, member: Member, key: str, now: datetime | None = None) -> CohortGroup:
    """The caller joins a group (leaving the one they were in), while groups are open."""
    group = get_group(session, member=member, key=key)
    _require_choosing(member, now or datetime.now(UTC))
    if member.membership.group_id == group.id:
        return group
    if not _take_place(session, group=group, membership_id=id_of(member.membership),
                       size=max_size(member)):
        raise _full(group, max_size(member))
    return group


def leave(session: Session, *, member: Member, key: str, now: datetime | None = None) -> None:
    group = get_group(session, member=member, key=key)
    _require_choosing(member, now or datetime.now(UTC))
    if member.membership.group_id != group.id:
        raise Conflict(_("You are not in {group}.").format(group=group.name))
    _set_group(session, id_of(member.membership), None)


def _require_choosing(member: Member, now: datetime) -> None:
    if not member.program.groups_self_select:
        raise Forbidden(_("In this cohort the trainers put people in groups; ask them to move "
                          "you."))
    if not member.is_participant or member.is_admin_view:
        raise Forbidden(_("Only this cohort's participants join groups."))
    if not _is_open(member, now):
        raise Conflict(_("Groups closed when the pitches were due; ask a trainer to move you."))


def move(session: Session, *, member: Member, membership_id: int, key: str | None) -> None:
    """A trainer puts a participant in a group (`key`), or in none (None), at any time."""
    require_trainer(member, _("Only the cohort's trainers move people between groups."))
    size = max_size(member)
    person = session.get(Membership, membership_id)
    if (person is None or person.cohort_id != member.cohort.id
            or person.role != Role.participant or not person.is_active):
        raise NotFound(_("This person is not a participant of the cohort."))
    if key is None or key == "":
        _set_group(session, membership_id, None)
        return
    group = get_group(session, member=member, key=key)
    if person.group_id != group.id and not _take_place(
            session, group=group, membership_id=membership_id, size=size):
        raise _full(group, size)


def set_resource(session: Session, *, member: Member, key: str, user_id: int | None) -> CohortGroup:
    """A trainer names the group's resource person: anyone active in the cohort, or nobody."""
    require_trainer(member, _("Only the cohort's trainers name a group's resource person."))
    group = get_group(session, member=member, key=key)
    if user_id is not None and user_id not in dict(resource_choices(session, member=member)):
        raise InvalidInput(_("Choose someone from this cohort."), field="resource")
    group.resource_user_id = user_id
    session.add(group)
    session.flush()
    return group


def resource_choices(session: Session, *, member: Member) -> list[tuple[int, str]]:
    """Everyone active in the cohort, by name: who may be a resource person."""
    return [(cast(int, user_id), name) for user_id, name in session.connection().execute(
        sa.select(col(User.id), col(User.name)).distinct()
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(col(Membership.cohort_id) == member.cohort.id, col(Membership.is_active).is_(True))
        .order_by(col(User.name), col(User.id))).all()]


def set_idea(session: Session, *, member: Member, key: str, idea: str) -> CohortGroup:
    """The idea's working title: the group's members and the cohort's trainers write it."""
    group = get_group(session, member=member, key=key)
    if not forum_service.may_enter(member, group):
        raise forum_service.group_not_found()
    idea = idea.strip()
    if len(idea) > IDEA_CHARS:
        raise InvalidInput(_("The working title is too long: at most {limit} characters.")
                           .format(limit=IDEA_CHARS), field="idea")
    group.idea = idea or None
    session.add(group)
    session.flush()
    return group
