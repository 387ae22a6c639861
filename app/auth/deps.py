"""Who is calling: a bearer token, or the browser session. Each dependency here does its
whole lookup itself (none builds on another), because every layer of dependencies costs time
on every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User
from app.deps import SessionDep, bearer_token
from app.errors import NotSignedIn
from app.i18n import _
from app.security import session_user_id

# How the OpenAPI document describes the tokens `caller` reads (app.main declares it on every
# API operation).
BEARER_SCHEME = {"type": "http", "scheme": "bearer",
                 "description": "A personal access token: `ting token create EMAIL` prints one."}


def caller(request: Request, db: Session) -> User | None:
    """Who is calling: a bearer token wins over the session cookie; a bad token is refused."""
    token = bearer_token(request)
    if token:
        user = auth_service.user_for_token(db, token=token)
        if user is None:
            raise NotSignedIn(_("That access token is not valid. Create a new one with "
                                "'ting token create EMAIL'."))
    else:
        user_id = session_user_id(request)
        user = auth_service.get_user(db, user_id=user_id) if user_id is not None else None
    request.state.user = user  # for the page header, error pages included
    return user


def require_signed_in(user: User | None) -> User:
    if user is None:
        raise NotSignedIn(_("Sign in first: send 'Authorization: Bearer <token>' or use a "
                            "browser session."))
    return user


async def optional_user(request: Request, db: SessionDep) -> User | None:
    return caller(request, db)


async def current_user(request: Request, db: SessionDep) -> User:
    return require_signed_in(caller(request, db))


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
