"""Ting as operators run it, as real processes: a server killed mid-write comes back with an
intact database holding every write it acknowledged; two workers under the same load send
each mail once and lose no completion; a moment's lock on the database, with mail waiting,
does not stall the server."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.db import MAX_REQUESTS, make_engine, normalise_url, sqlite_path, unit_of_work, upgrade
from app.mail.models import OutboxMail
from app.posts.models import Post
from app.progress.models import Completion
from tests.fixtures.builders import PROGRAM, cohort_yaml, load
from tests.fixtures.database import throwaway_database
from tests.fixtures.mail import SmtpServer
from tests.fixtures.serving import ting_serving


def prepared(url: str, participants: list[str]) -> dict[str, str]:
    """The test programme and a cohort of these people, each with an API token."""
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(engine) as session:
        load(session, PROGRAM, cohort_yaml(participants=participants))
        tokens = {email: auth_service.create_token(session, email=email, name="test")[1]
                  for email in participants}
    engine.dispose()
    return tokens


def test_a_server_killed_while_writing_comes_back_with_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    with throwaway_database("ting_killed", tmp_path) as url:
        token = prepared(url, ["anna@example.org"])["anna@example.org"]
        acknowledged: list[int] = []
        with ting_serving(url) as (base, process):
            stop = threading.Event()

            def write() -> None:
                with httpx.Client(base_url=base, timeout=5, headers={
                        "Authorization": f"Bearer {token}"}) as client:
                    number = 0
                    while not stop.is_set():
                        number += 1
                        try:
                            answer = client.post("/api/v1/cohorts/testcohort/posts", json={
                                "title": f"Note {number}", "body": f"Written as note {number}."})
                        except httpx.HTTPError:
                            return  # the server is gone
                        assert answer.status_code == 201, answer.text
                        acknowledged.append(answer.json()["id"])

            writers = [threading.Thread(target=write) for _ in range(4)]
            for writer in writers:
                writer.start()
            time.sleep(2.0)
            os.killpg(process.pid, signal.SIGKILL)  # no chance to tidy up
            process.wait(timeout=10)
            stop.set()
            for writer in writers:
                writer.join(timeout=10)
        assert len(acknowledged) > 10, "the writers barely wrote"

        engine = make_engine(url)
        path = sqlite_path(engine)
        if path is not None:
            with sqlite3.connect(path) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with Session(engine) as session:
            stored = set(session.exec(select(Post.id).where(col(Post.id).in_(acknowledged))))
        engine.dispose()
        assert stored == set(acknowledged)  # every write the server answered 201 for

        with ting_serving(url) as (base, _):  # and it starts again, and takes writes
            again = httpx.post(base + "/api/v1/cohorts/testcohort/posts", timeout=5,
                               headers={"Authorization": f"Bearer {token}"},
                               json={"title": "After", "body": "Written after the restart."})
            assert again.status_code == 201


def test_two_workers_send_each_mail_once_and_lose_no_completion(tmp_path: Path) -> None:
    people = [f"p{n}@example.org" for n in range(24)]
    smtp = SmtpServer()
    smtp.start()
    try:
        with throwaway_database("ting_two_workers", tmp_path) as url:
            tokens = prepared(url, people)
            engine = make_engine(url)
            with unit_of_work(engine) as session:
                for n in range(40):  # mail waiting when the workers start, and more below
                    session.add(OutboxMail(to_address=f"reader{n}@example.org",
                                           subject=f"Letter {n}", body="Hello"))
            with ting_serving(url, "--workers", "2", TING_SMTP_HOST="127.0.0.1",
                              TING_SMTP_PORT=str(smtp.port), TING_MAIL_POLL_SECONDS="0.1"
                              ) as (base, _):
                done: list[str] = []

                def complete(email: str) -> None:
                    answer = httpx.put(f"{base}/api/v1/cohorts/testcohort/things/intro/completion",
                                       headers={"Authorization": f"Bearer {tokens[email]}"},
                                       timeout=60)  # a busy machine is slow; none may be lost
                    assert answer.status_code == 200, answer.text
                    done.append(email)

                threads = [threading.Thread(target=complete, args=(e,)) for e in people]
                for thread in threads:
                    thread.start()
                with unit_of_work(engine) as session:
                    for n in range(40, 60):
                        session.add(OutboxMail(to_address=f"reader{n}@example.org",
                                               subject=f"Letter {n}", body="Hello"))
                for thread in threads:
                    thread.join(timeout=90)
                deadline = time.monotonic() + 30
                while len(smtp.inbox.messages) < 60 and time.monotonic() < deadline:
                    time.sleep(0.2)
                time.sleep(1.0)  # room for a second copy to arrive, were one sent
            with Session(engine) as session:
                completions = session.exec(select(Completion)).all()
                unsent = session.exec(select(OutboxMail).where(
                    col(OutboxMail.sent_at).is_(None))).all()
            engine.dispose()
    finally:
        smtp.stop()
    subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
    assert subjects == sorted(f"Letter {n}" for n in range(60))  # each once, none twice
    assert unsent == []
    assert sorted(done) == sorted(people) and len(completions) == len(people)


@contextmanager
def writes_held_back(url: str) -> Iterator[None]:
    """Another program holds the database's writers back while the block runs (SQLite: its
    write lock; PostgreSQL: the tables these requests and the mail sender write)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        blocker = sqlite3.connect(str(parsed.database), isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        return
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        connection.execute(text(
            "LOCK TABLE api_tokens, completions, outbox_mails IN EXCLUSIVE MODE"))
        yield
        connection.rollback()
    engine.dispose()


def test_a_moment_of_held_writes_with_mail_waiting_does_not_stall_the_server(
    tmp_path: Path,
) -> None:
    """More requests than the server admits at once, all writing, while the writes are held
    back and the mail sender waits to write too: once the lock goes, all are answered (on
    SQLite the server used to stall for the pool's 30 s timeout, and answer 500s)."""
    people = [f"p{n}@example.org" for n in range(MAX_REQUESTS + 4)]
    smtp = SmtpServer()
    smtp.start()
    try:
        with throwaway_database("ting_held_writes", tmp_path) as url:
            tokens = prepared(url, people)
            with ting_serving(url, TING_SMTP_HOST="127.0.0.1", TING_SMTP_PORT=str(smtp.port),
                              TING_MAIL_POLL_SECONDS="0.1") as (base, _):
                engine = make_engine(url)
                with unit_of_work(engine) as session:  # due once the lock below holds
                    soon = datetime.now(UTC) + timedelta(seconds=0.5)
                    for n in range(5):
                        session.add(OutboxMail(to_address=f"reader{n}@example.org",
                                               subject=f"Letter {n}", body="Hello",
                                               send_after=soon))
                engine.dispose()
                statuses: list[int] = []

                def complete(email: str) -> None:
                    try:
                        answer = httpx.put(
                            f"{base}/api/v1/cohorts/testcohort/things/intro/completion",
                            headers={"Authorization": f"Bearer {tokens[email]}"}, timeout=60)
                        statuses.append(answer.status_code)
                    except httpx.HTTPError:
                        statuses.append(0)  # no answer within a minute

                threads = [threading.Thread(target=complete, args=(e,)) for e in people]
                with writes_held_back(url):
                    time.sleep(1.0)  # the sender, due mail in hand, waits with its connection
                    for thread in threads:
                        thread.start()
                    time.sleep(2.0)
                    released = time.monotonic()
                for thread in threads:
                    thread.join(timeout=90)
                finished = time.monotonic()
                deadline = time.monotonic() + 30
                while len(smtp.inbox.messages) < 5 and time.monotonic() < deadline:
                    time.sleep(0.2)
    finally:
        smtp.stop()
    assert statuses == [200] * len(people)
    assert len(smtp.inbox.messages) == 5  # and the mail went out
    # a stalled server answers when the pool gives up waiting for a connection, after 30 s
    assert finished - released < 20, f"answered {finished - released:.1f} s after the lock went"
