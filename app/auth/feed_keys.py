"""Private feed addresses. Feed readers and calendars send no cookies, so a person's feeds of
what only members may read carry a key in their address: a signature of who they are, made
with the server's secret. Nothing is stored but a counter; counting it up ends every address
given out before, when one has leaked."""

from __future__ import annotations

import hashlib
import hmac

from sqlmodel import Session

from app.auth.models import User
from app.errors import NotFound
from app.i18n import _

_KEY_LENGTH = 32  # hex digits of the signature: 128 bits


def _signature(user_id: int, generation: int, secret: str) -> str:
    message = f"ting-feeds:{user_id}:{generation}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_KEY_LENGTH]


def feed_key(user: User, *, secret: str) -> str:
    """The key in the person's private feed addresses."""
    assert user.id is not None
    return f"{user.id}-{_signature(user.id, user.feed_generation, secret)}"


def user_for_feed_key(session: Session, *, key: str, secret: str) -> User | None:
    """Whose key it is; None for a key that is wrong, old or malformed."""
    user_id, _dash, signature = key.partition("-")
    if not user_id.isdigit() or len(user_id) > 10 or len(signature) != _KEY_LENGTH:
        return None
    user = session.get(User, int(user_id))
    if user is None or user.id is None:
        return None
    expected = _signature(user.id, user.feed_generation, secret)
    return user if hmac.compare_digest(expected, signature) else None


def no_such_feed() -> NotFound:
    return NotFound(_("No such feed. Copy your feed addresses again from your account page."))


def feed_owner(session: Session, *, key: str, secret: str) -> User:
    """Whose feed address it is; a wrong or renewed key is not found."""
    user = user_for_feed_key(session, key=key, secret=secret)
    if user is None:
        raise no_such_feed()
    return user


def renew_feed_key(session: Session, *, user: User) -> None:
    """New addresses for all of the person's feeds; the old ones stop working."""
    user.feed_generation += 1
    session.add(user)
    session.flush()
