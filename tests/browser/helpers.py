"""What a participant does in the browser, in small steps shared by the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, Request, expect

LONG_REFLECTION = (
    "I asked three colleagues at the service desk how often people ask us for help with "
    "messages and phones, and it is more often than I thought. A library number on a "
    "messaging app would need clear opening hours, standard replies for renewals and lost "
    "cards, and a rule that we never ask for personal details in a chat. We would also need "
    "to agree who answers at weekends and how long messages are kept before they are "
    "deleted. I will bring this to our next team meeting and suggest a small trial first."
)
SHORT_REFLECTION = "Too short to count, sorry."


@dataclass
class OpenThing:
    person: str
    url: str  # path of the Thing page
    title: str
    status: str  # "To do" or "Overdue": what it goes back to after "undo"


def participants(page: Page) -> list[str]:
    """Names of the demo people who are a participant somewhere, as the demo page lists them."""
    page.goto("/demo")
    names = []
    for button in page.locator("button.person-button").all():
        if "participant" in button.locator(".person-roles").inner_text():
            names.append(button.locator(".person-name").inner_text().strip())
    assert names, "the demo page lists no participants: is the demo data loaded?"
    return names


def sign_in(page: Page, name: str) -> None:
    page.goto("/demo")
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("status").filter(has_text=f"Signed in as {name}")).to_be_visible()


def open_my_cohorts(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts").click()
    expect(page.get_by_role("heading", level=1, name="My cohorts")).to_be_visible()


def _is_workable(page: Page) -> bool:
    """A Thing page where a reflection and "Mark done" are all it takes (no link, no approval)."""
    completion = page.locator("#completion")
    return (completion.locator("textarea#reflection").count() == 1
            and completion.locator("#evidence_url").count() == 0
            and completion.get_by_role("button", name="Mark done", exact=True).count() == 1
            and "trainer checks" not in completion.inner_text())


def find_open_thing(page: Page, preferred: list[str]) -> OpenThing:
    """Sign in as the first of `preferred` (then anyone else) who has an open Thing not yet
    done, going My cohorts → cohort → My Things → the Thing, as a participant would."""
    everyone = participants(page)
    order = [n for n in preferred if n in everyone] + [n for n in everyone if n not in preferred]
    for name in order:
        sign_in(page, name)
        open_my_cohorts(page)
        cohorts = [a.inner_text() for a in page.locator(".card h2 a").all()]
        for cohort in cohorts:
            open_my_cohorts(page)
            page.get_by_role("link", name=cohort, exact=True).click()
            expect(page.get_by_role("heading", level=1, name="My Things")).to_be_visible()
            for row_status in ("open", "overdue"):
                rows = page.locator(f"li.thing-row.status-row-{row_status} .thing-main a")
                hrefs = [a.get_attribute("href") or "" for a in rows.all()]
                for href in hrefs:
                    link = page.locator(f'.thing-main a[href="{href}"]')
                    link.click()
                    expect(page.locator("#completion")).to_be_visible()
                    if _is_workable(page):
                        return OpenThing(
                            person=name, url=href,
                            title=page.get_by_role("heading", level=1).inner_text(),
                            status=page.locator("#thing-status .status").inner_text())
                    page.go_back()
    pytest.fail("No demo participant has an open Thing that needs only a reflection; "
                "the demo data (app/demo.py) no longer gives the browser tests one to work on.")


class NavigationWatch:
    """Counts document loads of the main frame: an htmx swap must not cause any."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.loads: list[str] = []
        page.on("request", self._on_request)
        page.evaluate("window.__marker = 1")

    def _on_request(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.loads.append(f"{request.method} {request.url}")

    def assert_no_navigation(self) -> None:
        assert self.loads == [], f"the page navigated instead of swapping: {self.loads}"
        assert self.page.evaluate("window.__marker") == 1, "the document was replaced"
