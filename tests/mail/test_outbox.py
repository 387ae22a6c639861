"""Mail is never lost: it waits in the outbox until a real SMTP server takes it, is retried
with backoff while the server is down, and two senders never send the same mail twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app import main as app_main
from app.auth import service as auth_service
from app.config import Settings
from app.db import SessionFactory, make_engine, session_factory, unit_of_work, upgrade, utcnow
from app.forum import service as forum_service
from app.mail import service as mail_service
from app.mail.models import OutboxMail
from app.mail.sender import send_due
from app.main import create_app
from tests.fixtures.builders import ANNA, BRAM, load_standard, load_two_cohorts, member
from tests.fixtures.database import TEST_SECRET, settings_for, throwaway_database
from tests.fixtures.mail import SmtpServer
from tests.fixtures.people import browser_signed_in


def queued(db: Session, count: int) -> None:
    for i in range(count):
        mail_service.queue(db, to=f"person{i}@example.org", subject=f"Mail {i}", body=f"Body {i}")
    db.commit()


def test_a_queued_mail_reaches_the_smtp_server_once(
    db: Session, sessions: SessionFactory, smtp: SmtpServer
) -> None:
    queued(db, 1)
    assert send_due(sessions, smtp.delivery()) == 1
    assert send_due(sessions, smtp.delivery()) == 0  # sent is sent
    [message] = smtp.inbox.messages
    assert message["To"] == "person0@example.org" and message["Subject"] == "Mail 0"
    assert message["From"] == "Ting <ting@library.example>"
    assert smtp.inbox.body(message).strip() == "Body 0"
    db.expire_all()
    assert db.exec(select(OutboxMail)).one().sent_at is not None


def test_mail_rolled_back_with_its_change_is_never_sent(
    db: Session, sessions: SessionFactory, smtp: SmtpServer
) -> None:
    with sessions() as session:
        mail_service.queue(session, to="a@example.org", subject="Never", body="x")
        session.rollback()
    assert send_due(sessions, smtp.delivery()) == 0
    assert smtp.inbox.messages == []


def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(
    db: Session, sessions: SessionFactory, smtp: SmtpServer
) -> None:
    queued(db, 2)
    smtp.stop()
    now = utcnow()
    assert send_due(sessions, smtp.delivery(), now=now) == 0
    db.expire_all()
    mails = db.exec(select(OutboxMail)).all()
    assert [m.attempts for m in mails] == [1, 1]
    assert all(m.sent_at is None and m.last_error for m in mails)
    assert all(m.send_after >= now + timedelta(seconds=30) for m in mails)  # backoff
    assert send_due(sessions, smtp.delivery(), now=now + timedelta(seconds=5)) == 0  # not yet due
    smtp.start()
    assert send_due(sessions, smtp.delivery(), now=now + timedelta(minutes=1)) == 2
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["person0@example.org",
                                                           "person1@example.org"]


def test_the_wait_between_tries_grows_to_an_hour_and_never_gives_up() -> None:
    waits = [mail_service.retry_delay(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                         timedelta(minutes=4)]
    assert waits[-1] == timedelta(hours=1) and waits == sorted(waits)


@pytest.fixture
def shared_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database two sender processes share, with real connections (no test transaction)."""
    with throwaway_database("ting_mail", tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_two_senders_at_once_send_each_mail_exactly_once(
    shared_engine: Engine, smtp: SmtpServer
) -> None:
    with unit_of_work(shared_engine) as session:
        for i in range(60):
            mail_service.queue(session, to=f"p{i}@example.org", subject=f"Mail {i}", body="x")
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        """A server process's sender: its own engine; a pass that fails is tried again, as
        the background loop does."""
        sessions = session_factory(make_engine(shared_engine.url.render_as_string(hide_password=False)))
        start.wait()
        total = 0
        for _pass in range(100):
            try:
                total += send_due(sessions, smtp.delivery())
            except OperationalError:  # SQLite: the other sender held the write lock
                continue
            with sessions() as session:
                if mail_service.waiting_count(session) == 0:
                    break
        counts.append(total)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    received = sorted(m["To"] for m in smtp.inbox.messages)
    assert len(received) == 60 and len(set(received)) == 60
    assert sum(counts) == 60


def test_the_outbox_is_for_site_admins_outside_demo_mode(
    database_url: str, engine: Engine, sessions: SessionFactory, db: Session
) -> None:
    load_standard(db)
    auth_service.make_admin(db, email="it@example.org")
    mail_service.queue(db, to=ANNA, subject="Your invitation", body="Hello https://example.org/x")
    db.commit()
    web = create_app(settings_for(database_url, demo=False), engine=engine, sessions=sessions)
    with TestClient(web, follow_redirects=False) as anna, TestClient(web, follow_redirects=False) as it:
        browser_signed_in(anna, db, ANNA)
        refused = anna.get("/outbox")
        assert refused.status_code == 403 and "Only site admins see the outbox." in refused.text
        browser_signed_in(it, db, "it@example.org")
        page = it.get("/outbox").text
        assert "Your invitation" in page and "Waiting to be sent: 1" in page
        assert "No SMTP server is set" in page
        assert '<a href="https://example.org/x"' in page


def test_a_demo_server_without_smtp_shows_its_mail_to_everyone(client: TestClient, db: Session) -> None:
    mail_service.queue(db, to="anna@example.org", subject="Set a new password for Ting", body="x")
    db.commit()
    page = client.get("/outbox")
    assert page.status_code == 200
    assert "Mails sent" in page.text and "Set a new password for Ting" in page.text


def test_a_running_server_sends_waiting_mail_by_itself(shared_engine: Engine, smtp: SmtpServer) -> None:
    with unit_of_work(shared_engine) as session:
        mail_service.queue(session, to="anna@example.org", subject="Hello", body="From the server")
    settings = Settings(database_url=shared_engine.url.render_as_string(hide_password=False),
                        secret_key=TEST_SECRET, smtp_host="127.0.0.1", smtp_port=smtp.port,
                        mail_poll_seconds=0.05, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings, engine=shared_engine)):  # starts the app's lifespan
        deadline = time.monotonic() + 10
        while not smtp.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [m["Subject"] for m in smtp.inbox.messages] == ["Hello"]


def test_a_running_server_sends_forum_digests_by_itself(
    shared_engine: Engine, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The digests ride on the sender's loop, in turn with the mail (here every pass)."""
    with unit_of_work(shared_engine) as session:
        load_two_cohorts(session)
        topic = forum_service.create_topic(session, member=member(session, ANNA),
                                           category="General", title="Opening hours",
                                           body="When?", now=utcnow() - timedelta(hours=2))
        forum_service.reply(session, member=member(session, BRAM), topic_id=topic.id or 0,
                            body="At nine.")
    monkeypatch.setattr(app_main, "DIGEST_POLL_SECONDS", 0.0)
    settings = Settings(database_url=shared_engine.url.render_as_string(hide_password=False),
                        secret_key=TEST_SECRET, smtp_host="127.0.0.1", smtp_port=smtp.port,
                        mail_poll_seconds=0.05, _env_file=None)  # type: ignore[call-arg]
    with TestClient(app_main.create_app(settings, engine=shared_engine)):
        deadline = time.monotonic() + 10
        while not smtp.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    [digest] = smtp.inbox.messages
    assert digest["To"] == ANNA and "digest" in digest["Subject"]
