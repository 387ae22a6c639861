"""What keeps browsers and sessions safe, applied to every request in one place:

- headers every response carries (a Content-Security-Policy without inline script, no caching
  of anything personal, the usual hardening);
- the signed session cookie's contents: the secret of a signed-in browser (app.auth.sessions
  keeps its record), the CSRF token, flash messages; a cookie whose payload is not what Ting
  writes is treated as no session at all.
"""

from __future__ import annotations

import hmac
import json
import secrets
from base64 import b64decode
from typing import Any

from itsdangerous import BadSignature
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import locale

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
# Pages and JSON carry personal data; no shared cache and no disk copy may keep them.
PRIVATE = "private, no-store"
_RAW_SECURITY_HEADERS = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
_CACHE_CONTROL = b"cache-control"
# Served over HTTPS (TING_BASE_URL): browsers must not come back over plain HTTP for a year.
# Not for subdomains: a library's other sites under the same name are not Ting's to decide.
STRICT_TRANSPORT = {"strict-transport-security": "max-age=31536000"}
_STRICT_TRANSPORT = [(k.encode(), v.encode()) for k, v in STRICT_TRANSPORT.items()]


class SecurityHeaders:
    """Pure ASGI, so it adds no per-request task overhead."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.always = [*_RAW_SECURITY_HEADERS, *(_STRICT_TRANSPORT if https else [])]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = not scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *self.always,
                           (b"content-language", locale().encode())]
                if private and not any(name.lower() == _CACHE_CONTROL for name, _v in headers):
                    headers.append((_CACHE_CONTROL, PRIVATE.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- the session cookie -----------------------------------------------------------------------

SESSION_KEY = "sid"
CSRF_KEY = "csrf"
FLASH_KEY = "flash"
NEXT_KEY = "next"  # where to go after signing in at a provider
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_TOKEN_CHARS = 100
_FLASH_CHARS = 2000


def _is_valid_session(data: dict[str, Any]) -> bool:
    """Whether a decoded cookie holds only what Ting itself writes there."""
    for key, value in data.items():
        if key in (SESSION_KEY, CSRF_KEY):
            ok = isinstance(value, str) and 0 < len(value) <= _TOKEN_CHARS
        elif key == NEXT_KEY:
            ok = isinstance(value, str) and value.startswith("/") and len(value) <= _FLASH_CHARS
        elif key == FLASH_KEY:
            ok = isinstance(value, list) and len(value) <= 20 and all(
                isinstance(item, list) and len(item) == 2
                and all(isinstance(part, str) and len(part) <= _FLASH_CHARS for part in item)
                for item in value)
        else:
            # the sign-in flow's own keys (OpenID Connect state)
            ok = isinstance(key, str) and key.startswith("_state_")
        if not ok:
            return False
    return True


class GuardedSessionMiddleware(SessionMiddleware):
    """Starlette's signed-cookie sessions, but a validly signed cookie whose payload is not
    what Ting writes (from an old version, or signed with a leaked key) is dropped before it is
    read: the request is simply not signed in, instead of crashing or being trusted."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._cookie_is_sound(scope):
            scope = {**scope, "headers": _without_cookie(scope["headers"], self.session_cookie)}
        await super().__call__(scope, receive, send)

    def _cookie_is_sound(self, scope: Scope) -> bool:
        raw = HTTPConnection(scope).cookies.get(self.session_cookie)
        if raw is None:
            return True
        try:
            signed = self.signer.unsign(raw.encode(), max_age=self.max_age)
        except BadSignature:
            return True  # Starlette ignores it by itself
        try:
            data = json.loads(b64decode(signed))
        except ValueError:  # broken base64 or JSON behind a valid signature
            return False
        return isinstance(data, dict) and _is_valid_session(data)


def _without_cookie(headers: list[tuple[bytes, bytes]], name: str) -> list[tuple[bytes, bytes]]:
    prefix = f"{name}=".encode()
    kept = []
    for key, value in headers:
        if key.lower() == b"cookie":
            parts = [p for p in value.split(b";") if not p.strip().startswith(prefix)]
            value = b";".join(parts)
        kept.append((key, value))
    return kept


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def start_session(request: Request, secret: str) -> None:
    """A fresh cookie for a signed-in browser (a new CSRF token, nothing carried over)."""
    request.session.clear()
    request.session[SESSION_KEY] = secret
    request.session[CSRF_KEY] = new_secret()


def end_session(request: Request) -> None:
    request.session.clear()


def session_secret(request: Request) -> str | None:
    """The signed-in browser's secret, if the cookie holds one (app.auth checks it is live)."""
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, str) else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (anonymous visitors get one too)."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = new_secret()
        request.session[CSRF_KEY] = token
    return token


def csrf_matches(request: Request, submitted: str | None) -> bool:
    expected = request.session.get(CSRF_KEY)
    return bool(submitted and isinstance(expected, str)
                and hmac.compare_digest(submitted.encode(), expected.encode()))


def remember_next(request: Request, path: str) -> None:
    request.session[NEXT_KEY] = path[:_FLASH_CHARS]


def pop_next(request: Request) -> str | None:
    value = request.session.pop(NEXT_KEY, None)
    return value if isinstance(value, str) else None


def flash(request: Request, message: str, kind: str = "info") -> None:
    # assigned, not appended in place: the session only saves what it sees being set
    request.session[FLASH_KEY] = [*request.session.get(FLASH_KEY, []), [kind, message]]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    if FLASH_KEY not in request.session:
        return []
    return [(kind, message) for kind, message in request.session.pop(FLASH_KEY)]
