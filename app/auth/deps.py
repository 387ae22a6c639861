"""Who is calling: a bearer token, or the browser session. Each dependency here does its
whole lookup itself (none builds on another), because every layer of dependencies costs time
on every request."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import i18n
from app.auth import service as auth_service
from app.auth.models import User
from app.db import utcnow
from app.deps import SessionDep, bearer_token
from app.errors import NotSignedIn
from app.i18n import _
from app.security import session_secret

# How the OpenAPI document describes the tokens `caller` reads (app.main declares it on every
# API operation).
BEARER_SCHEME = {"type": "http", "scheme": "bearer",
                 "description": "A personal access token, made on your account page or "
                                "with `ting token create EMAIL`."}


def caller(request: Request, db: Session) -> User | None:
    """Who is calling: a bearer token wins over the session cookie; a bad token is refused."""
    token = bearer_token(request)
    user: User | None
    if token:
        found = auth_service.user_for_token(db, token=token)
        if found is None:
            raise NotSignedIn(_("That access token is not valid. Create a new one on your "
                                "account page, or with 'ting token create EMAIL'."))
        user, api_token = found
        request.state.token_use = (api_token.id, api_token.last_used_at)
    else:
        secret = session_secret(request)
        user = auth_service.user_for_session(db, secret=secret) if secret is not None else None
    request.state.user = user  # for the page header, error pages included
    if user is not None:
        i18n.remembered(user.language)
    return user


def require_signed_in(user: User | None) -> User:
    if user is None:
        raise NotSignedIn(_("Sign in first: send 'Authorization: Bearer <token>' or use a "
                            "browser session."))
    return user


async def record_token_use(db: Session, token_id: int | None, last_used_at: datetime | None) -> None:
    """Note that a token was used, at most once a day per token. The write goes to the thread
    pool: writes may wait for a lock, and the event loop must not."""
    now = utcnow()
    if token_id is not None and auth_service.token_use_is_stale(last_used_at, now):
        await run_in_threadpool(partial(auth_service.note_token_use, db, token_id=token_id, now=now))


async def _caller_noting_token_use(request: Request, db: Session) -> User | None:
    user = caller(request, db)
    token_use = getattr(request.state, "token_use", None)
    if token_use is not None:
        await record_token_use(db, *token_use)
    return user


async def optional_user(request: Request, db: SessionDep) -> User | None:
    return await _caller_noting_token_use(request, db)


async def current_user(request: Request, db: SessionDep) -> User:
    return require_signed_in(await _caller_noting_token_use(request, db))


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
