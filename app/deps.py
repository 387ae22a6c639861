"""Dependencies that make route signatures read like prose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User
from app.auth.sessions import CSRF_FIELD, CSRF_HEADER, csrf_matches, session_user_id
from app.cohorts import service as cohorts_service
from app.cohorts.service import Member
from app.errors import Forbidden, NotSignedIn, wants_json
from app.i18n import _

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# These dependencies run on the event loop: each is one indexed read, cheaper than a hand-off
# to the thread pool. That is safe only because app.main.ConcurrencyLimit admits no more
# requests than the pool has connections, so taking a connection never waits; and reads do
# not wait on locks (SQLite in WAL mode, PostgreSQL SELECT). Routes that write stay plain
# `def` and run in the thread pool, so a write waiting on a lock never blocks the loop.
async def get_db(request: Request) -> AsyncIterator[Session]:
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


bearer_scheme = HTTPBearer(
    auto_error=False,
    description="A personal access token: `ting token create EMAIL` prints one.",
)


async def optional_user(
    request: Request, db: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User | None:
    """Who is calling: a bearer token wins over the session cookie."""
    token = credentials.credentials.strip() if credentials else None
    if token:
        user = auth_service.user_for_token(db, token=token)
        if user is None:
            raise NotSignedIn(_("That access token is not valid. Create a new one with "
                                "'ting token create EMAIL'."))
        request.state.user = user
        return user
    user_id = session_user_id(request)
    user = auth_service.get_user(db, user_id=user_id) if user_id is not None else None
    request.state.user = user  # for the page header, error pages included
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


async def current_user(user: OptionalUser) -> User:
    if user is None:
        raise NotSignedIn(_("Sign in first: send 'Authorization: Bearer <token>' or use a "
                            "browser session."))
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def csrf_protect(request: Request) -> None:
    """Unsafe requests riding on the session cookie must carry the session's CSRF token."""
    if request.method not in UNSAFE_METHODS or _bearer(request) is not None:
        return
    if wants_json(request) and session_user_id(request) is None:
        return  # no session to ride on: the API answers 401 (current_user), not "form expired"
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf_matches(request, submitted):
        raise Forbidden(_("This form has expired or did not come from Ting. Reload the page "
                          "and try again."))


async def cohort_member(cohort: str, user: CurrentUser, db: SessionDep) -> Member:
    return cohorts_service.get_member(db, user=user, cohort_key=cohort)


CohortMember = Annotated[Member, Depends(cohort_member)]


async def cohort_participant(member: CohortMember) -> Member:
    return cohorts_service.require_participant(member)


CohortParticipant = Annotated[Member, Depends(cohort_participant)]
