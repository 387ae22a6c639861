"""Writers to an SQLite file take turns on a lock in the process (app.db.WriterQueue): the turn
is always given back (after a commit, a rollback, a connection closed mid-write), reads never
take it, and a second writer waits its turn and then lands. A turn never given back would stop
every write of the server, so each way out is tested."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.auth.models import User
from app.db import make_engine, unit_of_work, upgrade, writer_queue


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def add_user(session: Session, email: str) -> None:
    session.add(User(email=email, name=email.split("@")[0]))
    session.flush()


def users(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(User)).scalar_one()


def test_only_sqlite_files_queue_their_writers(tmp_path: Path) -> None:
    assert writer_queue(make_engine("sqlite://")) is None  # one connection: nothing to queue
    assert writer_queue(make_engine("postgresql+psycopg://nobody@127.0.0.1/none")) is None
    assert writer_queue(make_engine(f"sqlite:///{tmp_path / 'file.db'}")) is not None


def test_a_commit_and_a_rollback_give_the_turn_back(sqlite_engine: Engine) -> None:
    queue = writer_queue(sqlite_engine)
    assert queue is not None
    with Session(sqlite_engine) as session:
        session.execute(select(func.count()).select_from(User)).scalar_one()
        assert not queue.held  # reading takes no turn
        add_user(session, "anna@example.org")
        assert queue.held
        session.commit()
        assert not queue.held
    with pytest.raises(RuntimeError), unit_of_work(sqlite_engine) as session:
        add_user(session, "bram@example.org")
        assert queue.held
        raise RuntimeError("the route failed")
    assert not queue.held
    assert users(sqlite_engine) == 1


def test_a_connection_closed_mid_write_gives_the_turn_back(sqlite_engine: Engine) -> None:
    queue = writer_queue(sqlite_engine)
    assert queue is not None
    connection = sqlite_engine.connect()
    connection.execute(text("INSERT INTO users (email, name, is_admin, feed_generation, "
                            "created_at) VALUES ('c@example.org', 'C', 0, 0, '2027-01-11')"))
    assert queue.held
    connection.invalidate()  # a broken connection is closed, never returned to the pool
    assert not queue.held
    with unit_of_work(sqlite_engine) as session:
        add_user(session, "dina@example.org")
    assert users(sqlite_engine) == 1  # the closed connection's write never landed


def test_a_second_writer_waits_for_the_first_and_then_lands(sqlite_engine: Engine) -> None:
    first_wrote, second_done = threading.Event(), threading.Event()
    committed_at: list[float] = []

    def second_writer() -> None:
        first_wrote.wait(5)
        with unit_of_work(sqlite_engine) as session:
            add_user(session, "bram@example.org")
        committed_at.append(time.monotonic())
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    with unit_of_work(sqlite_engine) as session:
        add_user(session, "anna@example.org")
        first_wrote.set()
        assert not second_done.wait(0.3)  # the second writer is waiting for its turn
        first_committing = time.monotonic()
    thread.join(5)
    assert second_done.is_set() and committed_at[0] >= first_committing
    assert users(sqlite_engine) == 2
