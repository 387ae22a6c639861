"""The XSS corpus in a real browser: on every page that shows it, no script runs and no
dialog opens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page

from app.config import Settings
from app.db import make_engine, unit_of_work, upgrade
from app.main import create_app
from app.posts import comments
from app.posts import service as posts_service
from tests.browser.conftest import LIVE_SECRET, free_socket, serving
from tests.browser.test_signoff import demo_sign_in
from tests.fixtures.builders import ANNA, BRAM, PROGRAM, cohort_yaml, load, member
from tests.fixtures.database import throwaway_database
from tests.xss.corpus import PAYLOADS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """Bram posts every payload, and comments every payload on his first post; half the
    cohort is named with a payload."""
    folder: Path = tmp_path_factory.mktemp("xss-db")
    with throwaway_database("ting_xss", folder) as url:
        engine = make_engine(url)
        upgrade(engine)
        cohort = yaml.safe_load(cohort_yaml(participants=[ANNA, BRAM]))
        cohort["participants"] += [{"email": f"p{i}@example.org", "name": p[:200]}
                                   for i, p in enumerate(PAYLOADS[::2])]
        with unit_of_work(engine) as session:
            load(session, PROGRAM, yaml.safe_dump(cohort, allow_unicode=True))
            bram, anna = member(session, BRAM), member(session, ANNA)
            first = None
            for i, payload in enumerate(PAYLOADS):
                post = posts_service.create_post(session, member=bram, title=payload[:300],
                                                 body=payload, thing_key="intro" if i % 2 else None)
                first = first or post.id
            for payload in PAYLOADS:
                comments.add_comment(session, user=anna.user, post_id=first or 0, body=payload)
        settings = Settings(database_url=url, secret_key=LIVE_SECRET, demo=True,
                            mail_sender=False, _env_file=None)  # type: ignore[call-arg]
        with serving(create_app(settings, engine=engine), free_socket()) as base:
            yield base, first or 0
        engine.dispose()


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
