"""Publishing in a real browser: a trainer who is also an author uploads a broken programme,
reads the problem at its line, fixes it by pasting the corrected file, reads the diff and
publishes it; the pages pass axe."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from app.auth import service as auth_service
from tests.browser.conftest import serving_data
from tests.browser.test_pages_quality import _assert_no_axe_violations
from tests.fixtures.builders import PROGRAM, TRAINER, cohort_yaml, load

pytestmark = pytest.mark.browser
# a new title, and the reflection due a day after the start (past: overdue for both participants)
SECOND_EDITION = (PROGRAM.replace("title: Test programme", "title: Test programme, second edition")
                  .replace("due: week 2", "due: +1d"))
BROKEN = SECOND_EDITION.replace("kind: must", "kind: mustt", 1)
SCREENSHOTS = os.environ.get("TING_SCREENSHOTS")  # a folder: keep pictures of the pages


def fill(session) -> None:  # type: ignore[no-untyped-def]
    load(session, PROGRAM, cohort_yaml())
    auth_service.grant_author(session, email=TRAINER)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_data(tmp_path_factory.mktemp("publish-db"), "ting_publish", fill) as base:
        yield base


def test_upload_a_broken_file_fix_it_read_the_diff_and_publish(browser: Browser, server: str) -> None:
    page = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900}).new_page()
    page.goto(f"{server}/demo")
    page.locator("button.person-button", has_text="Trainer").click()
    page.get_by_role("link", name="Publish").click()

    page.get_by_label("YAML files, roster CSV files, and badge pictures (SVG or PNG)").set_input_files(
        [{"name": "testprog.yaml", "mimeType": "text/yaml", "buffer": BROKEN.encode()}])
    page.get_by_role("button", name="Check").click()
    line = next(n for n, text in enumerate(BROKEN.splitlines(), 1) if "mustt" in text)
    expect(page.get_by_role("heading", name="1 problem: nothing was published.")).to_be_visible()
    expect(page.locator(".problems code")).to_contain_text(f"testprog.yaml:{line}:")
    expect(page.locator(".problems pre")).to_contain_text("kind: mustt")
    _assert_no_axe_violations(page, "a broken file's problems")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/publish-problem.png", full_page=True)

    page.get_by_label("Or paste YAML").fill(SECOND_EDITION)
    page.get_by_label("Name of the pasted file").fill("testprog.yaml")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", name="What publishing would change")).to_be_visible()
    programme, cohort = page.locator(".change-part").all()
    expect(programme).to_contain_text("Settings changed: title")
    expect(programme).to_contain_text("Write a reflection is due +1d instead of week 2")
    expect(cohort).to_contain_text("Write a reflection becomes overdue for 2 people: Anna")
    expect(page.locator(".changes.raw")).to_contain_text("update programme testprog", use_inner_text=False)
    expect(page.get_by_label("Its programme")).to_contain_text("Test programme (testprog)")
    _assert_no_axe_violations(page, "the diff before publishing")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/publish-diff.png", full_page=True)

    page.get_by_role("button", name="Publish these 2 changes").click()
    expect(page.get_by_role("status").first).to_contain_text("Published: 2 changes.")

    # the programme's history keeps it, in the same words
    page.get_by_role("link", name="Test programme, second edition").click()
    _assert_no_axe_violations(page, "a programme's history")
    page.get_by_role("link", name="Revision 1").click()
    expect(page.locator(".change-part").first).to_contain_text("Settings changed: title")
    _assert_no_axe_violations(page, "a revision")
    page.get_by_role("button", name="Publish this revision again…").click()
    expect(page.get_by_role("status").first).to_contain_text("No changes")
    page.goto(f"{server}/c/testcohort/things")
    expect(page.locator("body")).to_contain_text("Test programme, second edition")
