"""Starting and ending a browser session: the one door every way of signing in goes through
(the demo login, single sign-on, passwords)."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from app import security
from app.auth import service as auth_service
from app.auth.models import SignInMethod


def sign_in(request: Request, db: Session, *, user_id: int, method: SignInMethod) -> None:
    """Start a fresh session for this person: nothing of the previous one carries over, and
    the previous one (if any) is ended."""
    sign_out(request, db)
    secret = security.new_secret()
    auth_service.start_browser_session(db, user_id=user_id, secret=secret, method=method)
    security.start_session(request, secret)


def sign_out(request: Request, db: Session) -> None:
    """End this browser's session: its cookie, and the record that makes a copy of it work."""
    secret = security.session_secret(request)
    if secret is not None:
        auth_service.end_browser_session(db, secret=secret)
    security.end_session(request)
