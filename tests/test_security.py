"""Security by default (DESIGN.md §7): CSRF, headers, cookies, Markdown, demo login, secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import ConfigurationError, Settings
from app.db import SessionFactory, make_engine
from app.main import create_app
from tests.fixtures.builders import (
    ANNA,
    ENOUGH_WORDS,
    PROGRAM,
    cohort_yaml,
    completions_of,
    load,
    load_standard,
    member,
    program_with_body,
)
from tests.fixtures.database import TEST_SECRET
from tests.fixtures.people import csrf_from, sign_in, token_for

WRONG = "not-the-token"
THING = "/c/testcohort/things/reflect"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"database_url": database_url, "base_url": "http://testserver",
                                 "_env_file": None}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def reflection_text(html: str) -> str:
    match = re.search(r'<textarea id="reflection"[^>]*>(.*?)</textarea>', html, re.S)
    assert match
    return match.group(1)


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def real_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The elements a browser would build (escaped text is not an element)."""
    collector = _TagCollector()
    collector.feed(html)
    return collector.tags


def forged(token: str | None, **fields: str) -> dict[str, str]:
    return fields if token is None else {"csrf_token": token, **fields}


# --- CSRF on the HTML face -------------------------------------------------------------


@pytest.mark.parametrize("token", [None, WRONG, ""])
def test_demo_sign_in_without_the_right_csrf_token_is_refused(
    client: TestClient, db: Session, token: str | None
) -> None:
    load_standard(db)
    client.get("/demo")  # the visitor's session has a token; the forged form does not carry it
    response = client.post("/demo", data=forged(token, email=ANNA))
    assert response.status_code == 403
    assert "did not come from Ting" in response.text
    assert client.get("/cohorts").status_code == 303  # still not signed in


