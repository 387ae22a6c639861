"""Small builders shared by the progress, posts and security tests (on top of tests.factories)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.cohorts.service import Member
from app.progress.models import Completion
from tests.factories import PROGRAM, cohort_yaml, load

ANNA = "anna@example.org"
BRAM = "bram@example.org"
TRAINER = "trainer@example.org"
MANAGER = "manager@example.org"
STRANGER = "olga@example.org"  # only in the cohort "other"

ENOUGH_WORDS = "I learned a lot today about screencasts"


def load_two_cohorts(db: Session) -> None:
    """The standard cohort, and a second one with other people (who must see nothing of ours)."""
    load(db, PROGRAM, cohort_yaml(), cohort_yaml(key="other", participants=[STRANGER]))


def program_with_body(body: str) -> str:
    """The standard programme with the first Thing's Markdown instructions replaced."""
    indented = "".join(f"      {line}\n" for line in body.splitlines())
    replaced = PROGRAM.replace("      Say **hello** in the forum.\n", indented)
    assert replaced != PROGRAM
    return replaced


def with_due_overrides(cohort_text: str, **due: date) -> str:
    """A cohort text from `cohort_yaml` with `due_overrides` added."""
    pairs = ", ".join(f"{key}: {on.isoformat()}" for key, on in due.items())
    return cohort_text + f"due_overrides: {{{pairs}}}\n"


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def medium_date(day: date) -> str:
    """How pages show a date in English, e.g. 'Jan 13, 2027'."""
    return f"{day:%b} {day.day}, {day.year}"


def completions_of(db: Session, who: Member) -> list[Completion]:
    db.expire_all()
    return list(db.exec(select(Completion).where(
        Completion.membership_id == who.membership.id)).all())


@contextmanager
def sql_statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def run_async(coroutine: Any) -> Any:
    """Run a coroutine to the end in a thread of its own (Playwright's loop may be running)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
