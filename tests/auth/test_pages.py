"""Signing in and out in the browser (the demo login), and where people land afterwards."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import SessionFactory
from app.main import create_app
from tests.fixtures.builders import ANNA, BRAM, load_standard
from tests.fixtures.database import settings_for
from tests.fixtures.people import csrf_from, sign_in

THING = "/c/testcohort/things/intro"


def test_demo_page_lists_the_demo_people_with_their_roles(client: TestClient, db: Session) -> None:
    load_standard(db)
    page = client.get("/demo")
    assert page.status_code == 200
    assert "Anna" in page.text and "Bram" in page.text
    assert "participant · Cohort testcohort" in page.text
    assert "trainer · Cohort testcohort" in page.text


def test_signing_in_lands_on_my_cohorts_with_a_greeting(client: TestClient, db: Session) -> None:
    load_standard(db)
    page = client.get("/demo")
    response = client.post("/demo", data={"email": ANNA, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/cohorts"
    assert "Signed in as Anna." in client.get("/cohorts").text


def test_after_signing_in_i_return_to_the_page_i_asked_for(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    login = client.get(THING).headers["location"]
    assert login == f"/login?next={THING}"
    login_page = client.get(login).text
    link = re.search(r'href="(/demo\?next=[^"]*)"', login_page)
    assert link and unquote(link.group(1)) == f"/demo?next={THING}"
    demo = client.get(f"/demo?next={THING}")
    assert f'name="next" value="{THING}"' in demo.text
    response = client.post("/demo", data={"email": ANNA, "next": THING,
                                          "csrf_token": csrf_from(demo.text)})
    assert response.status_code == 303
    assert response.headers["location"] == THING
    assert client.get(THING).status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "\t//evil.example"])
def test_signing_in_never_sends_me_to_another_site(
    client: TestClient, db: Session, target: str
) -> None:
    load_standard(db)
    page = client.get("/demo")
    response = client.post("/demo", data={"email": ANNA, "next": target,
                                          "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert response.headers["location"] == "/cohorts"
    again = client.get("/login", params={"next": target})
    assert again.headers["location"] == "/cohorts"


def test_choosing_nobody_on_the_demo_page_asks_again(client: TestClient, db: Session) -> None:
    load_standard(db)
    page = client.get("/demo")
    response = client.post("/demo", data={"email": "nobody@example.org",
                                          "csrf_token": csrf_from(page.text)})
    assert response.status_code == 422
    assert "Choose one of the demo people below." in response.text
    assert client.get("/cohorts").status_code == 303


def test_signing_out_ends_the_session(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "You are signed out." in client.get("/login").text
    assert client.get("/cohorts").status_code == 303


def test_signing_in_as_someone_else_replaces_the_session(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    sign_in(client, BRAM)
    assert client.get("/api/v1/me").json()["email"] == BRAM


def test_two_apps_in_one_process_each_link_to_their_own_routes(
    database_url: str, engine: Engine, sessions: SessionFactory
) -> None:
    """Templates look routes up in the app serving the request, not in the last app made."""
    demo = create_app(settings_for(database_url), engine=engine, sessions=sessions)
    plain = create_app(settings_for(database_url, demo=False), engine=engine, sessions=sessions)
    with TestClient(plain) as without_demo, TestClient(demo) as with_demo:
        assert without_demo.get("/login").status_code == 200
        page = with_demo.get("/login")
        assert page.status_code == 200 and 'href="/demo?next=' in page.text
