"""Input no person means to send gets a clear 4xx on either database, never a 500: text
that cannot be stored, ids past the columns, odd session cookies, oversized text, methods an
address does not answer. One rule each, in the core."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import func
from sqlmodel import Session, select

from app.config import Settings, demo_secret_key
from app.limits import POST_BODY_CHARS, ROW_ID_MAX
from app.main import SESSION_COOKIE
from app.posts.models import Post
from tests.fixtures.builders import ANNA, BRAM, TRAINER, load_standard
from tests.fixtures.database import TEST_SECRET
from tests.fixtures.people import sign_in, token_for

UNSTORABLE = "The request holds a character that cannot be stored"


def posts(db: Session) -> int:
    return db.exec(select(func.count()).select_from(Post)).one()


@pytest.mark.parametrize("text", ["before\x00after", "lone \ud800 surrogate"])
def test_unstorable_text_in_a_json_body_is_a_400_and_nothing_is_stored(
    client: TestClient, db: Session, text: str
) -> None:
    load_standard(db)
    for body in ({"title": text, "body": "fine"}, {"title": "fine", "body": "x", "thing": text}):
        response = client.post("/api/v1/cohorts/testcohort/posts",
                               headers={**token_for(db, ANNA), "Content-Type": "application/json"},
                               content=json.dumps(body).encode())  # \u escapes, as JSON has them
        assert response.status_code == 400, response.text
        assert UNSTORABLE in response.json()["detail"]
    assert posts(db) == 0


def test_a_nul_character_in_a_form_field_is_a_400_page_with_the_security_headers(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post("/c/testcohort/things/reflect/reflection",
                           data={"csrf_token": csrf, "reflection": "my\x00words"})
    assert response.status_code == 400
    assert UNSTORABLE in response.text and "<h1>" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert posts(db) == 0


@pytest.mark.parametrize("path", ["/api/v1/cohorts/a%00b/things", "/c/a%00b/things"])
def test_a_nul_character_in_the_address_is_a_400(client: TestClient, db: Session, path: str) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    response = client.get(path, headers=token_for(db, ANNA))
    assert response.status_code == 400
    assert UNSTORABLE in response.text


@pytest.mark.parametrize("post_id", [ROW_ID_MAX + 1, 2**63, 0])
def test_a_post_id_outside_what_the_columns_hold_is_a_422(
    client: TestClient, db: Session, post_id: int
) -> None:
    load_standard(db)
    response = client.get(f"/api/v1/posts/{post_id}", headers=token_for(db, ANNA))
    assert response.status_code == 422
    assert "post_id" in response.json()["detail"]


def _signed_cookie(payload: object) -> str:
    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(TEST_SECRET).sign(data).decode()


@pytest.mark.parametrize("payload", [
    ["not", "a", "mapping"], {"sid": 10**30}, {"sid": True}, {"sid": "x" * 500},
    {"sid": "no-such-session"}, {"uid": 1},  # the old cookie's shape
    {"sid": "x", "flash": "not a list"}, {"sid": "x", "flash": [["only one part"]]},
    {"csrf": 12345}, {"something": "else"},
])
def test_a_signed_session_cookie_with_an_unexpected_payload_counts_as_signed_out(
    client: TestClient, db: Session, payload: object
) -> None:
    load_standard(db)
    client.cookies.set(SESSION_COOKIE, _signed_cookie(payload))
    response = client.get("/cohorts")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert client.get("/login").status_code == 200


def test_demo_mode_signs_with_a_key_made_for_the_process_not_one_in_the_code() -> None:
    settings = Settings(demo=True, _env_file=None)  # type: ignore[call-arg]
    first = settings.effective_secret_key()
    demo_secret_key.cache_clear()
    second = settings.effective_secret_key()
    assert first != second and len(first) >= 32


def test_an_oversized_reflection_is_refused_alike_by_the_form_and_the_api(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    text = "word " * (POST_BODY_CHARS // 5 + 1)
    csrf = sign_in(client, ANNA)
    page = client.post("/c/testcohort/things/reflect/reflection",
                       data={"csrf_token": csrf, "reflection": text})
    assert page.status_code == 422
    assert "too long" in page.text
    assert text.strip() in page.text  # what was typed is shown again, not lost
    api = client.put("/api/v1/cohorts/testcohort/things/reflect/reflection",
                     headers=token_for(db, ANNA), json={"body": text})
    assert api.status_code == 422
    assert posts(db) == 0


def test_pages_and_json_are_not_kept_by_caches_but_static_files_may_be(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    for response in (client.get("/c/testcohort/things"), client.get("/login"),
                     client.get("/api/v1/me", headers=token_for(db, ANNA)),
                     client.get("/c/nowhere/things")):
        assert response.headers["cache-control"] == "private, no-store", response.url
    assert "no-store" not in client.get("/static/ting.css").headers.get("cache-control", "")


def test_a_post_shows_its_authors_email_only_to_the_author_and_trainers(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    created = client.post("/api/v1/cohorts/testcohort/posts", headers=token_for(db, ANNA),
                          json={"title": "Mine", "body": "hello"}).json()
    assert created["author"]["email"] == ANNA

    def email_seen_by(who: str) -> str | None:
        response = client.get(f"/api/v1/posts/{created['id']}", headers=token_for(db, who))
        assert response.status_code == 200
        return response.json()["author"]["email"]

    assert email_seen_by(ANNA) == ANNA
    assert email_seen_by(TRAINER) == ANNA
    assert email_seen_by(BRAM) is None


def test_options_and_wrong_methods_name_every_method_the_address_answers(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    url = "/api/v1/cohorts/testcohort/things/intro/completion"
    for method in ("OPTIONS", "POST", "PATCH"):
        response = client.request(method, url, headers=token_for(db, ANNA))
        assert response.status_code == 405
        assert response.headers["allow"] == "DELETE, PUT"  # not just the first route's
        assert "DELETE, PUT" in response.json()["detail"]
