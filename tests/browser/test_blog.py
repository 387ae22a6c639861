"""The learning blog in a real browser: the live word count, writing with a preview,
a colleague's comment and the author's count of new comments."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import serving_data
from tests.browser.test_signoff import demo_sign_in
from tests.fixtures.builders import PROGRAM, cohort_yaml, load

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def blog_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_data(tmp_path_factory.mktemp("blog-db"), "ting_blog",
                      lambda session: load(session, PROGRAM, cohort_yaml())) as base:
        yield base


def test_the_word_count_follows_the_typing(browser: Browser, blog_server: str) -> None:
    anna = browser.new_context().new_page()
    demo_sign_in(anna, blog_server, "Anna")
    anna.goto(f"{blog_server}/c/testcohort/things/reflect")
    box = anna.get_by_label("Your reflection")
    box.fill("I tried [the tool](https://example.org/a-long-address) today")
    expect(anna.locator("#reflection-count")).to_have_text("5 of 5 words")
    box.fill("Too short")
    expect(anna.locator("#reflection-count")).to_have_text("2 of 5 words")


def test_write_preview_publish_and_read_a_comment(browser: Browser, blog_server: str) -> None:
    anna = browser.new_context().new_page()
    demo_sign_in(anna, blog_server, "Anna")
    anna.goto(f"{blog_server}/c/testcohort/blog")
    anna.get_by_role("link", name="Write a post").click()
    anna.get_by_label("Title").fill("What I learned")
    anna.get_by_label("Text").fill("Screencasts are *easy*")
    anna.get_by_label("Only me and the cohort's trainers").check()
    anna.get_by_role("button", name="Preview").click()
    expect(anna.locator(".preview em")).to_have_text("easy")
    expect(anna.get_by_label("Only me and the cohort's trainers")).to_be_checked()  # kept
    anna.get_by_label("Everyone in the cohort: participants, trainers and managers").check()
    anna.get_by_role("button", name="Publish").click()
    expect(anna.get_by_role("heading", name="What I learned")).to_be_visible()
    post_url = anna.url

    bram = browser.new_context().new_page()
    demo_sign_in(bram, blog_server, "Bram")
    bram.goto(f"{blog_server}/c/testcohort/stream")
    bram.get_by_role("link", name="What I learned").click()
    assert bram.url == post_url
    bram.get_by_label("Your comment").fill("Thanks, **useful**")
    bram.get_by_role("button", name="Add comment").click()
    expect(bram.locator(".comments strong")).to_have_text("useful")

    anna.goto(f"{blog_server}/c/testcohort/things")
    anna.get_by_role("link", name="My blog 1 new comment").click()
    expect(anna.get_by_text("Bram on")).to_be_visible()
