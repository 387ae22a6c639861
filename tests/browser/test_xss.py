"""The XSS corpus in a real browser: on every page that shows it, no script runs and no
dialog opens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from playwright.sync_api import Browser, Page
from sqlmodel import Session

from app.posts import comments
from app.posts import service as posts_service
from tests.browser.conftest import serving_data
from tests.browser.test_signoff import demo_sign_in
from tests.fixtures.builders import ANNA, BRAM, PROGRAM, cohort_yaml, load, member
from tests.xss.corpus import PAYLOADS

pytestmark = pytest.mark.browser


def _fill(session: Session, first_post: list[int]) -> None:
    """Bram posts every payload, and Anna comments every payload on his first post (noted in
    `first_post`); half the cohort is named with a payload."""
    cohort = yaml.safe_load(cohort_yaml(participants=[ANNA, BRAM]))
    cohort["participants"] += [{"email": f"p{i}@example.org", "name": p[:200]}
                               for i, p in enumerate(PAYLOADS[::2])]
    load(session, PROGRAM, yaml.safe_dump(cohort, allow_unicode=True))
    bram, anna = member(session, BRAM), member(session, ANNA)
    first = None
    for i, payload in enumerate(PAYLOADS):
        post = posts_service.create_post(session, member=bram, title=payload[:300],
                                         body=payload, thing_key="intro" if i % 2 else None)
        first = first or post.id
    for payload in PAYLOADS:
        comments.add_comment(session, user=anna.user, post_id=first or 0, body=payload)
    first_post.append(first or 0)


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    first_post: list[int] = []
    with serving_data(tmp_path_factory.mktemp("xss-db"), "ting_xss",
                      lambda session: _fill(session, first_post)) as base:
        yield base, first_post[0]


def watched(browser: Browser, base: str, name: str) -> tuple[Page, list[str]]:
    """A signed-in tab that notes every dialog a script would open."""
    page = browser.new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    demo_sign_in(page, base, name)
    return page, dialogs


def test_no_payload_runs_in_the_browser(browser: Browser, xss_server: tuple[str, int]) -> None:
    base, first_post = xss_server
    anna, dialogs = watched(browser, base, "Anna")
    visited = [f"/posts/{first_post}", "/c/testcohort/things/intro", "/c/testcohort/blog"]
    for path in visited:
        anna.goto(base + path)
        anna.wait_for_load_state("load")
    anna.goto(f"{base}/c/testcohort/stream")
    pages = 1
    while anna.get_by_role("link", name="Older posts").count():
        anna.get_by_role("link", name="Older posts").click()
        anna.wait_for_load_state("load")
        pages += 1
    assert pages == 11  # 205 posts, 20 a page
    trainer, trainer_dialogs = watched(browser, base, "Trainer")
    for path in ("/c/testcohort/desk", "/c/testcohort/matrix", "/c/testcohort/people",
                 "/c/testcohort/dashboard", f"/posts/{first_post}"):
        trainer.goto(base + path)
        trainer.wait_for_load_state("load")
    assert dialogs == [] and trainer_dialogs == []
    assert anna.evaluate("document.title").endswith("· Ting")  # no payload renamed the page
