"""Who is behind, and reminding them: one mail each through the outbox, with their overdue and
soon-due Things and links; never two in a day."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.dashboards import reminders
from app.db import SessionFactory, utcnow
from app.mail.models import OutboxMail
from app.mail.sender import send_due
from tests.dashboards.conftest import CAROL
from tests.fixtures.builders import ANNA, BRAM, MANAGER, TRAINER, member
from tests.fixtures.mail import SmtpServer
from tests.fixtures.people import csrf_from, sign_in


def link(key: str) -> str:
    return f"http://testserver/c/testcohort/things/{key}"


def test_reminders_go_to_who_is_behind_once_a_day(db: Session, progress_made: None) -> None:
    trainer = member(db, TRAINER)
    first = reminders.remind(db, member=trainer, link_for=link)
    assert sorted((r.person.email, r.sent) for r in first) == [(BRAM, True), (CAROL, True)]
    assert [(t.key, days) for t, days in first[0].overdue] == [("intro", 15), ("reflect", 8)]
    again = reminders.remind(db, member=trainer, link_for=link)
    assert [r.sent for r in again] == [False, False]
    tomorrow = reminders.remind(db, member=trainer, link_for=link, now=utcnow() + timedelta(days=1))
    assert [r.sent for r in tomorrow] == [True, True]
    assert len(db.exec(select(OutboxMail)).all()) == 4
    assert ANNA not in {m.to_address for m in db.exec(select(OutboxMail)).all()}


def test_a_reminder_mail_lists_the_things_with_links(
    db: Session, sessions: SessionFactory, smtp: SmtpServer, progress_made: None
) -> None:
    bram = member(db, BRAM)
    reminders.remind(db, member=member(db, TRAINER), link_for=link, only=bram.membership.id)
    db.commit()
    assert send_due(sessions, smtp.delivery()) == 1
    [mail] = smtp.inbox.to(BRAM)
    body = smtp.inbox.body(mail)
    assert "Introduce yourself (15 days late): http://testserver/c/testcohort/things/intro" in body
    assert "Write a reflection (8 days late)" in body
    assert mail["Subject"] == "Ting: 2 Things are waiting for you in Cohort testcohort"


def test_a_dry_run_sends_nothing(db: Session, progress_made: None) -> None:
    sent = reminders.remind(db, member=member(db, TRAINER), link_for=link, dry_run=True)
    assert len(sent) == 2 and not any(r.sent for r in sent)
    assert db.exec(select(OutboxMail)).all() == []


def test_the_trainers_desk_and_reminding_from_it(client: TestClient, db: Session,
                                                  progress_made: None) -> None:
    sign_in(client, TRAINER)
    home = client.get("/c/testcohort")
    assert home.status_code == 303 and home.headers["location"] == "/c/testcohort/desk"
    desk = client.get("/c/testcohort/desk").text
    assert "Who is behind (2)" in desk and "Waiting for sign-off" in desk
    assert "Introduce yourself <span class=\"meta\">(15 days late)</span>" in desk
    done = client.post("/c/testcohort/reminders", data={"csrf_token": csrf_from(desk)})
    assert done.status_code == 303
    assert "Reminders are on their way to 2 people." in client.get("/c/testcohort/desk").text
    one = re.search(r'name="membership_id" value="(\d+)"', desk)
    assert one
    again = client.post("/c/testcohort/reminders", data={"csrf_token": csrf_from(desk),
                                                         "membership_id": one.group(1)})
    assert again.status_code == 303
    assert "1 had one today already" in client.get("/c/testcohort/desk").text


def test_each_role_lands_where_it_works(client: TestClient, web: object, db: Session,
                                        progress_made: None) -> None:
    for email, page in ((ANNA, "/c/testcohort/things"), (MANAGER, "/c/testcohort/dashboard")):
        with TestClient(web, follow_redirects=False) as browser:  # type: ignore[arg-type]
            sign_in(browser, email)
            assert browser.get("/c/testcohort").headers["location"] == page
        with TestClient(web, follow_redirects=False) as browser:  # type: ignore[arg-type]
            sign_in(browser, MANAGER)
            assert browser.get("/c/testcohort/desk").status_code == 403


def test_a_reminder_speaks_its_readers_language_not_the_trainers(
    db: Session, progress_made: None,
) -> None:
    from app.auth import service as auth_service
    from app.i18n import LocaleChoice, begin_request, load_translations
    from tests.fixtures.builders import user

    auth_service.set_language(db, user_id=user(db, BRAM).id or 0, language="fi")
    begin_request(LocaleChoice("nl", chosen=True))  # the trainer reads Dutch
    try:
        reminders.remind(db, member=member(db, TRAINER), link_for=link)
    finally:
        begin_request(LocaleChoice())
    mails = {m.to_address: m for m in db.exec(select(OutboxMail)).all()}
    finnish = load_translations("fi").gettext("A short reminder from {cohort}.")
    english = "A short reminder from {cohort}."
    assert finnish != english
    assert finnish.format(cohort="Cohort testcohort") in mails[BRAM].body  # Bram chose Finnish
    assert english.format(cohort="Cohort testcohort") in mails[CAROL].body  # the cohort's own
