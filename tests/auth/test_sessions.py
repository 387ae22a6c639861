"""A signed-in browser is a record, not just a cookie: signing out ends it, so a copy of the
cookie stops working, and a person can sign out on every browser at once."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import BrowserSession, SignInMethod
from app.main import SESSION_COOKIE
from tests.fixtures.builders import ANNA, BRAM, load_standard, user
from tests.fixtures.people import sign_in


def copy_of(client: TestClient, web: FastAPI) -> TestClient:
    """Another browser holding a copy of this one's session cookie."""
    thief = TestClient(web, follow_redirects=False)
    thief.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return thief


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(
    client: TestClient, web: FastAPI, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    with copy_of(client, web) as thief:
        assert thief.get("/api/v1/me").json()["email"] == ANNA  # the copy works while signed in
        assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
        assert thief.get("/api/v1/me").status_code == 401
        assert thief.get("/c/testcohort/things").status_code == 303  # to sign-in
        assert thief.get("/api/v1/cohorts/testcohort/things").status_code == 401


def test_signing_out_everywhere_ends_every_browser_of_that_person_only(
    client: TestClient, web: FastAPI, db: Session
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    with TestClient(web, follow_redirects=False) as phone, \
            TestClient(web, follow_redirects=False) as bram:
        sign_in(phone, ANNA)
        sign_in(bram, BRAM)
        csrf = sign_in(client, ANNA)
        response = client.post("/account/sign-out-everywhere", data={"csrf_token": csrf})
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert "You are signed out on every browser (2)." in client.get("/login").text
        assert phone.get("/api/v1/me").status_code == 401
        assert client.get("/api/v1/me").status_code == 401
        assert bram.get("/api/v1/me").json()["email"] == BRAM


def test_signing_in_again_ends_the_browsers_previous_session(
    client: TestClient, web: FastAPI, db: Session
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    with copy_of(client, web) as old_copy:
        sign_in(client, BRAM)
        assert old_copy.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").json()["email"] == BRAM


def test_a_sign_in_is_recorded_with_its_method_and_only_a_digest_of_the_secret(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    anna = user(db, ANNA)
    db.refresh(anna)
    records = db.exec(select(BrowserSession).where(BrowserSession.user_id == anna.id)).all()
    assert [(r.method, r.ended_at) for r in records] == [(SignInMethod.demo, None)]
    assert records[0].secret_hash not in client.cookies[SESSION_COOKIE]
    assert anna.last_signed_in_at is not None
