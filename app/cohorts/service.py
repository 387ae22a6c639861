"""Cohorts as their members see them. Every lookup is scoped to the caller: a stranger gets
NotFound, never a hint that the cohort exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.auth.models import ApiToken, BrowserSession, Person, PersonFacts, User
from app.cohorts.models import (
    Cohort,
    Member,
    Membership,
    MembershipFacts,
    Role,
    admin_membership,
)
from app.db import StampedRows, id_of
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.programs.models import Program

_ROLE_ORDER = {role: i for i, role in enumerate(Role)}  # participant first


def cohort_not_found(cohort_key: str) -> NotFound:
    return NotFound(_("This cohort does not exist, or you are not in it. Check the link, or "
                      "choose one of your cohorts."))


# Built once: asked on every request inside a cohort, by who is asking (a signed-in person, or
# the holder of a token) in one query. The cohort and programme change only on import, so
# their rows come from a per-process copy checked against the stamps read with the membership.
_IN_COHORT = (
    sa.select(col(User.id), col(User.email), col(User.name), col(Membership.id),
              col(Membership.cohort_id), col(Membership.role), col(Membership.organization),
              col(Membership.group_id), col(Cohort.updated_at), col(Program.id),
              col(Program.updated_at), col(User.is_admin), col(Membership.comments_unread),
              col(User.language))
    .join(Membership, col(Membership.user_id) == col(User.id))
    .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
    .join(Program, col(Program.id) == col(Cohort.program_id))
    .where(col(Cohort.key) == bindparam("cohort_key"), col(Membership.is_active))
)
_MEMBERSHIPS = _IN_COHORT.where(col(User.id) == bindparam("user_id"))
_MEMBERSHIPS_BY_TOKEN = (_IN_COHORT.add_columns(col(ApiToken.id), col(ApiToken.last_used_at))
                         .join(ApiToken, col(ApiToken.user_id) == col(User.id))
                         .where(col(ApiToken.token_hash) == bindparam("token_hash")))
_MEMBERSHIPS_BY_SESSION = (
    _IN_COHORT.join(BrowserSession, col(BrowserSession.user_id) == col(User.id))
    .where(col(BrowserSession.secret_hash) == bindparam("secret_hash"),
           col(BrowserSession.ended_at).is_(None)))
_cohorts = StampedRows(Cohort)
_programs = StampedRows(Program)


def get_member(session: Session, *, user: User, cohort_key: str) -> Member:
    """The caller's active membership(s) in a cohort, with the cohort and programme."""
    member = find_member(session, cohort_key=cohort_key, user_id=user.id)
    if member is None:
        raise cohort_not_found(cohort_key)
    return member


def find_member(
    session: Session, *, cohort_key: str, user_id: int | None = None, token: str | None = None,
    session_secret: str | None = None,
) -> Member | None:
    """Who is asking, as a member of the cohort: by their id, their API token or their
    browser's session (then the person and their membership come in one query). None: no such
    member (or no such token or live session)."""
    params: dict[str, object]
    if token is not None:
        statement, params = _MEMBERSHIPS_BY_TOKEN, {"token_hash": auth_service.token_digest(token)}
    elif session_secret is not None:
        statement = _MEMBERSHIPS_BY_SESSION
        params = {"secret_hash": auth_service.token_digest(session_secret)}
    else:
        statement, params = _MEMBERSHIPS, {"user_id": user_id}
    result = session.connection().execute(statement, {**params, "cohort_key": cohort_key})
    rows = sorted(result.all(), key=lambda r: _ROLE_ORDER[r[5]])
    if not rows:
        return None
    row: Any = rows[0]  # one row of the columns above, in that order
    membership = MembershipFacts(id=row[3], cohort_id=row[4], role=row[5], organization=row[6],
                                 group_id=row[7], comments_unread=row[12])
    return Member(user=PersonFacts(id=row[0], email=row[1], name=row[2], is_admin=row[11],
                                   language=row[13]),
                  cohort=_cohorts.get(session, membership.cohort_id, row[8]),
                  program=_programs.get(session, row[9], row[10]),
                  membership=membership, roles=[r[5] for r in rows],
                  token_id=row[14] if token else None, token_used_at=row[15] if token else None)


def member_or_admin_view(session: Session, *, user: Person, cohort_key: str) -> Member | None:
    """The person as a member of the cohort, or a site admin's view of it; None for anyone
    else (a stranger to the cohort)."""
    member = find_member(session, cohort_key=cohort_key, user_id=user.id)
    if member is None and user.is_admin and isinstance(user, User):
        member = admin_member(session, user=user, cohort_key=cohort_key)
    return member


def forget_all() -> None:
    """Drop the per-process copies (tests that roll the database back under a process)."""
    _cohorts.forget_all()
    _programs.forget_all()


