"""The browser session: a signed cookie holding the user's id and a CSRF token.

Real sign-in (OpenID Connect) and the demo login both end in `sign_in`, so the rest of the
app never knows how someone got in.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from app.auth.models import User

USER_KEY = "uid"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session[USER_KEY] = user.id
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def session_user_id(request: Request) -> int | None:
    value = request.session.get(USER_KEY)
    return value if isinstance(value, int) else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (anonymous visitors get one too)."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_matches(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(CSRF_KEY)
    return bool(submitted and isinstance(expected, str)
                and hmac.compare_digest(submitted.encode(), expected.encode()))


def flash(request: Request, message: str, kind: str = "info") -> None:
    # assigned, not appended in place: the session only saves what it sees being set
    request.session["flash"] = [*request.session.get("flash", []), [kind, message]]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    if "flash" not in request.session:
        return []
    return [(kind, message) for kind, message in request.session.pop("flash")]
