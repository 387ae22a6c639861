"""Signing in through the OpenID provider's own login page, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from tests.browser.conftest import LIVE_SECRET, free_socket, serving, url_of
from tests.fixtures.oidc import openid_provider

pytestmark = pytest.mark.browser
PARTICIPANT = "anouk.devries@example.org"  # on the VerdiepDingen demo roster


@pytest.fixture(scope="module")
def sso_server(live_database_url: str, live_engine: Engine) -> Iterator[str]:
    """Ting without the demo login, with single sign-on at a real provider."""
    sock = free_socket()
    base = url_of(sock)
    with openid_provider([f"{base}/login/oidc/test/callback"]) as provider:
        settings = Settings(database_url=live_database_url, secret_key=LIVE_SECRET, base_url=base,
                            oidc_providers=[provider.settings_entry()],
                            _env_file=None)  # type: ignore[call-arg]
        with serving(create_app(settings, engine=live_engine), sock) as url:
            yield url


def test_a_participant_signs_in_at_the_providers_login_page(page: Page, sso_server: str) -> None:
    page.goto(f"{sso_server}/cohorts")
    expect(page.get_by_role("heading", level=1, name="Sign in to Ting")).to_be_visible()
    page.get_by_role("link", name="Sign in with Test Login").click()
    # the provider's own pages: log in, then consent
    page.locator("input[name=login]").fill(PARTICIPANT)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("status").filter(has_text="Signed in as Anouk de Vries")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="My cohorts")).to_be_visible()
    assert page.url == f"{sso_server}/cohorts"