def cohort_with_program(session: Session, *, cohort_key: str) -> tuple[Cohort, Program] | None:
    """A cohort and its programme by the cohort's key, whoever asks (callers decide who may)."""
    row = session.exec(select(Cohort, Program).join(Program, col(Program.id) == col(Cohort.program_id))
                       .where(Cohort.key == cohort_key)).first()
    return (row[0], row[1]) if row else None


def admin_member(session: Session, *, user: User, cohort_key: str) -> Member:
    """A site admin inside any cohort: they see it as its trainers and managers do."""
    row = cohort_with_program(session, cohort_key=cohort_key)
    if row is None or not user.is_admin:
        raise cohort_not_found(cohort_key)
    cohort, program = row
    return Member(user=user, cohort=cohort, program=program,
                  membership=admin_membership(id_of(cohort)),
                  roles=[Role.trainer, Role.manager], is_admin_view=True)


def participant_in(session: Session, *, member: Member, membership_id: int) -> Member:
    """Another participant of the caller's cohort, as a Member (for trainers' and managers'
    pages about them); anyone else is not found."""
    row = session.exec(select(Membership, User).join(User, col(User.id) == col(Membership.user_id))
                       .where(Membership.id == membership_id, Membership.cohort_id == member.cohort.id,
                              Membership.role == Role.participant, col(Membership.is_active))).first()
    if row is None:
        raise NotFound(_("No participant {id} in this cohort.").format(id=membership_id))
    membership, user = row
    return Member(user=user, cohort=member.cohort, program=member.program, membership=membership,
                  roles=[Role.participant])


def system_member(session: Session, *, cohort_key: str) -> Member:
    """Ting itself inside a cohort, for commands run by whoever runs the server (a scheduled
    `ting remind`): it acts as the cohort's trainers do."""
    row = cohort_with_program(session, cohort_key=cohort_key)
    if row is None:
        raise NotFound(_("No cohort '{key}' in Ting.").format(key=cohort_key))
    cohort, program = row
    return Member(user=PersonFacts(id=0, email="", name="Ting"), cohort=cohort, program=program,
                  membership=admin_membership(id_of(cohort)), roles=[Role.trainer, Role.manager],
                  is_admin_view=True)


def my_cohorts(session: Session, *, user: User) -> list[Member]:
    """Every cohort the caller is active in, newest first, one entry per cohort (for a site
    admin, every cohort)."""
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
    if user.is_admin:
        return _with_every_cohort(session, user=user, members=members)
    return list(members.values())


def _with_every_cohort(session: Session, *, user: User, members: dict[int, Member]) -> list[Member]:
    statement = (select(Cohort, Program).join(Program, col(Program.id) == col(Cohort.program_id))
                 .order_by(col(Cohort.starts_on).desc(), Cohort.title))
    every = []
    for cohort, program in session.exec(statement):
        every.append(members.get(id_of(cohort)) or Member(
            user=user, cohort=cohort, program=program, membership=admin_membership(id_of(cohort)),
            roles=[Role.trainer, Role.manager], is_admin_view=True))
    return every


def rostered_person(session: Session, *, email: str) -> User | None:
    """The person with this e-mail address if a cohort lists them (active), or a site admin:
    who may sign in. Nobody else gets an account by signing in."""
    user = auth_service.get_user_by_email(session, email=email)
    if user is None:
        return None
    if user.is_admin:
        return user
    statement = select(Membership.id).where(Membership.user_id == user.id,
                                            col(Membership.is_active)).limit(1)
    return user if session.exec(statement).first() is not None else None


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
        select(User, Cohort, Membership.role)
        .join(Membership, col(Membership.user_id) == col(User.id))
        .join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(col(Membership.is_active))
        .order_by(col(Membership.role).desc(), User.name, Cohort.title)
    )
    people: dict[int, DemoPerson] = {}
    for user, cohort, role in session.exec(statement):
        people.setdefault(id_of(user), DemoPerson(user=user, roles=[])).roles.append(
            (cohort.text("title"), Role(role)))
    return list(people.values())


@dataclass
class DemoGroup:
    """People shown together on the demo sign-in page: the staff, then each cohort's
    participants (a title of None: the staff)."""

    cohort_title: str | None
    people: list[DemoPerson]


def demo_groups(session: Session) -> list[DemoGroup]:
    groups: dict[str | None, DemoGroup] = {None: DemoGroup(None, [])}
    for person in demo_people(session):
        staff = any(role != Role.participant for _title, role in person.roles)
        title = None if staff else person.roles[0][0]
        groups.setdefault(title, DemoGroup(title, [])).people.append(person)
    return [g for g in groups.values() if g.people]


def demo_person(session: Session, *, email: str) -> User:
    """Someone to sign in as on the demo login (only people in a cohort are offered)."""
    person = auth_service.get_user_by_email(session, email=email) if email else None
    if person is None:
        raise InvalidInput(_("Choose one of the demo people below."))
    return person
