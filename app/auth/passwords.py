"""Passwords for people without single sign-on: argon2id hashes, links that work once and
expire (invitations, resets), and failed sign-ins slowed down per account and per client."""

from __future__ import annotations

import functools
import math
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.auth.models import AccountLink, LinkPurpose, SignInFailure, User
from app.db import id_of
from app.errors import DomainError, InvalidInput
from app.i18n import _
from app.mail import service as mail_service

PASSWORD_MIN, PASSWORD_MAX = 10, 1000
RESET_LIFETIME = timedelta(hours=2)
VERIFICATION_LIFETIME = timedelta(days=2)
# Failed sign-ins: at most this many in the window, per account and per client address.
FAILURE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES, CLIENT_FAILURES = 5, 20

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the address is unknown, so a wrong address takes as long as a wrong
# password and timing does not tell which addresses have accounts.
# Made on first use, not at import: every `ting` command would otherwise wait for it.
@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


class WrongCredentials(DomainError):
    status_code = 400


class TooManyAttempts(DomainError):
    status_code = 429


class LinkNotUsable(DomainError):
    """Expired, used already, or never made: the same answer for each."""

    status_code = 410


def check_password_rules(password: str, *, email: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(_("Use at least {count} characters for your password.")
                           .format(count=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(_("A password can be at most {count} characters long.")
                           .format(count=PASSWORD_MAX))
    if password.strip().lower() == email.strip().lower():
        raise InvalidInput(_("Your password cannot be your e-mail address."))


# -- links ----------------------------------------------------------------------------------

def make_link(session: Session, *, user: User, purpose: LinkPurpose, lifetime: timedelta,
              now: datetime) -> str:
    """A new link for this person and purpose; earlier unused ones for the same purpose stop
    working. Returns the secret for the address (only its digest is kept)."""
    session.execute(update(AccountLink)
                    .where(col(AccountLink.user_id) == id_of(user),
                           col(AccountLink.purpose) == purpose, col(AccountLink.used_at).is_(None))
                    .values(used_at=now))
    secret = secrets.token_urlsafe(32)
    session.add(AccountLink(user_id=id_of(user), purpose=purpose,
                            token_hash=auth_service.token_digest(secret),
                            created_at=now, expires_at=now + lifetime))
    session.flush()
    return secret


def usable_link(session: Session, *, secret: str, purposes: tuple[LinkPurpose, ...],
                now: datetime) -> tuple[AccountLink, User]:
    row = session.exec(
        select(AccountLink, User).join(User, col(User.id) == col(AccountLink.user_id))
        .where(AccountLink.token_hash == auth_service.token_digest(secret))
    ).first()
    if row is None or row[0].purpose not in purposes or row[0].used_at is not None \
            or row[0].expires_at <= now:
        raise LinkNotUsable(_("This link has expired or has been used already. Ask your "
                              "trainer for a new invitation, or ask for a new link to set "
                              "your password."))
    return row[0], row[1]


def use_link(session: Session, *, link: AccountLink, now: datetime) -> None:
    """Spend a link; a second use, even at the same moment, finds it spent."""
    result = session.execute(update(AccountLink)
                             .where(col(AccountLink.id) == link.id, col(AccountLink.used_at).is_(None))
                             .values(used_at=now))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkNotUsable(_("This link has been used already."))


SETS_PASSWORD = (LinkPurpose.invitation, LinkPurpose.password_reset)


def set_password_with_link(session: Session, *, secret: str, password: str, again: str,
                           now: datetime, purposes: tuple[LinkPurpose, ...] = SETS_PASSWORD) -> User:
    """Set a (first or new) password through a mailed link, which is then spent. Every other
    browser of theirs is signed out: whoever knew the old password is out."""
    link, user = usable_link(session, secret=secret, purposes=purposes, now=now)
    if password != again:
        raise InvalidInput(_("The two passwords are not the same; type the same one twice."))
    check_password_rules(password, email=user.email)
    use_link(session, link=link, now=now)
    user.password_hash = _hasher.hash(password)
    session.add(user)
    auth_service.end_every_browser_session(session, user_id=id_of(user))
    session.flush()
    return user


def request_reset(session: Session, *, email: str, link_for: Callable[[str], str],
                  now: datetime) -> None:
    """Mail a link to set a new password, if Ting knows the address. The caller's answer is
    the same either way, so nobody learns who has an account."""
    user = auth_service.get_user_by_email(session, email=email[:320])
    if user is None:
        return
    url = link_for(make_link(session, user=user, purpose=LinkPurpose.password_reset,
                             lifetime=RESET_LIFETIME, now=now))
    body = _("Hello {name},\n\nSomeone, probably you, asked to set a new password for Ting. "
             "Choose one here (the link works once, within {hours} hours):\n\n{url}\n\n"
             "If it was not you, ignore this mail: your password stays as it is.\n").format(
        name=user.name, hours=int(RESET_LIFETIME.total_seconds() // 3600), url=url)
    mail_service.queue(session, to=user.email, subject=_("Set a new password for Ting"), body=body)


# -- signing in -----------------------------------------------------------------------------

def _failures_since(session: Session, column: object, value: str, since: datetime) -> list[datetime]:
    statement = (select(SignInFailure.at).where(column == value, SignInFailure.at > since)
                 .order_by(col(SignInFailure.at)))
    return list(session.exec(statement).all())


def _refuse_if_throttled(session: Session, *, email: str, client: str, now: datetime) -> None:
    since = now - FAILURE_WINDOW
    for column, value, limit, message in (
        (SignInFailure.email, email, ACCOUNT_FAILURES,
         _("Too many failed sign-ins for this account. Try again in {minutes} minutes, or ask "
           "for a link to set a new password.")),
        (SignInFailure.client, client, CLIENT_FAILURES,
         _("Too many failed sign-ins from your network. Try again in {minutes} minutes.")),
    ):
        failures = _failures_since(session, column, value, since)
        if len(failures) >= limit:
            free_at = failures[len(failures) - limit] + FAILURE_WINDOW
            minutes = max(1, math.ceil((free_at - now).total_seconds() / 60))
            raise TooManyAttempts(message.format(minutes=minutes))


def sign_in_with_password(session: Session, *, email: str, password: str, client: str,
                          now: datetime) -> User:
    """The person these credentials belong to. Each failure is recorded (and counts against
    the account and the client address); the refusal never says which part was wrong."""
    address = auth_service.normalise_email(email)[:320]
    client = client[:64]
    _refuse_if_throttled(session, email=address, client=client, now=now)
    user = auth_service.get_user_by_email(session, email=address) if address else None
    dummy = _dummy_hash()
    stored = user.password_hash if user is not None and user.password_hash else dummy
    try:
        ok = _hasher.verify(stored, password) and stored is not dummy
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        session.execute(delete(SignInFailure).where(col(SignInFailure.at) < now - FAILURE_WINDOW))
        session.add(SignInFailure(email=address, client=client, at=now))
        session.flush()
        raise WrongCredentials(_("That e-mail address and password do not match. Check both, "
                                 "or ask for a link to set a new password."))
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


def failures_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(SignInFailure)).one())
