"""A participant works through a Thing in a real Chromium: with htmx, and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, Request, Response, expect

from tests.browser.helpers import (
    LONG_REFLECTION,
    SHORT_REFLECTION,
    NavigationWatch,
    find_open_thing,
)

pytestmark = pytest.mark.browser


def _is_htmx_post(path: str) -> Callable[[Request], bool]:
    return lambda request: request.method == "POST" and request.url.endswith(path)


def _answers_post(path: str) -> Callable[[Response], bool]:
    return lambda response: _is_htmx_post(path)(response.request)


def test_participant_marks_a_thing_done_and_undoes_it_in_place(page: Page) -> None:
    thing = find_open_thing(page, ["Anne Sørensen"])
    completion = page.locator("#completion")
    status = page.locator("#thing-status .status")
    expect(status).to_have_text(thing.status)

    page.get_by_label("Your reflection").fill(LONG_REFLECTION)
    watch = NavigationWatch(page)
    with page.expect_request(_is_htmx_post("/done")) as sent:
        completion.get_by_role("button", name="Mark done", exact=True).click()
    assert sent.value.headers.get("hx-request") == "true", "the form was not sent by htmx"
    assert sent.value.headers.get("x-csrf-token"), "htmx sent no CSRF header"
    expect(status).to_have_text(re.compile(r"Done"))
    notice = completion.get_by_role("status")
    expect(notice).to_contain_text("Marked done")
    expect(notice).to_be_focused()  # the clicked button is gone; focus must not drop to <body>
    expect(completion.get_by_role("button", name="Undo")).to_be_visible()
    expect(page.get_by_label("Your reflection")).to_have_value(LONG_REFLECTION)
    watch.assert_no_navigation()
    assert page.url.endswith(thing.url)

    page.reload()
    expect(status).to_have_text(re.compile(r"Done"))
    expect(page.get_by_label("Your reflection")).to_have_value(LONG_REFLECTION)
    expect(completion.locator(".done-note")).to_contain_text("Marked done on")

    watch = NavigationWatch(page)
    with page.expect_request(_is_htmx_post("/undo")) as sent:
        completion.get_by_role("button", name="Undo").click()
    assert sent.value.headers.get("hx-request") == "true"
    expect(status).to_have_text(thing.status)
    expect(completion.get_by_role("status")).to_contain_text("No longer marked done")
    expect(completion.get_by_role("status")).to_be_focused()
    expect(completion.get_by_role("button", name="Mark done", exact=True)).to_be_visible()
    watch.assert_no_navigation()

    page.reload()
    expect(status).to_have_text(thing.status)
    expect(page.get_by_label("Your reflection")).to_have_value(LONG_REFLECTION)


def test_too_short_reflection_shows_the_error_in_place_and_keeps_the_text(page: Page) -> None:
    thing = find_open_thing(page, ["Camilla Frederiksen", "Jens Mikkelsen"])
    completion = page.locator("#completion")
    page.get_by_label("Your reflection").fill(SHORT_REFLECTION)
    watch = NavigationWatch(page)
    with page.expect_response(_answers_post("/done")) as answered:
        completion.get_by_role("button", name="Mark done", exact=True).click()
    assert answered.value.status == 409

    error = completion.get_by_role("alert")
    expect(error).to_contain_text(f"“{thing.title}” needs a reflection of at least")
    expect(error).to_contain_text("yours has 5")
    textarea = page.get_by_label("Your reflection")
    expect(textarea).to_have_value(SHORT_REFLECTION)
    expect(textarea).to_be_focused()  # to fix it at once; it is described by the error
    expect(textarea).to_have_attribute("aria-describedby", re.compile(r"^reflection-error\b"))
    expect(textarea).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reflection-error")).to_contain_text("needs a reflection of at least")
    expect(page.locator("#thing-status .status")).to_have_text(thing.status)
    watch.assert_no_navigation()


def test_mark_done_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        thing = find_open_thing(page, ["Line Kjeldsen", "Rasmus Holm"])
        completion = page.locator("#completion")

        # A short reflection: the whole page comes back with the error and the text.
        page.get_by_label("Your reflection").fill(SHORT_REFLECTION)
        with page.expect_navigation() as loaded:
            completion.get_by_role("button", name="Mark done", exact=True).click()
        response = loaded.value
        assert response is not None and response.status == 409
        assert response.request.headers.get("hx-request") is None
        expect(completion.get_by_role("alert")).to_contain_text("needs a reflection of at least")
        expect(page.get_by_label("Your reflection")).to_have_value(SHORT_REFLECTION)
        expect(page.get_by_label("Your reflection")).to_be_focused()

        page.get_by_label("Your reflection").fill(LONG_REFLECTION)
        with page.expect_navigation() as loaded:
            completion.get_by_role("button", name="Mark done", exact=True).click()
        response = loaded.value
        assert response is not None and response.status == 200
        assert response.request.redirected_from is not None, "expected post, redirect, get"
        assert response.request.redirected_from.method == "POST"
        assert page.url.endswith(thing.url)
        expect(page.locator("main > .flash")).to_contain_text("Marked done")
        expect(page.locator("#thing-status .status")).to_have_text(re.compile(r"Done"))
        expect(page.get_by_label("Your reflection")).to_have_value(LONG_REFLECTION)

        with page.expect_navigation():
            completion.get_by_role("button", name="Undo").click()
        expect(page.locator("main > .flash")).to_contain_text("No longer marked done")
        expect(page.locator("#thing-status .status")).to_have_text(thing.status)
    finally:
        context.close()


def test_an_expired_form_says_so_in_place_and_keeps_the_text(page: Page) -> None:
    find_open_thing(page, ["Mads Christensen", "Camilla Frederiksen"])
    page.get_by_label("Your reflection").fill(LONG_REFLECTION)
    # what a stale tab looks like: the session's form token has changed since the page loaded
    page.evaluate("""() => {
        document.body.setAttribute('hx-headers', JSON.stringify({'X-CSRF-Token': 'stale'}));
        document.querySelectorAll('input[name=csrf_token]').forEach(i => { i.value = 'stale'; });
    }""")
    watch = NavigationWatch(page)
    with page.expect_response(_answers_post("/done")) as answered:
        page.locator("#completion").get_by_role("button", name="Mark done", exact=True).click()
    assert answered.value.status == 403
    alert = page.locator("#htmx-error")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("expired")
    expect(page.get_by_label("Your reflection")).to_have_value(LONG_REFLECTION)
    watch.assert_no_navigation()


def test_a_lost_session_takes_the_whole_page_to_sign_in(page: Page) -> None:
    thing = find_open_thing(page, ["Mads Christensen", "Camilla Frederiksen"])
    page.context.clear_cookies()  # signed out elsewhere, or the session ran out
    page.locator("#completion").get_by_role("button", name="Save draft").click()
    # the refused request's message is shown; reloading shows the sign-in page for this Thing
    expect(page.locator("#htmx-error")).to_contain_text("expired")
    page.reload()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert thing.url in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Ting")
