"""People without single sign-on: a trainer's invitation (mailed through a real SMTP server)
lets them choose a password once; links expire; wrong passwords are slowed down; a forgotten
password is reset by mail."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import passwords
from app.auth.models import AccountLink, BrowserSession, LinkPurpose
from app.db import SessionFactory, utcnow
from app.mail.models import OutboxMail
from app.mail.sender import send_due
from tests.fixtures.builders import ANNA, BRAM, TRAINER, load_standard, user
from tests.fixtures.mail import SmtpServer
from tests.fixtures.people import csrf_from, sign_in

PASSWORD = "correct horse battery staple"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.netloc == "testserver"  # links point at TING_BASE_URL
    return parts.path


def choose_password(client: TestClient, link: str, password: str = PASSWORD,
                    again: str | None = None) -> object:
    page = client.get(path_of(link))
    assert page.status_code == 200, page.text
    return client.post(path_of(link), data={"csrf_token": csrf_from(page.text),
                                            "password": password,
                                            "password_again": password if again is None else again})


def sign_in_with_password(client: TestClient, email: str, password: str) -> object:
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_from(page.text), "email": email,
                                       "password": password, "next": "/account"})


def invite_from_the_browser(client: TestClient, email: str | None = None) -> object:
    csrf = sign_in(client, TRAINER)
    people = client.get("/c/testcohort/people")
    assert people.status_code == 200
    data = {"csrf_token": csrf, **({"email": email} if email else {"everyone": "true"})}
    return client.post("/c/testcohort/invitations", data=data)


def test_an_invited_person_chooses_a_password_and_signs_in_with_it(
    client: TestClient, web: object, db: Session, sessions: SessionFactory, smtp: SmtpServer
) -> None:
    load_standard(db)
    response = invite_from_the_browser(client, ANNA)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert "Invitations are on their way to 1 people." in client.get("/c/testcohort/people").text
    assert send_due(sessions, smtp.delivery()) == 1
    [mail] = smtp.inbox.to(ANNA)
    assert mail["Subject"] == "Your invitation to Ting: Cohort testcohort"
    assert "trainer invites you to Cohort testcohort" in smtp.inbox.body(mail)
    link = smtp.inbox.link_in(mail)

    with TestClient(web, follow_redirects=False) as anna:  # type: ignore[arg-type]
        done = choose_password(anna, link)
        assert done.status_code == 303, done.text  # type: ignore[attr-defined]
        assert "Your password is set. Welcome, Anna!" in anna.get("/cohorts").text
        assert anna.get("/api/v1/me").json()["email"] == ANNA
        assert anna.get(path_of(link)).status_code == 410  # works once
    with TestClient(web, follow_redirects=False) as later:  # type: ignore[arg-type]
        response = sign_in_with_password(later, "Anna@Example.org", PASSWORD)
        assert response.status_code == 303  # type: ignore[attr-defined]
        assert response.headers["location"] == "/account"  # type: ignore[attr-defined]
        assert "your e-mail address and password" in later.get("/account").text
    assert user(db, ANNA).password_hash.startswith("$argon2id$")  # type: ignore[union-attr]


def test_inviting_everyone_not_yet_signed_in_skips_who_has(client: TestClient, db: Session) -> None:
    load_standard(db)
    with TestClient(client.app, follow_redirects=False) as bram:
        sign_in(bram, BRAM)
    invite_from_the_browser(client)  # the trainer signs in too
    db.expire_all()
    invited = {mail.to_address for mail in db.exec(select(OutboxMail)).all()}
    assert ANNA in invited and "manager@example.org" in invited
    assert BRAM not in invited and TRAINER not in invited


def test_only_roster_members_can_be_invited_and_only_by_trainers(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    response = invite_from_the_browser(client, "olga@example.org")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "olga@example.org is not on this cohort&#39;s list" in response.text  # type: ignore[attr-defined]
    with TestClient(client.app, follow_redirects=False) as anna:
        csrf = sign_in(anna, ANNA)
        refused = anna.post("/c/testcohort/invitations", data={"csrf_token": csrf, "email": BRAM})
        assert refused.status_code == 403
        assert "Only this cohort&#39;s trainers can invite people." in refused.text
    assert db.exec(select(OutboxMail)).all() == []


def test_an_invitation_expires(client: TestClient, db: Session) -> None:
    load_standard(db)
    secret = passwords.make_link(db, user=user(db, ANNA), purpose=LinkPurpose.invitation,
                                 lifetime=timedelta(days=7), now=utcnow() - timedelta(days=8))
    db.commit()
    page = client.get(f"/password/set/{secret}")
    assert page.status_code == 410
    assert "This link has expired or has been used already." in page.text


def test_a_new_invitation_ends_the_older_one(client: TestClient, db: Session) -> None:
    load_standard(db)
    anna = user(db, ANNA)
    first = passwords.make_link(db, user=anna, purpose=LinkPurpose.invitation,
                                lifetime=timedelta(days=7), now=utcnow())
    second = passwords.make_link(db, user=anna, purpose=LinkPurpose.invitation,
                                 lifetime=timedelta(days=7), now=utcnow())
    db.commit()
    assert client.get(f"/password/set/{first}").status_code == 410
    assert client.get(f"/password/set/{second}").status_code == 200
    assert all(len(row.token_hash) == 64 for row in db.exec(select(AccountLink)).all())


def test_a_weak_or_mistyped_password_shows_the_form_again(client: TestClient, db: Session) -> None:
    load_standard(db)
    secret = passwords.make_link(db, user=user(db, ANNA), purpose=LinkPurpose.invitation,
                                 lifetime=timedelta(days=7), now=utcnow())
    db.commit()
    link = f"http://testserver/password/set/{secret}"
    short = choose_password(client, link, "short")
    assert short.status_code == 422 and "at least 10 characters" in short.text  # type: ignore[attr-defined]
    mistyped = choose_password(client, link, PASSWORD, again=PASSWORD + "!")
    assert mistyped.status_code == 422 and "not the same" in mistyped.text  # type: ignore[attr-defined]
    own = choose_password(client, link, ANNA)
    assert own.status_code == 422 and "cannot be your e-mail address" in own.text  # type: ignore[attr-defined]
    assert choose_password(client, link).status_code == 303  # type: ignore[attr-defined]


def test_wrong_passwords_are_slowed_down_per_account(client: TestClient, db: Session) -> None:
    load_standard(db)
    user(db, ANNA).password_hash = passwords._hasher.hash(PASSWORD)
    db.commit()
    for _ in range(passwords.ACCOUNT_FAILURES):
        wrong = sign_in_with_password(client, ANNA, "not the password")
        assert wrong.status_code == 400  # type: ignore[attr-defined]
        assert "do not match" in wrong.text  # type: ignore[attr-defined]
        assert f'value="{ANNA}"' in wrong.text  # type: ignore[attr-defined]
    throttled = sign_in_with_password(client, ANNA, PASSWORD)  # even the right one, for now
    assert throttled.status_code == 429  # type: ignore[attr-defined]
    assert "Try again in 15 minutes" in throttled.text  # type: ignore[attr-defined]
    assert client.get("/api/v1/me").status_code == 401
    # Bram's account is not affected
    user(db, BRAM).password_hash = passwords._hasher.hash(PASSWORD)
    db.commit()
    assert sign_in_with_password(client, BRAM, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_wrong_passwords_are_slowed_down_per_client_address(db: Session) -> None:
    load_standard(db)
    now = utcnow()
    for i in range(passwords.CLIENT_FAILURES):
        with pytest.raises(passwords.WrongCredentials):
            passwords.sign_in_with_password(db, email=f"guess{i}@example.org", password="x",
                                            client="203.0.113.9", now=now)
    with pytest.raises(passwords.TooManyAttempts, match="from your network"):
        passwords.sign_in_with_password(db, email=ANNA, password="x", client="203.0.113.9", now=now)
    later = now + passwords.FAILURE_WINDOW + timedelta(seconds=1)
    with pytest.raises(passwords.WrongCredentials):  # the window has passed: an ordinary refusal
        passwords.sign_in_with_password(db, email=ANNA, password="x", client="203.0.113.9", now=later)


def test_a_forgotten_password_is_reset_by_mail_and_other_browsers_are_signed_out(
    client: TestClient, web: object, db: Session, sessions: SessionFactory, smtp: SmtpServer
) -> None:
    load_standard(db)
    with TestClient(web, follow_redirects=False) as old_browser:  # type: ignore[arg-type]
        sign_in(old_browser, ANNA)
        page = client.get("/password/reset")
        response = client.post("/password/reset", data={"csrf_token": csrf_from(page.text),
                                                         "email": ANNA})
        assert response.status_code == 200
        assert f"If {ANNA} has an account in Ting" in response.text
        unknown = client.post("/password/reset", data={"csrf_token": csrf_from(page.text),
                                                        "email": "nobody@example.org"})
        assert "If nobody@example.org has an account in Ting" in unknown.text  # the same answer
        assert send_due(sessions, smtp.delivery()) == 1
        [mail] = smtp.inbox.to(ANNA)
        assert mail["Subject"] == "Set a new password for Ting"
        assert choose_password(client, smtp.inbox.link_in(mail)).status_code == 303  # type: ignore[attr-defined]
        assert old_browser.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").json()["email"] == ANNA
    live = db.exec(select(BrowserSession).where(BrowserSession.ended_at == None)).all()  # noqa: E711
    assert len(live) == 1
