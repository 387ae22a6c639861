"""People and personal access tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.auth.models import ApiToken, User
from app.db import id_of
from app.errors import NotFound
from app.i18n import _

TOKEN_PREFIX = "ting_"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def token_digest(token: str) -> str:
    """What is stored of a token (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, *, email: str, name: str) -> tuple[ApiToken, str]:
    """Make a token acting as this person; the plain token is returned once, never stored."""
    user = get_user_by_email(session, email=email)
    if user is None:
        raise NotFound(_("No one with the e-mail address {email} is in Ting yet; import a "
                         "cohort that lists them first.").format(email=normalise_email(email)))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=id_of(user), name=name, token_hash=token_digest(plain))
    session.add(token)
    session.flush()
    return token, plain


_USER_BY_TOKEN = (select(User).join(ApiToken, col(ApiToken.user_id) == col(User.id))
                  .where(col(ApiToken.token_hash) == bindparam("token_hash")))


def user_for_token(session: Session, *, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    return session.exec(_USER_BY_TOKEN, params={"token_hash": token_digest(token)}).first()
