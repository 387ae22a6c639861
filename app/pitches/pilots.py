"""The winner's pilot: once the results are published, a manager of the cohort approves a
winning group's idea as a pilot, noting the resources committed; the group posts dated updates
as it runs (approved → running → done); the cohort follows it, and managers see every pilot of
their cohorts in one list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.auth.models import Person, User
from app.cohorts.models import Cohort, CohortGroup, Member, Membership, Role
from app.db import id_of
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.forum import service as forum_service
from app.groups import service as groups_service
from app.i18n import _
from app.markdown import render_user_text
from app.pitches import voting
from app.pitches.models import Pilot, PilotStatus, PilotUpdate, VotingState

ORDER = [PilotStatus.approved, PilotStatus.running, PilotStatus.done]


@dataclass(frozen=True)
class UpdateEntry:
    update: PilotUpdate
    author_name: str


@dataclass(frozen=True)
class PilotView:
    group: CohortGroup
    pilot: Pilot | None
    approved_by: str | None
    updates: list[UpdateEntry]  # newest first
    may_approve: bool  # a manager, the results published, this group among the winners
    may_update: bool  # the group's own members
    next_statuses: list[PilotStatus]


@dataclass(frozen=True)
class PilotRow:
    cohort_key: str
    cohort_title: str
    group_key: str
    group_name: str
    status: PilotStatus
    approved_at: datetime
    updated_at: datetime


def status_label(status: PilotStatus) -> str:
    return {PilotStatus.approved: _("approved"), PilotStatus.running: _("running"),
            PilotStatus.done: _("done")}[status]


def _is_manager(member: Member) -> bool:
    return Role.manager in member.roles


def _winner(session: Session, member: Member, group: CohortGroup) -> bool:
    view = voting.voting_view(session, member=member)
    return view.state == VotingState.published and group.key in (view.winners or [])


def pilot_view(session: Session, *, member: Member, key: str) -> PilotView:
    group = groups_service.get_group(session, member=member, key=key)
    pilot = session.exec(select(Pilot).where(Pilot.group_id == group.id)).first()
    approver = session.get(User, pilot.approved_by_id) if pilot else None
    updates = [UpdateEntry(update=u, author_name=name) for u, name in session.exec(  # type: ignore[call-overload]
        sa.select(PilotUpdate, col(User.name))
        .join(Membership, col(Membership.id) == col(PilotUpdate.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(PilotUpdate.pilot_id) == (pilot.id if pilot else 0))
        .order_by(col(PilotUpdate.created_at).desc(), col(PilotUpdate.id).desc())).all()]
    mine = member.is_participant and member.membership.group_id == group.id
    return PilotView(
        group=group, pilot=pilot, approved_by=approver.name if approver else None,
        updates=updates,
        may_approve=pilot is None and _is_manager(member) and not member.is_admin_view
        and _winner(session, member, group),
        may_update=pilot is not None and mine and not member.is_admin_view,
        next_statuses=ORDER[ORDER.index(pilot.status) + 1:] if pilot else [])


def approve(session: Session, *, member: Member, key: str, resources: str,
            now: datetime | None = None) -> Pilot:
    """A manager approves a winning group's idea as a pilot, with the resources committed."""
    if not _is_manager(member) or member.is_admin_view:
        raise Forbidden(_("Only the cohort's managers approve a pilot."))
    group = groups_service.get_group(session, member=member, key=key)
    if not _winner(session, member, group):
        raise Conflict(_("Only a winner of the published vote becomes a pilot."))
    if session.exec(select(Pilot).where(Pilot.group_id == group.id)).first() is not None:
        raise Conflict(_("This idea is a pilot already."))
    resources = resources.strip()
    if not resources:
        raise InvalidInput(_("Note what you commit: time, money, people."), field="resources")
    forum_service.check_text(resources, field="resources")
    now = now or datetime.now(UTC)
    pilot = Pilot(cohort_id=id_of(member.cohort), group_id=id_of(group), resources=resources,
                  approved_by_id=id_of(member.user), approved_at=now, updated_at=now)
    session.add(pilot)
    session.flush()
    return pilot


def post_update(session: Session, *, member: Member, key: str, body: str,
                status: PilotStatus | None = None, now: datetime | None = None) -> PilotUpdate:
    """The group notes how the pilot goes, and may move it on (never back)."""
    view = pilot_view(session, member=member, key=key)
    if view.pilot is None:
        raise NotFound(_("This idea is not a pilot (yet)."))
    if not view.may_update:
        raise Forbidden(_("Only the group's members post updates on its pilot."))
    forum_service.check_text(body)
    if status is not None and status != view.pilot.status and status not in view.next_statuses:
        raise Conflict(_("A pilot moves on from approved to running to done, never back."))
    now = now or datetime.now(UTC)
    update = PilotUpdate(pilot_id=id_of(view.pilot), author_id=id_of(member.membership), body=body,
                         body_html=render_user_text(body), created_at=now,
                         status=status if status != view.pilot.status else None)
    if status is not None:
        view.pilot.status = status
    view.pilot.updated_at = now
    session.add(update)
    session.add(view.pilot)
    session.flush()
    return update


def all_pilots(session: Session, *, user: Person, is_admin: bool) -> list[PilotRow]:
    """Every pilot of the cohorts the person manages (a site admin: of every cohort)."""
    statement = (sa.select(col(Cohort.key), col(Cohort.title), col(CohortGroup.key),
                           col(CohortGroup.name), col(Pilot.status), col(Pilot.approved_at),
                           col(Pilot.updated_at))
                 .join(Cohort, col(Cohort.id) == col(Pilot.cohort_id))
                 .join(CohortGroup, col(CohortGroup.id) == col(Pilot.group_id))
                 .order_by(col(Pilot.updated_at).desc(), col(Pilot.id).desc()))
    if not is_admin:
        managed = sa.select(col(Membership.cohort_id)).where(
            col(Membership.user_id) == user.id, col(Membership.role) == Role.manager,
            col(Membership.is_active).is_(True))
        statement = statement.where(col(Pilot.cohort_id).in_(managed))
    return [PilotRow(*row) for row in session.connection().execute(statement).all()]
