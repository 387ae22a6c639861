"""The participant's journey in Danish without JavaScript and in Dutch with it, and every page
in every language at desktop and phone size: axe finds nothing, nothing scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from app.auth import service as auth_service
from app.forum import service as forum_service
from app.groups import service as groups_service
from app.i18n import LOCALES, load_translations
from app.pitches import service as pitches_service
from app.pitches import voting
from app.pitches.models import VotingState
from app.publishing import service as publishing
from app.publishing.service import Upload
from tests.badges.test_earning import BADGES
from tests.browser.conftest import serving_data
from tests.browser.test_pages_quality import (
    DESKTOP,
    PHONE,
    _assert_fits_the_screen,
    _assert_no_axe_violations,
)
from tests.fixtures.builders import ENOUGH_WORDS, FORUM_PROGRAM, cohort_yaml, load, member, with_groups

pytestmark = pytest.mark.browser

BROWSER_LANGUAGE = {"da": "da-DK", "nl": "nl-NL", "fi": "fi-FI", "en": "en-GB"}


def said(language: str, message: str, **values: object) -> str:
    text = load_translations(language).gettext(message)
    assert language == "en" or text != message, f"{message!r} is not translated into {language}"
    return text % values if values else text


def fill(session) -> None:  # type: ignore[no-untyped-def]
    people = ["anna@example.org", "bram@example.org", "carla@example.org", "dirk@example.org"]
    program = FORUM_PROGRAM.replace("    title: Write a reflection\n",
                                    "    title: Write a reflection\n    forum: {category: General}\n"
                                    ) + BADGES
    load(session, program, with_groups(cohort_yaml(participants=people), "team-1", "team-2",
                                             resource="trainer@example.org") + "language: da\n")
    dirk = member(session, "dirk@example.org")
    topic = forum_service.create_topic(session, member=dirk, category="General",
                                       title="Where is the scanner?", body="It *moved*.")
    found = forum_service.reply(session, member=dirk, topic_id=topic.id or 0, body="Found it.")
    forum_service.mark_answer(session, member=dirk, topic_id=topic.id or 0, post_id=found.id)
    for email in ("carla@example.org", "dirk@example.org"):
        groups_service.join(session, member=member(session, email), key="team-1")
    session.expire_all()  # the memberships changed in SQL
    dirk = member(session, "dirk@example.org")
    forum_service.create_topic(session, member=dirk, category="", title="Our idea",
                               body="A chat button.",
                               group=groups_service.get_group(session, member=dirk, key="team-1"))
    forum_service.create_topic(session, member=member(session, "carla@example.org"),
                               category="Help and tips", title="Printer", body="Paper jam.")
    voting.set_state(session, member=member(session, "trainer@example.org"),
                     state=VotingState.open)
    pitches_service.save_pitch(session, member=member(session, "carla@example.org"),
                               key="team-1", title="A chat button", summary="Patrons write to us.",
                               plan="- Ask IT\n- Try it for a month")
    # the trainer is a site admin too, who has made Dirk a programme author
    auth_service.make_admin(session, email="trainer@example.org")
    dirk_user = auth_service.grant_author(session, email="dirk@example.org")[0]
    # ... who published a second edition of the programme, then the first again: its history
    second = program.replace("title: Test programme", "title: Test programme, second edition") \
        .replace("due: week 2", "due: +1d")
    for text in (second, program):
        review, revision = publishing.publish(session, user=dirk_user, fingerprint=None,
                                              uploads=[Upload.of("testprog.yaml", text)])
        assert revision is not None, review.problems


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving_data(tmp_path_factory.mktemp("languages-db"), "ting_languages", fill) as base:
        yield base


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/demo")
    page.locator("button.person-button", has_text=name).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_participant_works_through_a_thing_in_danish_without_javascript(
    browser: Browser, server: str,
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sign_in(page, server, "Anna")
    # the cohort speaks Danish, whatever the browser says
    page.goto(f"{server}/c/testcohort/things")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text(said("da", "My Things"))
    page.locator(".next-up a.button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Introduce yourself")
    expect(page.locator("#thing-status")).to_contain_text(said("da", "To do"))
    page.get_by_role("button", name=said("da", "Mark done"), exact=True).click()
    expect(page.locator("#thing-status")).to_contain_text(said("da", "Done"))
    expect(page.get_by_role("status").first).to_contain_text(said("da", "Marked done. Well done!"))
    # next Thing: the reflection is refused, named in Danish, tied to its box, text kept
    page.get_by_role("link", name=said("da", "Thing %(n)s: %(title)s", n=2,
                                       title="Write a reflection")).click()
    box = page.get_by_label(said("da", "Your reflection"))
    box.fill("For kort")
    page.get_by_role("button", name=said("da", "Mark done"), exact=True).click()
    expect(page.locator("#reflection-error")).to_be_visible()
    expect(box).to_have_value("For kort")
    expect(box).to_have_attribute("aria-describedby", "reflection-error reflection-prompt "
                                                      "reflection-rule")
    box.fill(ENOUGH_WORDS)
    page.get_by_role("button", name=said("da", "Mark done"), exact=True).click()
    expect(page.locator("#thing-status")).to_contain_text(said("da", "Done"))
    context.close()


def test_a_participant_switches_to_dutch_in_the_footer_and_it_stays(
    browser: Browser, server: str,
) -> None:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in(page, server, "Bram")
    page.goto(f"{server}/c/testcohort/things/intro")
    page.get_by_label(said("da", "Language")).select_option("nl")
    page.get_by_role("button", name=said("da", "Change language")).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert page.url.endswith("/c/testcohort/things/intro")  # back where they were
    page.get_by_role("button", name=said("nl", "Mark done"), exact=True).click()  # by htmx
    expect(page.locator("#thing-status")).to_contain_text(said("nl", "Done"))
    expect(page.locator("#completion").get_by_role("status")).to_contain_text(
        said("nl", "Marked done. Well done!"))
    page.goto(f"{server}/c/testcohort/things")
    expect(page.get_by_role("heading", level=1)).to_have_text(said("nl", "My Things"))
    context.close()

    other_device = browser.new_context(locale="fi-FI").new_page()
    sign_in(other_device, server, "Bram")
    other_device.goto(f"{server}/cohorts")
    expect(other_device.locator("html")).to_have_attribute("lang", "nl")


def _pages(server: str) -> list[tuple[str, str, str]]:
    """(who, path, what) for every page a person reaches."""
    participant = [("/cohorts", "My cohorts"), ("/c/testcohort/things", "My Things"),
                   ("/c/testcohort/things/reflect", "a Thing page"),
                   ("/c/testcohort/things/later", "a locked Thing"),
                   ("/c/testcohort/blog", "my blog"), ("/c/testcohort/stream", "the stream"),
                   ("/c/testcohort/posts/new", "writing a post"),
                   ("/c/testcohort/questions/new", "asking the trainers"), ("/account", "my account"),
                   ("/c/testcohort/forum", "the forum"), ("/c/testcohort/forum/new", "a new topic"),
                   ("/c/testcohort/forum/topics/1", "a forum topic with its answer"),
                   ("/c/testcohort/forum/search?q=scanner", "forum search"),
                   ("/c/testcohort/forum/posts/4/edit", "editing a forum post"),
                   ("/c/testcohort/groups", "the groups"),
                   ("/c/testcohort/groups/team-1/pitch", "writing the group's pitch"),
                   ("/c/testcohort/groups/team-1/pitch/versions/1", "a version of the pitch"),
                   ("/c/testcohort/groups/team-1", "my group"),
                   ("/c/testcohort/vote", "the ballot"),
                   ("/c/testcohort/forum/topics/2", "a topic in my group's space"),
                   ("/c/testcohort/badges", "my badges"),
                   ("/c/testcohort/things/no-such-thing", "an error page")]
    trainer = [("/c/testcohort/desk", "the trainer's desk"), ("/c/testcohort/dashboard", "dashboard"),
               ("/c/testcohort/matrix", "the progress matrix"), ("/c/testcohort/signoff", "sign-off"),
               ("/c/testcohort/people", "people"), ("/dashboards", "all dashboards"),
               ("/c/testcohort/groups/team-1", "a group as its trainer sees it"),
               ("/c/testcohort/vote", "running the vote"),
               ("/c/testcohort/present", "a pitch on the projector"),
               ("/c/testcohort/groups/team-1/pilot", "a pilot, not yet approved"), ("/pilots", "pilots"),
               ("/c/testcohort/present?slide=2", "the ballot's QR code on the projector"),
               ("/c/testcohort/forum/topics/1", "a topic as its trainer moderates it"),
               ("/c/testcohort/things/reflect", "a Thing with its forum, as its trainer sees it"),
               ("/admin/authors", "programme authors, as a site admin names them"),
               ("/publish", "publishing a cohort's file"),
               ("/programmes/testprog", "a programme's history"),
               ("/programmes/testprog/revisions/1", "a revision, in a trainer's words"),
               ("/programmes/testprog/compare?old=1&new=2", "two revisions side by side")]
    anonymous = [("/login", "sign-in"), ("/demo", "demo sign-in"),
                 ("/password/reset", "password reset"), ("/outbox", "mails sent")]
    return ([("", p, w) for p, w in anonymous] + [("Carla", p, w) for p, w in participant]
            + [("Trainer", p, w) for p, w in trainer])


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("language", LOCALES)
def test_every_page_in_every_language_passes_axe_and_fits(
    browser: Browser, server: str, language: str, size: str,
) -> None:
    context = browser.new_context(locale=BROWSER_LANGUAGE[language],
                                  **(PHONE if size == "phone" else DESKTOP))  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server}/login")
    page.get_by_label(said(language, "Language")).select_option(language)
    page.locator(".language-switcher button").click()
    signed_in_as = None
    for who, path, what in _pages(server):
        if who != signed_in_as and who:
            sign_in(page, server, who)
            signed_in_as = who
        page.goto(f"{server}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        _assert_no_axe_violations(page, f"{what} ({language}, {size})")
        _assert_fits_the_screen(page, f"{what} ({language}, {size})")
    context.close()
