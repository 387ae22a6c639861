"""Badges in a real browser: a participant finishes a programme (marking the last Thing done
earns its badge), downloads the signed credential and the certificate, and opens the public
page of the credential; the pages pass axe."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from app.progress import service as progress_service
from tests.browser.conftest import serving_data
from tests.browser.test_pages_quality import _assert_no_axe_violations
from tests.fixtures.builders import ANNA, PROGRAM, cohort_yaml, load, member

pytestmark = pytest.mark.browser
SMALL = """\
kind: program
id: small
title: A small programme
language: en
things:
  - {key: first, title: The first Thing, kind: must}
  - {key: last, title: The last Thing, kind: must}
badges:
  - key: finisher
    name: Finisher
    for: programme
    description: For finishing the small programme.
    criteria: Both Things.
"""


def fill(session) -> None:  # type: ignore[no-untyped-def]
    assert PROGRAM  # the standard builders make the people
    load(session, SMALL, cohort_yaml(program="small") + "signatory: Signe Hansen, head of learning\n")
    progress_service.complete_thing(session, member=member(session, ANNA), key="first")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_data(tmp_path_factory.mktemp("badges-db"), "ting_badges", fill) as base:
        yield base


def test_finish_the_programme_and_take_the_badge_and_certificate(browser: Browser, server: str) -> None:
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/demo")
    page.locator("button.person-button", has_text="Anna").click()
    page.goto(f"{server}/c/testcohort/things/last")
    page.get_by_role("button", name="Mark done", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("You have earned the badge “Finisher”!")

    page.goto(f"{server}/c/testcohort/things")
    expect(page.locator(".badges-box")).to_contain_text("Earned on")
    page.get_by_role("link", name="All about your badges").click()
    expect(page.get_by_role("heading", name="My badges")).to_be_visible()
    _assert_no_axe_violations(page, "my badges")

    with page.expect_download() as credential:
        page.get_by_role("link", name="Download the credential").click()
    document = json.loads(credential.value.path().read_text())
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    with page.expect_download() as certificate:
        page.get_by_role("link", name="The certificate (PDF)").click()
    assert certificate.value.path().read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Its public page").click()
    expect(page.get_by_role("status")).to_contain_text("This credential is valid.")
    expect(page.locator(".credential")).to_contain_text("Anna")
    _assert_no_axe_violations(page, "a credential's public page")
    context.close()