@pytest.mark.parametrize("token", [None, WRONG])
def test_sign_out_without_the_right_csrf_token_is_refused(
    client: TestClient, db: Session, token: str | None
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    response = client.post("/logout", data=forged(token))
    assert response.status_code == 403
    assert client.get("/cohorts").status_code == 200  # still signed in


def test_sign_out_with_the_token_signs_out(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert client.get("/cohorts").status_code == 303


@pytest.mark.parametrize("token", [None, WRONG])
@pytest.mark.parametrize("action", ["done", "reflection"])
def test_thing_forms_without_the_right_csrf_token_change_nothing(
    client: TestClient, db: Session, token: str | None, action: str
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    response = client.post(f"{THING}/{action}", data=forged(token, reflection=ENOUGH_WORDS))
    assert response.status_code == 403
    assert completions_of(db, member(db, ANNA)) == []
    assert reflection_text(client.get(THING).text) == ""


@pytest.mark.parametrize("token", [None, WRONG])
def test_undo_without_the_right_csrf_token_changes_nothing(
    client: TestClient, db: Session, token: str | None
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    client.post("/c/testcohort/things/intro/done", data={"csrf_token": csrf})
    response = client.post("/c/testcohort/things/intro/undo", data=forged(token))
    assert response.status_code == 403
    assert len(completions_of(db, member(db, ANNA))) == 1


def test_csrf_token_from_another_session_is_refused(
    client: TestClient, web, db: Session  # type: ignore[no-untyped-def]
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    with TestClient(web, follow_redirects=False) as attacker:
        their_token = sign_in(attacker, "bram@example.org")
    response = client.post("/c/testcohort/things/intro/done", data={"csrf_token": their_token})
    assert response.status_code == 403
    assert completions_of(db, member(db, ANNA)) == []


def test_htmx_requests_send_the_token_as_a_header(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    page = client.get("/c/testcohort/things/intro").text
    assert f'"X-CSRF-Token": "{csrf}"' in page.replace("&#34;", '"')
    response = client.post("/c/testcohort/things/intro/done",
                           headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert len(completions_of(db, member(db, ANNA))) == 1


# --- CSRF on the JSON face ---------------------------------------------------------------


def test_api_with_a_session_cookie_and_no_csrf_header_is_refused(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    url = "/api/v1/cohorts/testcohort/things/intro/completion"
    assert client.get("/api/v1/me").status_code == 200  # reading with the session is fine
    for headers in ({}, {"X-CSRF-Token": WRONG}):
        response = client.put(url, json={}, headers=headers)
        assert response.status_code == 403
        assert isinstance(response.json()["detail"], str)
    assert completions_of(db, member(db, ANNA)) == []
    refused_post = client.post("/api/v1/cohorts/testcohort/posts", json={"title": "T", "body": "B"})
    assert refused_post.status_code == 403
    refused_reflection = client.put("/api/v1/cohorts/testcohort/things/reflect/reflection",
                                    json={"body": "Written from another site"})
    assert refused_reflection.status_code == 403

    accepted = client.put(url, json={}, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 200
    refused_delete = client.delete(url)
    assert refused_delete.status_code == 403
    assert len(completions_of(db, member(db, ANNA))) == 1


def test_api_with_a_bearer_token_needs_no_csrf(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    url = "/api/v1/cohorts/testcohort/things/intro/completion"
    assert client.put(url, json={}, headers=headers).status_code == 200
    assert client.delete(url, headers=headers).status_code == 204
    created = client.post("/api/v1/cohorts/testcohort/posts", headers=headers,
                          json={"title": "T", "body": "B"})
    assert created.status_code == 201


def test_a_bad_bearer_token_does_not_fall_back_to_the_session(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    url = "/api/v1/cohorts/testcohort/things/intro/completion"
    response = client.put(url, json={}, headers={"Authorization": "Bearer ting_forged"})
    assert response.status_code == 401
    assert completions_of(db, member(db, ANNA)) == []


# --- headers and cookies ----------------------------------------------------------------


def script_src(policy: str) -> str:
    directives = {}
    for part in policy.split(";"):
        name, _sep, value = part.strip().partition(" ")
        directives[name] = value
    return directives.get("script-src", directives.get("default-src", ""))


def test_pages_and_api_carry_security_headers(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    for path in ("/login", "/cohorts", "/c/testcohort/things", "/c/testcohort/things/intro",
                 "/api/v1/me", "/c/nope/things"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in script_src(policy), path
        assert "'unsafe-eval'" not in script_src(policy), path
        assert "frame-ancestors 'none'" in policy, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        # served over plain HTTP (the demo on a laptop): nothing to pin browsers to
        assert "strict-transport-security" not in response.headers, path


def test_pages_have_no_inline_scripts_or_event_handlers(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    for path in ("/cohorts", "/c/testcohort/things", "/c/testcohort/things/reflect"):
        html = client.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline script on {path}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {path}"


def test_session_cookie_is_http_only_and_same_site_lax(client: TestClient, db: Session) -> None:
    load_standard(db)
    page = client.get("/demo")
    response = client.post("/demo", data={"email": ANNA, "csrf_token": csrf_from(page.text)})
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("ting_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_over_https_the_cookie_is_secure_and_browsers_are_told_to_keep_to_https(
    database_url: str, engine: Engine, db: Session, sessions: SessionFactory
) -> None:
    load_standard(db)
    app = create_app(make_settings(database_url, secret_key=TEST_SECRET, demo=True,
                                   base_url="https://ting.example.org"),
                     engine=engine, sessions=sessions)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as secure:
        page = secure.get("/demo")
        response = secure.post("/demo", data={"email": ANNA, "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert "; secure" in response.headers["set-cookie"].lower()
    assert page.headers["strict-transport-security"] == "max-age=31536000"
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_signing_in_gives_a_new_csrf_token(client: TestClient, db: Session) -> None:
    load_standard(db)
    before = csrf_from(client.get("/demo").text)
    after = sign_in(client, ANNA)
    assert before != after


# --- Markdown in programmes --------------------------------------------------------------


def test_thing_markdown_cannot_inject_scripts_or_javascript_links(
    client: TestClient, db: Session
) -> None:
    body = "\n".join([
        "Read **this**.",
        "",
        "<script>alert('body')</script>",
        "",
        "[click me](javascript:alert('link'))",
        "",
        '<a href="javascript:alert(2)">raw link</a> <img src=x onerror="alert(3)">',
        "",
        "[fine](https://example.org/ok)",
    ])
    load(db, program_with_body(body), cohort_yaml())
    sign_in(client, ANNA)
    html = client.get("/c/testcohort/things/intro").text
    instructions = html.split('<div class="instructions" lang="en">', 1)[1].split("</div>", 1)[0]
    assert "<strong>this</strong>" in instructions
    tags = real_tags(instructions)
    assert "script" not in [tag for tag, _attrs in tags]
    assert "img" not in [tag for tag, _attrs in tags]
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    assert ("a", [("href", "https://example.org/ok"),
                  ("rel", "noopener noreferrer nofollow")]) in tags


def test_titles_from_yaml_are_escaped(client: TestClient, db: Session) -> None:
    program = PROGRAM.replace("title: Introduce yourself",
                              'title: "Introduce <script>alert(1)</script> yourself"')
    load(db, program, cohort_yaml())
    sign_in(client, ANNA)
    for path in ("/c/testcohort/things", "/c/testcohort/things/intro"):
        html = client.get(path).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- demo login and secrets --------------------------------------------------------------


@pytest.fixture
def production(
    database_url: str, engine: Engine, db: Session, sessions: SessionFactory
) -> Iterator[TestClient]:
    app = create_app(make_settings(database_url, demo=False, secret_key=TEST_SECRET),
                     engine=engine, sessions=sessions)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def test_demo_login_does_not_exist_outside_demo_mode(production: TestClient, db: Session) -> None:
    load_standard(db)
    assert production.get("/demo").status_code == 404
    assert production.post("/demo", data={"email": ANNA}).status_code == 404
    login = production.get("/login")
    assert login.status_code == 200
    assert "/demo" not in login.text
    assert "Demo mode" not in login.text
    assert production.get("/cohorts").status_code == 303  # nobody got signed in


def test_a_session_from_a_demo_server_is_not_accepted_with_another_key(
    client: TestClient, database_url: str, engine: Engine, db: Session, sessions: SessionFactory
) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    cookie = client.cookies.get("ting_session")
    assert cookie
    other = create_app(make_settings(database_url, demo=False, secret_key="y" * 48),
                       engine=engine, sessions=sessions)
    with TestClient(other, follow_redirects=False) as stranger:
        stranger.cookies.set("ting_session", cookie)
        assert stranger.get("/cohorts").status_code == 303
        assert stranger.get("/api/v1/me").status_code == 401


def test_no_secret_key_outside_demo_mode_refuses_to_start_and_says_how_to_make_one(
    database_url: str,
) -> None:
    settings = make_settings(database_url, demo=False, secret_key="")
    with pytest.raises(ConfigurationError) as refused:
        settings.effective_secret_key()
    message = str(refused.value)
    assert "TING_SECRET_KEY" in message
    assert "secrets.token_urlsafe" in message
    with pytest.raises(ConfigurationError):
        create_app(settings)


def test_a_short_secret_key_is_refused(database_url: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        make_settings(database_url, demo=False, secret_key="short").effective_secret_key()
    assert "32 characters" in str(refused.value)


def test_demo_mode_works_without_a_key_and_a_given_key_is_used(database_url: str) -> None:
    assert make_settings(database_url, demo=True, secret_key="").effective_secret_key()
    assert make_settings(database_url, demo=False,
                         secret_key=TEST_SECRET).effective_secret_key() == TEST_SECRET


def test_no_page_loads_scripts_from_a_cdn_and_the_openapi_document_is_served(
    client: TestClient,
) -> None:
    assert client.get("/api/v1/docs").status_code == 404
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and "/api/v1/cohorts/{cohort}/things" in spec.json()["paths"]


def test_a_refused_htmx_request_shows_its_message_in_the_page_alert_region(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    sign_in(client, "anna@example.org")
    response = client.post("/c/testcohort/things/intro/done", headers={"HX-Request": "true"},
                           data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#htmx-error"
    assert 'role="alert"' in response.text and "<html" not in response.text
    assert "expired" in response.text


def test_an_htmx_request_without_a_session_sends_the_whole_page_to_sign_in(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    response = client.get(
        "/c/testcohort/things/intro",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/c/testcohort/things"},
    )
    # not a sign-in page swapped into a fragment: htmx is told to load it as a whole page
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login?next=/c/testcohort/things"


def test_the_openapi_document_declares_bearer_tokens(client: TestClient) -> None:
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_an_unexpected_failure_is_a_plain_500_with_the_security_headers(tmp_path: Path) -> None:
    # a real failure: a database that was never migrated
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET, _env_file=None,  # type: ignore[call-arg]
                              base_url="https://ting.example.org"),
                     engine=make_engine(url))
    with TestClient(app, raise_server_exceptions=False) as browserless:
        response = browserless.get("/api/v1/me", headers={"Authorization": "Bearer ting_x"})
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. Please try again in a moment.",
        "request_id": response.headers["x-request-id"]}
    assert "Traceback" not in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"] == "max-age=31536000"
