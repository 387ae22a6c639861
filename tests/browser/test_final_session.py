"""A whole final session at phone size: the trainer opens the vote, participants vote from
their phones (one changes her mind), the trainer counts and publishes, and everyone sees the
result; nobody sees counts before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from app.groups import service as groups_service
from tests.browser.conftest import serving_data
from tests.browser.test_pages_quality import PHONE, _assert_no_axe_violations
from tests.fixtures.builders import FORUM_PROGRAM, cohort_yaml, load, member, with_groups

pytestmark = pytest.mark.browser
PEOPLE = ["anna@example.org", "bram@example.org", "carla@example.org"]


def fill(session) -> None:  # type: ignore[no-untyped-def]
    load(session, FORUM_PROGRAM, with_groups(cohort_yaml(participants=PEOPLE), "team-1", "team-2"))
    groups_service.join(session, member=member(session, PEOPLE[0]), key="team-1")
    groups_service.join(session, member=member(session, PEOPLE[1]), key="team-2")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_data(tmp_path_factory.mktemp("final-db"), "ting_final", fill) as base:
        yield base


def phone(browser: Browser, base: str, name: str) -> Page:
    page = browser.new_context(locale="en-GB", **PHONE).new_page()  # type: ignore[arg-type]
    page.goto(f"{base}/demo")
    page.locator("button.person-button", has_text=name).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{base}/c/testcohort/vote")
    return page


def vote(page: Page, group: str, instead_of: str | None = None) -> None:
    if instead_of:
        page.get_by_label(instead_of).uncheck()
    page.get_by_label(group).check()
    page.get_by_role("button", name="ballot").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Your ballot is recorded. You may change it")


def test_open_vote_count_publish_at_phone_size(browser: Browser, server: str) -> None:
    trainer = phone(browser, server, "Trainer")
    trainer.get_by_role("button", name="Open voting").click()
    expect(trainer.locator(".vote-state")).to_contain_text("The vote is open.")

    anna, bram, carla = (phone(browser, server, name) for name in ("Anna", "Bram", "Carla"))
    expect(anna.get_by_label("Team 1")).to_have_count(0)  # not her own group
    vote(anna, "Team 2")
    vote(bram, "Team 1")
    vote(carla, "Team 1")
    vote(carla, "Team 2", instead_of="Team 1")  # she changes her mind while voting is open
    expect(carla.locator(".vote-state")).to_contain_text("3 of 3 participants have voted.")
    expect(carla.get_by_role("heading", name="Results")).to_have_count(0)

    trainer.reload()
    trainer.get_by_role("button", name="Count the votes").click()
    expect(trainer.locator("table.results")).to_contain_text("Team 2")
    _assert_no_axe_violations(trainer, "the counted vote (phone)")
    anna.reload()
    expect(anna.get_by_role("heading", name="Results")).to_have_count(0)  # counted, not published

    trainer.get_by_role("button", name="Publish the results").click()
    anna.reload()
    expect(anna.locator("table.results tbody tr").first).to_contain_text("Team 2")
    expect(anna.locator("table.results tbody tr").first).to_contain_text("winner")
    expect(anna.locator("table.results tbody tr").first).to_contain_text("2")
    _assert_no_axe_violations(anna, "the published result (phone)")
