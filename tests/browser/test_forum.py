"""The forum in a real browser: one participant asks, another answers, the one who asked marks
the answer, and everyone then finds it first; a participant picks a group."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import serving_data
from tests.fixtures.builders import FORUM_PROGRAM, cohort_yaml, load, with_groups

pytestmark = pytest.mark.browser


def fill(session) -> None:  # type: ignore[no-untyped-def]
    people = ["anna@example.org", "bram@example.org"]
    load(session, FORUM_PROGRAM, with_groups(cohort_yaml(participants=people), "team-1", "team-2"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_data(tmp_path_factory.mktemp("forum-db"), "ting_forum", fill) as base:
        yield base


def signed_in(browser: Browser, base: str, name: str) -> Page:
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{base}/demo")
    page.locator("button.person-button", has_text=name).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_a_question_is_asked_answered_and_its_answer_marked(browser: Browser, server: str) -> None:
    anna = signed_in(browser, server, "Anna")
    anna.goto(f"{server}/c/testcohort/things")
    anna.get_by_role("navigation", name="In this cohort").get_by_role("link", name="Forum").click()
    anna.get_by_role("link", name="Start a topic").click()
    anna.get_by_label("Category").select_option("Help and tips")
    anna.get_by_label("Title").fill("How do I renew an e-book loan?")
    anna.get_by_label("Text").fill("The app shows **no** button for it.")
    anna.get_by_role("button", name="Post the topic").click()
    expect(anna.get_by_role("heading", level=1)).to_contain_text("How do I renew an e-book loan?")
    topic_url = anna.url

    bram = signed_in(browser, server, "Bram")
    bram.goto(f"{server}/c/testcohort/forum?unanswered=1")
    bram.get_by_role("link", name="How do I renew an e-book loan?").click()
    bram.get_by_label("Text").fill("Return it and borrow it again: the *app* has no renewals.")
    bram.get_by_role("button", name="Post the reply").click()
    expect(bram.locator(".comments")).to_contain_text("the app has no renewals")
    expect(bram.get_by_role("button", name="Mark as the answer")).to_have_count(0)  # not his

    anna.goto(topic_url)
    anna.get_by_role("button", name="Mark as the answer").click()
    expect(anna.get_by_role("status").first).to_contain_text("The answer is marked")
    answer = anna.get_by_role("region", name="The answer")
    expect(answer).to_contain_text("Return it and borrow it again")
    expect(anna.get_by_role("heading", level=1)).to_contain_text("answered")

    bram.goto(f"{server}/c/testcohort/forum?unanswered=1")
    expect(bram.get_by_role("link", name="How do I renew an e-book loan?")).to_have_count(0)
    bram.goto(f"{server}/c/testcohort/forum")
    expect(bram.locator(".topics")).to_contain_text("answered")


def test_a_participant_joins_a_group_and_finds_its_space(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, "Bram")
    page.goto(f"{server}/c/testcohort/groups")
    page.get_by_role("button", name="Join Team 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team 2")
    expect(page.get_by_role("region", name="Members")).to_contain_text("Bram")
    expect(page.get_by_role("heading", name="The group's space")).to_be_visible()
