"""My account page: who I am, my cohorts and roles, how I signed in, and my API tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import ApiToken
from tests.fixtures.builders import ANNA, BRAM, load_standard
from tests.fixtures.people import csrf_from, sign_in, token_for


def new_token_on(html: str) -> str:
    match = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html)
    assert match, "the new token is not shown"
    return match.group(1)


def test_my_account_shows_who_i_am_my_cohorts_and_how_i_signed_in(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    html = client.get("/account").text
    assert ANNA in html and "Anna" in html
    assert "Cohort testcohort" in html and "participant" in html
    assert "the demo login" in html
    assert "You have no tokens." in html


def test_the_account_page_needs_signing_in(client: TestClient) -> None:
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_new_token_is_shown_once_works_and_is_stored_hashed(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post("/account/tokens", data={"csrf_token": csrf, "name": "My script"})
    assert response.status_code == 201
    plain = new_token_on(response.text)
    assert "it is not shown again" in response.text
    assert client.get("/account").text.count(plain) == 0
    stored = db.exec(ApiToken.__table__.select()).all()  # type: ignore[attr-defined]
    assert all(plain not in str(row) for row in stored)
    with TestClient(client.app) as program:
        me = program.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
        assert me.json()["email"] == ANNA
    page = client.get("/account").text
    assert "My script" in page and "never" not in page.split("My script")[1].split("</tr>")[0]


def test_a_token_without_a_name_shows_the_form_again_with_a_message(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post("/account/tokens", data={"csrf_token": csrf, "name": "   "})
    assert response.status_code == 422
    assert "Give the token a name" in response.text
    too_long = "x" * 201
    response = client.post("/account/tokens", data={"csrf_token": csrf, "name": too_long})
    assert response.status_code == 422
    assert f'value="{too_long}"' in response.text  # what was typed is kept
    assert "You have no tokens." in response.text


def test_revoking_a_token_refuses_it_from_then_on(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    plain = new_token_on(client.post("/account/tokens",
                                      data={"csrf_token": csrf, "name": "laptop"}).text)
    page = client.get("/account").text
    revoke = re.search(r'action="(/account/tokens/\d+/revoke)"', page)
    assert revoke
    response = client.post(revoke.group(1), data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert "is revoked" in client.get("/account").text
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_nobody_can_revoke_someone_elses_token(client: TestClient, db: Session) -> None:
    load_standard(db)
    bram_headers = token_for(db, BRAM)
    bram_token = db.exec(ApiToken.__table__.select()).all()[-1]  # type: ignore[attr-defined]
    csrf = sign_in(client, ANNA)
    response = client.post(f"/account/tokens/{bram_token.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=bram_headers).json()["email"] == BRAM


def test_a_tokens_use_is_noted_once_a_day(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    client.get("/api/v1/cohorts/testcohort/things", headers=headers)
    token = db.exec(ApiToken.__table__.select()).all()[-1]  # type: ignore[attr-defined]
    assert token.last_used_at is not None
    first_use = token.last_used_at
    client.get("/api/v1/me", headers=headers)
    again = db.exec(ApiToken.__table__.select()).all()[-1]  # type: ignore[attr-defined]
    assert again.last_used_at == first_use
