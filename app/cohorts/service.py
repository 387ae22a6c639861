"""Cohorts as their members see them. Every lookup is scoped to the caller: a stranger gets
NotFound, never a hint that the cohort exists."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import Cohort, Membership, Role, role_label
from app.errors import Forbidden, NotFound
from app.i18n import _
from app.programs.models import Program


@dataclass
class Member:
    """The caller inside one cohort: who, where, in which role(s)."""

    user: User
    cohort: Cohort
    program: Program
    membership: Membership  # the participant membership when there is one
    roles: list[str] = field(default_factory=list)

    @property
    def is_participant(self) -> bool:
        return Role.participant in self.roles


def require_participant(member: Member) -> Member:
    """Things, reflections and posts are the participants' own; trainers and managers see."""
    if not member.is_participant:
        roles = ", ".join(role_label(r) for r in member.roles)
        raise Forbidden(_("Only this cohort's participants can do that; you are {roles} in it.")
                        .format(roles=roles))
    return member


def cohort_not_found(cohort_key: str) -> NotFound:
    return NotFound(_("No cohort '{key}' that you belong to.").format(key=cohort_key))


def get_member(session: Session, *, user: User, cohort_key: str) -> Member:
    """The caller's active membership(s) in a cohort, with the cohort and programme."""
    statement = (
        select(Membership, Cohort, Program)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .join(Program, col(Program.id) == col(Cohort.program_id))
        .where(Cohort.key == cohort_key, Membership.user_id == user.id, col(Membership.is_active))
    )
    rows = session.exec(statement).all()
    if not rows:
        raise cohort_not_found(cohort_key)
    rows = sorted(rows, key=lambda r: r[0].role != Role.participant)  # participant first
    membership, cohort, program = rows[0]
    return Member(user=user, cohort=cohort, program=program, membership=membership,
                  roles=[r[0].role for r in rows])


def my_cohorts(session: Session, *, user: User) -> list[Member]:
    """Every cohort the caller is active in, newest first, one entry per cohort."""
    statement = (
        select(Membership, Cohort, Program)
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .join(Program, col(Program.id) == col(Cohort.program_id))
        .where(Membership.user_id == user.id, col(Membership.is_active))
        .order_by(col(Cohort.starts_on).desc(), Cohort.title)
    )
    members: dict[int, Member] = {}
    for membership, cohort, program in session.exec(statement):
        assert cohort.id is not None
        member = members.get(cohort.id)
        if member is None:
            members[cohort.id] = Member(user=user, cohort=cohort, program=program,
                                        membership=membership, roles=[membership.role])
            continue
        member.roles.append(membership.role)
        if membership.role == Role.participant:
            member.membership = membership
    for member in members.values():
        member.roles.sort(key=lambda r: list(Role).index(Role(r)))
    return list(members.values())
