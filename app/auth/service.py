"""People and personal access tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from app.auth.models import ApiToken, BrowserSession, SignInMethod, User
from app.db import id_of, utcnow
from app.errors import InvalidInput, NotFound
from app.i18n import _

TOKEN_PREFIX = "ting_"
TOKEN_NAME_CHARS = 200
TOKEN_USE_PRECISION = timedelta(days=1)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def _person(session: Session, *, email: str, name: str | None) -> tuple[User, bool]:
    """The person with this address, added to Ting if it does not know them yet; whether they
    were added."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 320 or any(c.isspace() for c in address):
        raise InvalidInput(_("'{email}' is not an e-mail address.").format(email=email),
                           field="email")
    user = get_user_by_email(session, email=address)
    if user is not None:
        return user, False
    user = User(email=address, name=(name or address.split("@")[0]).strip()[:200])
    session.add(user)
    return user, True


def make_admin(session: Session, *, email: str, name: str | None = None) -> tuple[User, bool]:
    """Make this person a site admin (adding them if Ting does not know them yet); whether
    they were added."""
    user, created = _person(session, email=email, name=name)
    user.is_admin = True
    session.flush()
    return user, created


def grant_author(session: Session, *, email: str, name: str | None = None) -> tuple[User, bool]:
    """Let this person publish programmes and cohorts (adding them if Ting does not know them
    yet); whether they were added."""
    user, created = _person(session, email=email, name=name.strip() if name else None)
    user.is_author = True
    session.flush()
    return user, created


def revoke_author(session: Session, *, email: str) -> User:
    """This person publishes no more (what they published stays)."""
    user = get_user_by_email(session, email=email)
    if user is None or not user.is_author:
        raise NotFound(_("{email} is not a programme author.").format(email=normalise_email(email)))
    user.is_author = False
    session.flush()
    return user


def authors(session: Session) -> list[User]:
    return list(session.exec(select(User).where(col(User.is_author)).order_by(col(User.email))))


def token_digest(token: str) -> str:
    """What is stored of a token (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, *, email: str, name: str) -> tuple[ApiToken, str]:
    """Make a token acting as this person; the plain token is returned once, never stored."""
    user = get_user_by_email(session, email=email)
    if user is None:
        raise NotFound(_("No one with the e-mail address {email} is in Ting yet; import a "
                         "cohort that lists them first.").format(email=normalise_email(email)))
    return issue_token(session, user_id=id_of(user), name=name)


def issue_token(session: Session, *, user_id: int, name: str) -> tuple[ApiToken, str]:
    """A new token for this person, named so they can tell it from their others later."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the token a name, such as the program or device that will "
                             "use it."))
    if len(name) > TOKEN_NAME_CHARS:
        raise InvalidInput(_("A token's name can be at most {count} characters long.")
                           .format(count=TOKEN_NAME_CHARS))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=name, token_hash=token_digest(plain))
    session.add(token)
    session.flush()
    return token, plain


def tokens_of(session: Session, *, user_id: int) -> list[ApiToken]:
    """A person's tokens, newest first."""
    statement = (select(ApiToken).where(ApiToken.user_id == user_id)
                 .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc()))
    return list(session.exec(statement))


def revoke_token(session: Session, *, user_id: int, token_id: int) -> ApiToken:
    """Delete one of the caller's own tokens; anyone else's is not found."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(_("You have no such token; it may have been revoked already."))
    session.delete(token)
    session.flush()
    return token


def note_token_use(session: Session, *, token_id: int, now: datetime) -> None:
    """Record when a token was last used (to the day: a write per request would cost more
    than the answer to 'is this token still in use?' is worth)."""
    session.execute(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now))


def token_use_is_stale(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOKEN_USE_PRECISION


_USER_BY_TOKEN = (select(User, ApiToken).join(ApiToken, col(ApiToken.user_id) == col(User.id))
                  .where(col(ApiToken.token_hash) == bindparam("token_hash")))


def user_for_token(session: Session, *, token: str) -> tuple[User, ApiToken] | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.exec(_USER_BY_TOKEN, params={"token_hash": token_digest(token)}).first()
    return (row[0], row[1]) if row else None


# -- signed-in browsers ------------------------------------------------------------------------

_USER_BY_SESSION = (select(User).join(BrowserSession, col(BrowserSession.user_id) == col(User.id))
                    .where(col(BrowserSession.secret_hash) == bindparam("secret_hash"),
                           col(BrowserSession.ended_at).is_(None)))


def user_for_session(session: Session, *, secret: str) -> User | None:
    """Who a browser's cookie signs in, while that sign-in has not been ended."""
    return session.exec(_USER_BY_SESSION, params={"secret_hash": token_digest(secret)}).first()


def start_browser_session(
    session: Session, *, user_id: int, secret: str, method: SignInMethod
) -> BrowserSession:
    record = BrowserSession(user_id=user_id, secret_hash=token_digest(secret), method=method)
    session.add(record)
    session.execute(update(User).where(col(User.id) == user_id)
                    .values(last_signed_in_at=utcnow()))
    session.flush()
    return record


def end_browser_session(session: Session, *, secret: str) -> None:
    session.execute(update(BrowserSession)
                    .where(col(BrowserSession.secret_hash) == token_digest(secret),
                           col(BrowserSession.ended_at).is_(None))
                    .values(ended_at=utcnow()))


def end_every_browser_session(session: Session, *, user_id: int) -> int:
    """Sign this person out everywhere; how many browsers were signed in."""
    result = session.execute(update(BrowserSession)
                             .where(col(BrowserSession.user_id) == user_id,
                                    col(BrowserSession.ended_at).is_(None))
                             .values(ended_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def browser_session(session: Session, *, secret: str) -> BrowserSession | None:
    """The live record behind a browser's cookie (how they signed in, and when)."""
    statement = select(BrowserSession).where(
        BrowserSession.secret_hash == token_digest(secret), col(BrowserSession.ended_at).is_(None))
    return session.exec(statement).first()


def set_language(session: Session, *, user_id: int, language: str) -> None:
    """Remember the language a person chose, for their next visit on any device."""
    session.execute(update(User).where(col(User.id) == user_id).values(language=language))
