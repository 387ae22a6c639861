"""Open enrolment: a cohort with `enrolment: open` takes registrations from anyone (citizens
in an open course). A registration is pending until the person follows the link mailed to
them, which confirms the address and lets them choose a password."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.auth import passwords
from app.auth import service as auth_service
from app.auth.models import LinkPurpose, User
from app.cohorts import service as cohorts_service
from app.cohorts.models import Cohort, Enrolment, Membership, Role
from app.db import id_of
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.mail import service as mail_service
from app.programs.models import Program

NAME_CHARS = 200


@dataclass(frozen=True)
class OpenCohort:
    cohort: Cohort
    program: Program


def open_cohort(session: Session, *, cohort_key: str) -> OpenCohort:
    """A cohort that takes registrations; any other (closed, or no such cohort) is not found."""
    row = cohorts_service.cohort_with_program(session, cohort_key=cohort_key)
    if row is None or row[0].enrolment != Enrolment.open:
        raise NotFound(_("No cohort '{key}' is open for registration.").format(key=cohort_key))
    return OpenCohort(cohort=row[0], program=row[1])


def _checked(cohort: Cohort, *, name: str, email: str, organization: str) -> tuple[str, str, str | None]:
    name = " ".join(name.split())
    address = auth_service.normalise_email(email)
    if not name:
        raise InvalidInput(_("Type your name, as others in the course will see it."))
    if len(name) > NAME_CHARS:
        raise InvalidInput(_("A name can be at most {count} characters long.").format(count=NAME_CHARS))
    local, at, domain = address.partition("@")
    if not (local and at and "." in domain) or len(address) > 320 or any(c.isspace() for c in address):
        raise InvalidInput(_("'{email}' is not an e-mail address; check it and try again.")
                           .format(email=email.strip()))
    choices = cohort.organizations or []
    if choices and organization not in choices:
        raise InvalidInput(_("Choose your organisation from the list."))
    return name, address, (organization or None) if choices else None


def register(
    session: Session, *, opened: OpenCohort, name: str, email: str, organization: str,
    link_for: Callable[[str], str], now: datetime,
) -> str:
    """Register someone for an open cohort and mail them the link that confirms their address;
    returns the address. The answer is the same whether or not Ting knew them."""
    cohort = opened.cohort
    name, address, organization_or_none = _checked(cohort, name=name, email=email,
                                                   organization=organization)
    user = auth_service.get_user_by_email(session, email=address)
    if user is None:
        user = User(email=address, name=name)
        session.add(user)
        session.flush()
    membership = session.exec(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == user.id,
        Membership.role == Role.participant)).first()
    if membership is None:
        session.add(Membership(cohort_id=id_of(cohort), user_id=id_of(user), role=Role.participant,
                               organization=organization_or_none, is_active=False, self_enrolled=True))
    url = link_for(passwords.make_link(session, user=user, purpose=LinkPurpose.email_verification,
                                       lifetime=passwords.VERIFICATION_LIFETIME, now=now))
    body = _("Hello {name},\n\nThank you for registering for {cohort} ({program}) in Ting. "
             "Confirm your e-mail address and choose a password here (the link works once, "
             "within two days):\n\n{url}\n\nIf you did not register, ignore this mail: nothing "
             "happens without the link.\n").format(name=user.name, cohort=cohort.title,
                                                  program=opened.program.title, url=url)
    mail_service.queue(session, to=address, subject=_("Confirm your registration: {cohort}")
                       .format(cohort=cohort.title), body=body)
    return address


def confirm(session: Session, *, secret: str, password: str, again: str, now: datetime) -> User:
    """Follow the mailed link: the address is confirmed, the password chosen, and every
    registration waiting on that address becomes active."""
    user = passwords.set_password_with_link(session, secret=secret, password=password, again=again,
                                            now=now, purposes=(LinkPurpose.email_verification,))
    session.execute(update(Membership)
                    .where(col(Membership.user_id) == id_of(user), col(Membership.self_enrolled),
                           col(Membership.is_active).is_(False))
                    .values(is_active=True))
    return user
