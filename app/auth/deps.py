"""Who is calling: a bearer token, or the browser session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service as auth_service
from app.auth.models import User
from app.deps import SessionDep
from app.errors import NotSignedIn
from app.i18n import _
from app.security import session_user_id

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
