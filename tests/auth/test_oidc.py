"""Single sign-on against a real OpenID provider (tests/fixtures/oidc.py): roster members get
in; tampered, replayed, expired, misaddressed or unverified sign-ins do not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.auth.models import BrowserSession, SignInMethod, User
from app.config import OidcProvider
from app.db import SessionFactory
from app.main import create_app
from tests.fixtures.builders import ANNA, load_standard
from tests.fixtures.database import settings_for
from tests.fixtures.oidc import (
    CLIENT_ID,
    OTHER_CLIENT_ID,
    RunningProvider,
    log_in_at_provider,
    openid_provider,
)

CALLBACK = "http://testserver/login/oidc/test/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    with openid_provider([CALLBACK]) as running:
        yield running


def sso_app(database_url: str, engine: Engine, sessions: SessionFactory,
            *providers: OidcProvider) -> FastAPI:
    settings = settings_for(database_url, demo=False, oidc_providers=list(providers),
                            contact="it@example.org")
    return create_app(settings, engine=engine, sessions=sessions)


@pytest.fixture
def sso(database_url: str, engine: Engine, sessions: SessionFactory,
        provider: RunningProvider) -> Iterator[TestClient]:
    with TestClient(sso_app(database_url, engine, sessions, provider.settings_entry()),
                    follow_redirects=False) as client:
        yield client


def start(client: TestClient, next_path: str = "/account") -> str:
    """Press "Sign in with Test Login"; the provider's authorization address."""
    response = client.get(f"/login/oidc/test?next={next_path}")
    assert response.status_code == 302, response.text
    return response.headers["location"]


def back_at_ting(client: TestClient, callback: str) -> httpx.Response:
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_as(client: TestClient, email: str) -> httpx.Response:
    return back_at_ting(client, log_in_at_provider(start(client), email))


def test_the_sign_in_page_offers_the_provider(sso: TestClient) -> None:
    html = sso.get("/login").text
    assert "Sign in with Test Login" in html
    assert "Choose a demo person" not in html


