"""Inviting the people on a cohort's roster who have no single sign-on: a link to set a
password, mailed through the outbox (and printed by `ting invite`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.auth import passwords
from app.auth import service as auth_service
from app.auth.models import AccountLink, LinkPurpose, User
from app.cohorts import models as cohort_rules
from app.cohorts import service as cohorts_service
from app.cohorts.models import Cohort, Member, Membership, Role, role_label
from app.errors import InvalidInput
from app.i18n import _, speaking
from app.mail import service as mail_service

# Where a link's secret leads (built by the caller, which knows the app's routes).
LinkFor = Callable[[str], str]


@dataclass(frozen=True)
class RosterEntry:
    user: User
    roles: list[Role]
    signed_in_at: datetime | None
    has_password: bool
    invited_at: datetime | None  # the newest invitation, used or not

    @property
    def has_signed_in(self) -> bool:
        return self.signed_in_at is not None


@dataclass(frozen=True)
class Invitation:
    user: User
    url: str


def require_trainer(member: Member) -> None:
    cohort_rules.require_trainer(member, _("Only this cohort's trainers can invite people."))


def roster(session: Session, *, cohort: Cohort) -> list[RosterEntry]:
    """Everyone active in the cohort, by name, with whether they have signed in yet."""
    rows = session.exec(
        select(User, Membership.role).join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.cohort_id == cohort.id, col(Membership.is_active))
        .order_by(col(User.name), col(User.id))
    ).all()
    people: dict[int, tuple[User, list[Role]]] = {}
    for user, role in rows:
        assert user.id is not None
        people.setdefault(user.id, (user, []))[1].append(Role(role))
    invited = dict(session.exec(
        select(AccountLink.user_id, AccountLink.created_at)
        .where(col(AccountLink.user_id).in_(list(people)),
               AccountLink.purpose == LinkPurpose.invitation)
        .order_by(col(AccountLink.created_at))).all())
    return [RosterEntry(user=user, roles=roles, signed_in_at=user.last_signed_in_at,
                        has_password=user.password_hash is not None, invited_at=invited.get(uid))
            for uid, (user, roles) in people.items()]


def invite(
    session: Session, *, people: list[User], link_for: LinkFor, lifetime: timedelta, now: datetime,
    cohort: Cohort | None = None, inviter: str | None = None,
) -> list[Invitation]:
    """A fresh invitation link for each person (earlier ones stop working), and a mail with
    it in the outbox."""
    sent = []
    for user in people:
        url = link_for(passwords.make_link(session, user=user, purpose=LinkPurpose.invitation,
                                           lifetime=lifetime, now=now))
        with speaking(user.language, cohort.language if cohort else None):
            _queue_invitation(session, user=user, url=url, cohort=cohort, inviter=inviter,
                              until=now + lifetime)
        sent.append(Invitation(user=user, url=url))
    return sent


def _queue_invitation(session: Session, *, user: User, url: str, cohort: Cohort | None,
                      inviter: str | None, until: datetime) -> None:
    title = cohort.text("title") if cohort else ""
    where = _("to {cohort} ").format(cohort=title) if cohort else ""
    who = _("{inviter} invites you ").format(inviter=inviter) if inviter else _("You are invited ")
    body = _(
        "Hello {name},\n\n{who}{where}in Ting, where you work through the programme one "
        "Thing at a time.\n\nChoose your password here (the link works once, until {until} "
        "UTC):\n\n{url}\n\nYour e-mail address is how you sign in: {email}\n"
    ).format(name=user.name, who=who, where=where, until=f"{until:%Y-%m-%d %H:%M}",
             url=url, email=user.email)
    mail_service.queue(session, to=user.email,
                       subject=_("Your invitation to Ting") + (f": {title}" if cohort else ""),
                       body=body)


def chosen(session: Session, *, cohort: Cohort, emails: list[str], everyone_new: bool) -> list[User]:
    """The roster members to invite: the named ones (each must be on this roster), or everyone
    who has not signed in yet."""
    entries = roster(session, cohort=cohort)
    if everyone_new:
        return [e.user for e in entries if not e.has_signed_in]
    by_email = {e.user.email: e.user for e in entries}
    people = []
    for email in emails:
        address = auth_service.normalise_email(email)
        if address not in by_email:
            raise InvalidInput(_("{email} is not on this cohort's list; add them to the cohort's "
                                 "file first.").format(email=address))
        people.append(by_email[address])
    if not people:
        raise InvalidInput(_("Choose whom to invite."))
    return people


def people_for_cli(session: Session, *, emails: list[str]) -> list[User]:
    """For `ting invite`: each address must belong to someone on an active roster (or an admin)."""
    people = []
    for email in emails:
        user = cohorts_service.rostered_person(session, email=email)
        if user is None:
            raise InvalidInput(_("{email} is not on any cohort's list; import a cohort that "
                                 "lists them first.").format(email=auth_service.normalise_email(email)))
        people.append(user)
    return people


def roles_text(roles: list[Role]) -> str:
    return ", ".join(role_label(r) for r in roles)
