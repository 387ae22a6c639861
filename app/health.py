"""Whether this server can serve: `/readyz` for the load balancer and the operator (database
reachable, schema at the newest migration, outbox moving), and the gauges `/metrics` reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app import db as ting_db
from app.db import SessionFactory
from app.mail import service as mail_service

# a due mail still waiting after this long means no sender is taking mail
OUTBOX_STUCK_AFTER = timedelta(minutes=15)


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    failing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.failing

    def as_json(self) -> dict[str, object]:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks,
                "failing": self.failing}


def readiness(sessions: SessionFactory, *, head: str | None, mail_sending: bool,
              now: datetime | None = None) -> Readiness:
    found = Readiness()
    now = now or datetime.now(UTC)
    try:
        with sessions() as session:
            session.connection().execute(text("SELECT 1"))
            found.checks["database"] = "reachable"
            current = ting_db.schema_revision(session.connection())
            if current == head:
                found.checks["schema"] = f"at {current}, the newest"
            else:
                found.checks["schema"] = f"at {current}; the newest is {head}: run ting db upgrade"
                found.failing.append("schema")
            waiting = mail_service.waiting_count(session)
            stuck = mail_service.due_before(session, now - OUTBOX_STUCK_AFTER)
    except SQLAlchemyError as exc:
        found.checks["database"] = f"not reachable: {type(exc).__name__}"
        found.failing.append("database")
        return found
    if not mail_sending:
        found.checks["outbox"] = f"{waiting} waiting; no mail server is set, so none is sent"
    elif stuck:
        found.checks["outbox"] = (f"{stuck} of {waiting} waiting have been due for more than "
                                  f"{int(OUTBOX_STUCK_AFTER.total_seconds() // 60)} minutes")
        found.failing.append("outbox")
    else:
        found.checks["outbox"] = f"{waiting} waiting, moving"
    return found


def gauges(sessions: SessionFactory, engine: Engine) -> Iterable[tuple[str, str, float]]:
    """What /metrics reads at each scrape."""
    pool = engine.pool
    checked_out = getattr(pool, "checkedout", None)
    if callable(checked_out):
        yield ("ting_db_connections_in_use", "Database connections this process has in use.",
               float(checked_out()))
    size = getattr(pool, "size", None)
    if callable(size):
        yield ("ting_db_pool_size", "Connections this process's pool keeps.", float(size()))
    try:
        with sessions() as session:
            waiting = mail_service.waiting_count(session)
    except SQLAlchemyError:
        return
    yield ("ting_outbox_depth", "Mails waiting in the outbox.", float(waiting))
