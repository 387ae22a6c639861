"""The sign-in, account, people and mail pages pass axe, fit a phone and work by keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import sign_in
from tests.browser.test_pages_quality import PHONE, _assert_fits_the_screen, _assert_no_axe_violations

pytestmark = pytest.mark.browser
TRAINER = "Ellen van Beek"  # trainer of the VerdiepDingen demo cohort
COHORT = "eindhoven-2027"


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, **PHONE)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_new_pages_pass_axe_and_fit_the_screen(
    page: Page, phone: Page, size: str
) -> None:
    tab = page if size == "desktop" else phone
    for path, what in (("/login", "sign-in"), ("/password/reset", "new password"),
                       ("/outbox", "mails sent")):
        tab.goto(path)
        _assert_no_axe_violations(tab, what)
        _assert_fits_the_screen(tab, what)
    sign_in(tab, TRAINER)
    for path, what in (("/account", "my account"), (f"/c/{COHORT}/people", "people"),
                       (f"/c/{COHORT}/dashboard", "dashboard"), (f"/c/{COHORT}/desk", "desk"),
                       (f"/c/{COHORT}/signoff", "sign-off"), ("/dashboards", "all cohorts")):
        tab.goto(path)
        _assert_no_axe_violations(tab, what)
        _assert_fits_the_screen(tab, what)
    # the matrix scrolls sideways inside its own region (sticky first column), never the page
    tab.goto(f"/c/{COHORT}/matrix")
    _assert_no_axe_violations(tab, "progress matrix")
    widths = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the matrix page scrolls sideways: {widths}"


def test_a_trainer_invites_someone_and_the_mail_shows_on_the_demo_mails_page(page: Page) -> None:
    sign_in(page, TRAINER)
    page.goto(f"/c/{COHORT}/things")
    page.get_by_role("link", name="People and invitations").click()
    page.get_by_role("button", name="Invite Bram Jansen").press("Enter")  # by keyboard
    sent = page.get_by_role("status").filter(has_text="Invitations are on their way to 1 people.")
    expect(sent).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mails sent").click()
    subject = "Your invitation to Ting: VerdiepDingen – Public Services Eindhoven"
    expect(page.get_by_role("heading", name=subject).first).to_be_visible()


def test_creating_a_token_shows_it_once(page: Page) -> None:
    sign_in(page, TRAINER)
    page.goto("/account")
    page.get_by_label("Name of a new token").fill("My spreadsheet")
    page.get_by_role("button", name="Create a token").click()
    token = page.get_by_label("Token", exact=True)
    assert token.input_value().startswith("ting_")
    page.goto("/account")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_role("cell", name="My spreadsheet", exact=True)).to_be_visible()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_blog_pages_pass_axe_and_fit_the_screen(page: Page, phone: Page, size: str) -> None:
    tab = page if size == "desktop" else phone
    sign_in(tab, "Mads Christensen")
    cohort = "three-cities-2027"
    for path, what in ((f"/c/{cohort}/stream", "stream"), (f"/c/{cohort}/blog", "my blog"),
                       (f"/c/{cohort}/posts/new", "write a post"),
                       (f"/c/{cohort}/questions/new", "ask the trainers")):
        tab.goto(path)
        _assert_no_axe_violations(tab, what)
        _assert_fits_the_screen(tab, what)
    tab.goto(f"/c/{cohort}/stream")
    tab.locator(".entry h3 a").first.click()
    _assert_no_axe_violations(tab, "a post")
    _assert_fits_the_screen(tab, "a post")
