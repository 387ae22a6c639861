"""A trainer approves a Thing in the browser and the participant sees it counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import serving_data
from tests.fixtures.builders import PROGRAM, cohort_yaml, load

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def signoff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own with the test programme, whose "Action plan" needs sign-off."""
    with serving_data(tmp_path_factory.mktemp("signoff-db"), "ting_signoff",
                      lambda session: load(session, PROGRAM, cohort_yaml())) as base:
        yield base


def demo_sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/demo")
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("status").filter(has_text=f"Signed in as {name}")).to_be_visible()


def test_a_trainer_approves_and_the_participant_sees_it(browser: Browser, signoff_server: str) -> None:
    anna = browser.new_context().new_page()
    demo_sign_in(anna, signoff_server, "Anna")
    anna.goto(f"{signoff_server}/c/testcohort/things/plan")
    anna.locator("#completion").get_by_role("button", name="Mark done", exact=True).click()
    expect(anna.locator("#thing-status")).to_contain_text("Done, waiting for the trainer")

    trainer = browser.new_context().new_page()
    demo_sign_in(trainer, signoff_server, "Trainer")
    trainer.goto(f"{signoff_server}/c/testcohort")
    trainer.get_by_role("link", name="Sign-off queue (1)").click()
    card = trainer.locator(".card").filter(has_text="Anna: Action plan")
    expect(card).to_be_visible()
    card.get_by_role("button", name="Approve").click()
    expect(trainer.get_by_role("status").filter(has_text="Approved: it counts now.")).to_be_visible()
    expect(trainer.get_by_text("Nothing is waiting for you.")).to_be_visible()

    anna.reload()
    completion = anna.locator("#completion")
    expect(anna.locator("#thing-status")).to_have_text("✓ Done")
    expect(completion).not_to_contain_text("waiting for the trainer")
    expect(completion.get_by_role("heading", name="Sign-off history")).to_be_visible()
    expect(completion).to_contain_text("approved by trainer")
    anna.context.close()
    trainer.context.close()
