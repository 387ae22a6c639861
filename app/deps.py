"""Dependencies every route shares: the request's unit of work, CSRF, and one rule for text
that no database can store. Domain dependencies live in each domain's `deps.py`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app.db import has_writes, mark_event_loop_session
from app.errors import BadRequest, Forbidden
from app.i18n import _
from app.limits import ROW_ID_MAX
from app.security import CSRF_FIELD, CSRF_HEADER, csrf_matches, session_secret

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# The request's unit of work. It runs on the event loop: opening a session and reading are
# cheap, and app.main.ConcurrencyLimit admits no more requests than the pool has connections,
# so taking a connection never waits. Writing may wait for a lock, so routes that write are
# plain `def` (the thread pool), the commit is handed to the thread pool too, and a write on
# the loop's thread is refused (app.db). The busiest writes are `async` routes that hand just
# their service call to the thread pool: FastAPI then checks their answer on the loop, where
# for a plain `def` it takes another trip to the pool.
async def get_db(request: Request) -> AsyncIterator[Session]:
    """A session for this request: committed once after the route returns, rolled back if it
    raises; services only flush."""
    session = request.app.state.sessions()
    mark_event_loop_session(session)
    try:
        yield session
        if has_writes(session):
            await run_in_threadpool(session.commit)
    except BaseException:
        session.expunge_all()  # the error page may still show what was read (who is signed in)
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit happens before the response is sent, so a failed commit is an
# error response, never a success that was not saved.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]

# Path ids, within what the id columns hold (a larger number cannot be a row).
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
# A row id in the query string: where a list's next page starts (`after`), whose posts.
QueryRowId = Annotated[int | None, Query(ge=1, le=ROW_ID_MAX)]


def form_row_id(text: str) -> int | None:
    """A row id typed into a form field: None when empty; 0 (no row) when it cannot be one."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdecimal() and int(text) <= ROW_ID_MAX else 0


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    header = request.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def request_rules(request: Request) -> None:
    """The core's rules for every request, as one dependency (each one costs a layer):
    text that can be stored, and CSRF protection for unsafe browser requests."""
    await storable_text(request)
    await csrf_protect(request)


async def csrf_protect(request: Request) -> None:
    """Unsafe requests riding on the session cookie must carry the session's CSRF token."""
    if request.method not in UNSAFE_METHODS or bearer_token(request) is not None:
        return
    if wants_json(request) and session_secret(request) is None:
        return  # no session to ride on: the API answers 401 (current_user), not "form expired"
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf_matches(request, submitted):
        raise Forbidden(_("This form has expired or did not come from Ting. Reload the page "
                          "and try again."))


def _storable(text: str) -> bool:
    """Text every database can hold: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_json_strings(k), *_json_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return []


async def storable_text(request: Request) -> None:
    """One rule for every face: text that cannot be stored is refused with a 400 up front,
    before it reaches a query (PostgreSQL refuses NUL; no encoder takes a lone surrogate)."""
    texts = [request.url.path, *request.query_params.keys(), *request.query_params.values()]
    content_type = request.headers.get("content-type", "")
    if request.method in UNSAFE_METHODS:
        if "form" in content_type:
            form: FormData = await request.form()
            texts += [v for pair in form.multi_items() for v in pair if isinstance(v, str)]
        elif "json" in content_type:
            body = await request.body()
            if b"\\u" in body or b"\x00" in body:  # only then can the parsed text hold them
                with suppress(ValueError):  # not JSON: the route's own validation says so
                    texts += _json_strings(json.loads(body))
    if not all(_storable(str(t)) for t in texts):
        raise BadRequest(_("The request holds a character that cannot be stored (a NUL "
                           "character or a broken encoding); remove it and try again."))