def test_the_request_uses_pkce_s256_state_and_nonce(sso: TestClient) -> None:
    query = parse_qs(urlsplit(start(sso)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]


def test_a_roster_member_signs_in_and_lands_where_they_were_going(
    sso: TestClient, db: Session
) -> None:
    load_standard(db)
    response = sign_in_as(sso, ANNA)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/account"
    page = sso.get("/account").text
    assert "Signed in as Anna." in page
    assert "your organisation&#39;s single sign-on" in page
    assert sso.get("/api/v1/me").json()["email"] == ANNA
    methods = db.exec(select(BrowserSession.method)).all()
    assert methods == [SignInMethod.oidc]


def test_someone_on_no_roster_is_told_so_and_gets_no_account(
    sso: TestClient, db: Session
) -> None:
    load_standard(db)
    response = sign_in_as(sso, "nobody@example.org")
    assert response.status_code == 403
    assert "no cohort in Ting lists that address" in response.text
    assert "nobody@example.org" in response.text and "it@example.org" in response.text
    assert db.exec(select(User).where(User.email == "nobody@example.org")).first() is None
    assert sso.get("/api/v1/me").status_code == 401


def test_an_unverified_email_address_is_not_trusted(sso: TestClient, db: Session) -> None:
    load_standard(db)
    db.add(User(email="unverified@example.org", name="Una"))  # even a known address
    db.commit()
    response = sign_in_as(sso, "unverified@example.org")
    assert response.status_code == 403
    assert "did not confirm that the e-mail address" in response.text
    assert sso.get("/api/v1/me").status_code == 401


def test_a_tampered_state_is_refused(sso: TestClient, db: Session) -> None:
    load_standard(db)
    callback = log_in_at_provider(start(sso), ANNA)
    query = parse_qs(urlsplit(callback).query)
    forged = {"code": query["code"][0], "state": query["state"][0][:-2] + "xx"}
    response = sso.get(f"/login/oidc/test/callback?{urlencode(forged)}")
    assert response.status_code == 400
    assert "did not work (mismatching state)" in response.text
    assert sso.get("/api/v1/me").status_code == 401


def test_a_code_cannot_be_used_twice(sso: TestClient, db: Session) -> None:
    load_standard(db)
    callback = log_in_at_provider(start(sso), ANNA)
    assert back_at_ting(sso, callback).status_code == 303
    assert back_at_ting(sso, callback).status_code == 400  # the same answer again
    # and replayed inside a fresh sign-in of its own: the provider refuses the spent code
    with TestClient(sso.app, follow_redirects=False) as other:
        fresh_state = parse_qs(urlsplit(start(other)).query)["state"][0]
        code = parse_qs(urlsplit(callback).query)["code"][0]
        response = other.get(f"/login/oidc/test/callback?{urlencode({'code': code, 'state': fresh_state})}")
        assert response.status_code == 400
        assert "invalid grant" in response.text
        assert other.get("/api/v1/me").status_code == 401


def test_a_refusal_at_the_provider_is_explained(sso: TestClient) -> None:
    state = parse_qs(urlsplit(start(sso)).query)["state"][0]
    response = sso.get(f"/login/oidc/test/callback?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "access denied" in response.text


def test_an_expired_id_token_is_refused(
    database_url: str, engine: Engine, sessions: SessionFactory, db: Session
) -> None:
    load_standard(db)
    late = "http://testserver/login/oidc/late/callback"
    with openid_provider([late], clock_skew_seconds=-7200) as slow_clock:
        web = sso_app(database_url, engine, sessions, slow_clock.settings_entry("late"))
        with TestClient(web, follow_redirects=False) as client:
            authorize = client.get("/login/oidc/late").headers["location"]
            response = back_at_ting(client, log_in_at_provider(authorize, ANNA))
            assert response.status_code == 400
            assert "expired" in response.text
            assert client.get("/api/v1/me").status_code == 401


def test_an_unreachable_provider_is_a_clear_message(
    database_url: str, engine: Engine, sessions: SessionFactory
) -> None:
    gone = OidcProvider(name="gone", label="Gone Login", issuer="http://127.0.0.1:9",
                        client_id="x", client_secret="y")
    with TestClient(sso_app(database_url, engine, sessions, gone), follow_redirects=False) as client:
        response = client.get("/login/oidc/gone")
        assert response.status_code == 502
        assert "Gone Login could not be reached" in response.text
        assert client.get("/login/oidc/nonesuch").status_code == 404


# -- the ID token's checks, on the client Ting registers, with the provider's real keys -------

def id_token(provider: RunningProvider, key: dict[str, Any] | None = None, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": provider.issuer, "sub": ANNA, "aud": CLIENT_ID, "iat": now,
              "exp": now + 300, "nonce": "the-nonce", **changes}
    return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims,
                      RSAKey.import_key(key or provider.jwk))


def check(sso: TestClient, token: str) -> dict[str, Any]:
    client = sso.app.state.oauth.create_client("test")  # type: ignore[attr-defined]
    return dict(asyncio.run(client.parse_id_token({"id_token": token}, nonce="the-nonce")))


def test_a_genuine_id_token_passes_the_checks(sso: TestClient, provider: RunningProvider) -> None:
    assert check(sso, id_token(provider))["sub"] == ANNA


@pytest.mark.parametrize("changes", [
    {"aud": OTHER_CLIENT_ID}, {"nonce": "another-nonce"}, {"iss": "http://127.0.0.1:1"},
    {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
], ids=["wrong-audience", "wrong-nonce", "wrong-issuer", "expired"])
def test_an_id_token_for_someone_else_or_out_of_date_is_refused(
    sso: TestClient, provider: RunningProvider, changes: dict[str, Any]
) -> None:
    with pytest.raises(JoseError):
        check(sso, id_token(provider, **changes))


def test_an_id_token_signed_with_another_key_is_refused(
    sso: TestClient, provider: RunningProvider
) -> None:
    stranger = RSAKey.generate_key(2048).as_dict(private=True)
    with pytest.raises(JoseError):
        check(sso, id_token(provider, key=stranger))
