"""Cohorts as their members see them. Every lookup is scoped to the caller: a stranger gets
NotFound, never a hint that the cohort exists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.auth.models import User
from app.cohorts.models import Cohort, Member, Membership, Role
from app.db import id_of
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.programs.models import Program

_ROLE_ORDER = {role: i for i, role in enumerate(Role)}  # participant first


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
    rows = sorted(session.exec(statement).all(), key=lambda r: _ROLE_ORDER[r[0].role])
    if not rows:
        raise cohort_not_found(cohort_key)
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
        member = members.get(id_of(cohort))
        if member is None:
            members[id_of(cohort)] = Member(user=user, cohort=cohort, program=program,
                                            membership=membership, roles=[membership.role])
            continue
        member.roles.append(membership.role)
        if membership.role == Role.participant:
            member.membership = membership
    for member in members.values():
        member.roles.sort(key=_ROLE_ORDER.__getitem__)
    return list(members.values())


def roles_of(session: Session, *, user: User) -> list[Role]:
    """Every role the person holds in any cohort they are active in."""
    statement = (
        select(Membership.role).where(Membership.user_id == user.id, col(Membership.is_active))
        .distinct()
    )
    return sorted((Role(r) for r in session.exec(statement).all()), key=_ROLE_ORDER.__getitem__)


@dataclass
class DemoPerson:
    user: User
    roles: list[tuple[str, Role]]  # (cohort title, role)


def demo_people(session: Session) -> list[DemoPerson]:
    """Everyone with an active membership, for the demo sign-in page."""
    statement = (
        select(User, Cohort.title, Membership.role)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(col(Membership.is_active))
        .order_by(col(Membership.role).desc(), User.name, Cohort.title)
    )
    people: dict[int, DemoPerson] = {}
    for user, cohort_title, role in session.exec(statement):
        people.setdefault(id_of(user), DemoPerson(user=user, roles=[])).roles.append(
            (cohort_title, Role(role)))
    return list(people.values())


def demo_person(session: Session, *, email: str) -> User:
    """Someone to sign in as on the demo login (only people in a cohort are offered)."""
    person = auth_service.get_user_by_email(session, email=email) if email else None
    if person is None:
        raise InvalidInput(_("Choose one of the demo people below."))
    return person
