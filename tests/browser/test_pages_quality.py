"""Accessibility (axe), phone-sized screens, and a clean console under the CSP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from app.config import ROOT
from tests.browser.helpers import SHORT_REFLECTION, OpenThing, find_open_thing, open_my_cohorts

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-results" / "screenshots"  # ignored by git; look at them after a run
WCAG = {"runOnly": {"type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# Watches for Content-Security-Policy violations from the moment each document starts.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""

PARTICIPANTS = ["Pernille Vestergaard", "Thomas Bach", "Mads Christensen"]


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, **PHONE)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def _my_things_url(thing: OpenThing) -> str:
    return thing.url.rsplit("/", 1)[0]


def _assert_no_axe_violations(page: Page, what: str) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_pages_have_no_wcag_violations(page: Page) -> None:
    page.goto("/demo")
    _assert_no_axe_violations(page, "the demo sign-in page")
    thing = find_open_thing(page, PARTICIPANTS)
    _assert_no_axe_violations(page, "a Thing page")
    open_my_cohorts(page)
    _assert_no_axe_violations(page, "My cohorts")
    page.goto(_my_things_url(thing))
    _assert_no_axe_violations(page, "My Things")

    # The Thing page after htmx swapped in an error, and after a reload that shows it done.
    page.goto(thing.url)
    page.get_by_label("Your reflection").fill(SHORT_REFLECTION)
    page.locator("#completion").get_by_role("button", name="Mark done", exact=True).click()
    expect(page.locator("#completion").get_by_role("alert")).to_be_visible()
    _assert_no_axe_violations(page, "a Thing page showing an error")


def _assert_fits_the_screen(page: Page, what: str) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{what} scrolls sideways: scrollWidth, clientWidth = {widths}"
    # what sits inside a box that scrolls sideways on purpose (a wide table) may be wider
    too_wide = page.evaluate("""() => {
        const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; }
            return false; };
        return [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .filter(e => !inScroller(e))
          .map(e => e.tagName + '.' + e.className); }""")
    assert too_wide == [], f"{what}: elements stick out on the right: {too_wide}"


def _assert_tappable(page: Page, button_name: str) -> None:
    button = page.locator("#completion").get_by_role("button", name=button_name, exact=True)
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44 and box["width"] >= 44, f"{button_name!r} is too small: {box}"
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.textContent.trim()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top == button_name, f"something covers {button_name!r}: {on_top!r} is on top"


def test_phone_sized_screens_do_not_scroll_sideways(phone: Page) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    thing = find_open_thing(phone, PARTICIPANTS)
    _assert_fits_the_screen(phone, "a Thing page")
    phone.screenshot(path=SHOTS / "phone-thing-top.png")
    _assert_tappable(phone, "Mark done")
    phone.screenshot(path=SHOTS / "phone-thing-work.png")
    phone.screenshot(path=SHOTS / "phone-thing.png", full_page=True)

    # A tap works: the error comes back in place and still fits the screen.
    phone.get_by_label("Your reflection").fill(SHORT_REFLECTION)
    phone.locator("#completion").get_by_role("button", name="Mark done", exact=True).tap()
    expect(phone.locator("#completion").get_by_role("alert")).to_be_visible()
    _assert_fits_the_screen(phone, "a Thing page with an error")
    phone.locator("#completion").screenshot(path=SHOTS / "phone-thing-error.png")

    phone.goto(_my_things_url(thing))
    _assert_fits_the_screen(phone, "My Things")
    phone.screenshot(path=SHOTS / "phone-my-things-top.png")
    phone.screenshot(path=SHOTS / "phone-my-things.png", full_page=True)
    open_my_cohorts(phone)
    _assert_fits_the_screen(phone, "My cohorts")
    phone.goto("/demo")
    _assert_fits_the_screen(phone, "the demo sign-in page")


def test_desktop_screenshots(browser: Browser, base_url: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=base_url, **DESKTOP)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        thing = find_open_thing(page, PARTICIPANTS)
        _assert_fits_the_screen(page, "a Thing page")
        page.screenshot(path=SHOTS / "desktop-thing.png", full_page=True)
        page.goto(_my_things_url(thing))
        _assert_fits_the_screen(page, "My Things")
        page.screenshot(path=SHOTS / "desktop-my-things.png", full_page=True)
    finally:
        context.close()


class ConsoleWatch:
    def __init__(self, context: BrowserContext) -> None:
        self.problems: list[str] = []
        context.add_init_script(CSP_WATCH)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))
        context.on("requestfailed",
                   lambda request: self.problems.append(f"failed: {request.url}"))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            where = message.location.get("url", "")
            self.problems.append(f"console {message.type}: {message.text} ({where})")

    def check(self, page: Page, where: str) -> None:
        page.wait_for_load_state("networkidle")  # late arrivals too, such as /favicon.ico
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], f"CSP violations on {where}: {violations}"
        assert self.problems == [], f"on {where}: {self.problems}"


def test_no_console_errors_or_csp_violations(context: BrowserContext) -> None:
    watch = ConsoleWatch(context)
    page = context.new_page()
    page.goto("/demo")
    watch.check(page, "the demo sign-in page")
    thing = find_open_thing(page, PARTICIPANTS)
    watch.check(page, "a Thing page")
    assert page.evaluate("typeof htmx") == "object", "htmx did not load under the CSP"

    page.get_by_label("Your reflection").fill(SHORT_REFLECTION)
    page.locator("#completion").get_by_role("button", name="Mark done", exact=True).click()
    expect(page.locator("#completion").get_by_role("alert")).to_be_visible()
    # The refused "done" answers 409; Chromium logs that status as a console error on its
    # own, so only that one line is allowed.
    watch.problems = [p for p in watch.problems
                      if not ("409" in p and "Failed to load resource" in p)]
    watch.check(page, "a Thing page after an htmx swap")

    page.goto(_my_things_url(thing))
    watch.check(page, "My Things")
    open_my_cohorts(page)
    watch.check(page, "My cohorts")
