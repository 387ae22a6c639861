"""Programmes as pages need them. A programme's Things change only on import, so each process
keeps them in memory, keyed by the programme's `updated_at`: every worker sees a new import on
its next request, because the stamp is read with the caller's membership anyway.

What is kept are plain, frozen snapshots of the rows (ThingFacts, ThemeFacts): shared between
requests and threads without a session, and read many times a page without ORM bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.errors import NotFound
from app.i18n import _
from app.programs.models import Badge, BadgeFacts, Program, Theme, ThemeFacts, Thing, ThingFacts


@dataclass(frozen=True)
class Curriculum:
    """A programme's current Things in order, and its themes; shared, so never modified."""

    program_id: int
    stamp: datetime
    things: tuple[ThingFacts, ...]
    themes: tuple[ThemeFacts, ...]
    badges: tuple[BadgeFacts, ...] = ()

    def thing(self, key: str) -> ThingFacts | None:
        return next((t for t in self.things if t.key == key), None)


_cache: dict[int, Curriculum] = {}
_lock = Lock()

# Built once: each call then only binds the programme's id.
_CURRENT_THINGS = (select(Thing).where(Thing.program_id == bindparam("program_id"),
                                       col(Thing.archived_at).is_(None))
                   .order_by(col(Thing.position)))
_CURRENT_BADGES = (select(Badge).where(Badge.program_id == bindparam("program_id"),
                                       col(Badge.archived_at).is_(None))
                   .order_by(col(Badge.position)))
_THEMES = (select(Theme).where(Theme.program_id == bindparam("program_id"))
           .order_by(col(Theme.position)))


def curriculum(session: Session, *, program: Program) -> Curriculum:
    assert program.id is not None
    cached = _cache.get(program.id)
    if cached is not None and cached.stamp == program.updated_at:
        return cached
    params = {"program_id": program.id}
    things = tuple(ThingFacts.of(t) for t in session.exec(_CURRENT_THINGS, params=params))
    themes = tuple(ThemeFacts.of(t) for t in session.exec(_THEMES, params=params))
    badges = tuple(BadgeFacts.of(b) for b in session.exec(_CURRENT_BADGES, params=params))
    fresh = Curriculum(program_id=program.id, stamp=program.updated_at, things=things,
                       themes=themes, badges=badges)
    with _lock:
        _cache[program.id] = fresh
    return fresh


def get_thing(session: Session, *, program: Program, key: str) -> ThingFacts:
    """A current (not archived) Thing of the programme, or NotFound."""
    thing = curriculum(session, program=program).thing(key)
    if thing is None:
        raise NotFound(_("This Thing is not in the programme: the link may be out of date, or "
                         "the Thing was taken out."))
    return thing


def forget_all() -> None:
    """Drop the cache (tests that rewrite the database under a running process)."""
    with _lock:
        _cache.clear()
