"""My cohorts, My Things and a Thing's page, as a browser gets them (with and without htmx)."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_date
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.posts import service as posts_service
from app.programs import service as programs_service
from tests.fixtures.builders import (
    ANNA,
    ENOUGH_WORDS,
    STRANGER,
    TRAINER,
    completions_of,
    load_standard,
    load_two_cohorts,
    medium_date,
    member,
    today_in,
)
from tests.fixtures.people import sign_in

THINGS = "/c/testcohort/things"
HTMX = {"HX-Request": "true"}


def thing_url(key: str) -> str:
    return f"{THINGS}/{key}"


def status_text(html: str) -> str:
    """The participant's status shown in the #completion section."""
    match = re.search(r'id="thing-status"[^>]*><span class="status status-(\w+)[^"]*">'
                      r'<span class="icon" aria-hidden="true">[^<]*</span> ([^<]+)</span>', html)
    assert match, "no status on the page"
    return match.group(2)


def textarea(html: str) -> str:
    match = re.search(r'<textarea id="reflection"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no reflection field"
    return match.group(1)


def reflection_body(db: Session, email: str, key: str) -> str | None:
    db.expire_all()
    who = member(db, email)
    thing = programs_service.get_thing(db, program=who.program, key=key)
    post = posts_service.reflection_for(db, member=who, thing=thing)
    return post.body if post else None


# --- My Things ----------------------------------------------------------------------------


def test_my_things_shows_numbered_things_grouped_by_theme(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    page = client.get(THINGS)
    assert page.status_code == 200
    html = page.text
    headings = re.findall(r'<h2 id="theme-\d+">([^<]+)</h2>', html)
    assert headings == ["The basics", "Going deeper", "Other Things"]
    numbers = re.findall(r'<span class="number" aria-hidden="true">(\d+)</span>', html)
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    titles = re.findall(r'Thing \d+: </span>([^<]+)</a>', html)
    assert titles == ["Introduce yourself", "Write a reflection", "Make a screencast",
                      "Action plan", "Opens later", "Something extra"]
    basics = html.split('id="theme-1"')[1].split('id="theme-2"')[0]
    assert "Introduce yourself" in basics and "Write a reflection" in basics
    assert "Make a screencast" not in basics
    assert f'href="{thing_url("intro")}"' in html


def test_my_things_labels_kinds_due_dates_and_statuses(client: TestClient, db: Session) -> None:
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    load_standard(db, starts=starts)
    sign_in(client, ANNA)
    html = client.get(THINGS).text
    rows = re.findall(r'<li class="thing-row status-row-(\w+)">(.*?)</li>', html, re.S)
    by_title = {re.search(r"</span>([^<]+)</a>", row).group(1): (status, row)  # type: ignore[union-attr]
                for status, row in rows}
    status, intro = by_title["Introduce yourself"]
    assert status == "open"
    assert "Must-do" in intro
    assert f"due in 3 days</span> ({medium_date(starts + timedelta(days=6))})" in intro
    assert "15 min" in intro
    assert "</span> To do</span>" in intro
    status, later = by_title["Opens later"]
    assert status == "locked"
    assert "Can-do" in later
    assert f"opens in 25 days</span> ({medium_date(starts + timedelta(days=28))})" in later
    assert "</span> Locked</span>" in later
    assert "Optional" in by_title["Something extra"][1]
    assert "dates in Amsterdam time" in html


def test_my_things_shows_the_progress_summary_and_done_things(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    html = client.get(THINGS).text
    assert "Must-do: 0 of 2 done" in html
    assert '<progress max="2" value="0" aria-labelledby="progress-must">' in html
    assert "Can-do: 0 of 1 done" in html
    assert "every must-do Thing and 1 can-do Things" in html
    client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf})
    html = client.get(THINGS).text
    assert "Must-do: 1 of 2 done" in html
    assert '<progress max="2" value="1"' in html
    assert '<li class="thing-row status-row-done">' in html
    assert "</span> Done</span>" in html


def test_a_trainer_sees_the_programme_without_statuses(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, TRAINER)
    page = client.get(THINGS)
    assert page.status_code == 200
    assert "<h1>Programme</h1>" in page.text
    assert "Introduce yourself" in page.text
    assert "Must-do:" not in page.text and "Continue with" not in page.text


# --- a Thing's page -----------------------------------------------------------------------


def test_thing_page_shows_instructions_links_minutes_and_dates(
    client: TestClient, db: Session
) -> None:
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    load_standard(db, starts=starts)
    sign_in(client, ANNA)
    page = client.get(thing_url("intro"))
    assert page.status_code == 200
    html = page.text
    assert '<h1 lang="en">Introduce yourself</h1>' in html
    assert "<strong>hello</strong>" in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer">Guide</a>' in html
    assert "about 15 minutes" in html
    assert "Must-do" in html
    due = starts + timedelta(days=6)
    assert f"{due:%B} {due.day}, {due.year}" in html
    assert status_text(html) == "To do"
    assert "Mark done" in html


def test_thing_page_shows_the_reflection_prompt_and_rule(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    html = client.get(thing_url("reflect")).text
    assert "What did you learn?" in html
    assert "At least 5 words." in html
    assert '<label for="reflection">Your reflection <span class="required">' in html
    assert "Save draft" in html


def test_marking_done_without_javascript_redirects_and_then_shows_done(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == thing_url("intro")
    page = client.get(response.headers["location"])
    assert status_text(page.text) == "Done"
    assert "Marked done. Well done!" in page.text
    assert "Marked done on" in page.text
    assert "Undo" in page.text
    assert len(completions_of(db, member(db, ANNA))) == 1


def test_marking_done_with_htmx_returns_only_the_completion_fragment(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf}, headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert "<h1>" not in html
    assert html.lstrip().startswith('<section id="completion"')
    assert status_text(html) == "Done"
    assert "Marked done. Well done!" in html
    # the fragment's forms still carry the CSRF token, so the next click works too
    assert f'name="csrf_token" value="{csrf}"' in html


def test_too_short_reflection_is_refused_keeping_what_was_typed(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    typed = "Too short <really>"
    response = client.post(f"{thing_url('reflect')}/done",
                           data={"csrf_token": csrf, "reflection": typed})
    assert response.status_code == 409
    html = response.text
    assert "at least 5 words" in html and "yours has 3" in html
    assert 'role="alert"' in html
    assert textarea(html) == "Too short &lt;really&gt;"
    assert status_text(html) == "To do"
    assert reflection_body(db, ANNA, "reflect") == typed  # what they typed is not lost
    assert completions_of(db, member(db, ANNA)) == []


def test_too_short_reflection_with_htmx_returns_the_fragment_with_409(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post(f"{thing_url('reflect')}/done",
                           data={"csrf_token": csrf, "reflection": "Too short"}, headers=HTMX)
    assert response.status_code == 409
    assert "<html" not in response.text
    assert "yours has 2" in response.text
    assert textarea(response.text) == "Too short"


def test_a_long_enough_reflection_marks_the_thing_done(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post(f"{thing_url('reflect')}/done",
                           data={"csrf_token": csrf, "reflection": ENOUGH_WORDS})
    assert response.status_code == 303
    page = client.get(thing_url("reflect")).text
    assert status_text(page) == "Done"
    assert textarea(page) == ENOUGH_WORDS


def test_saving_a_reflection_alone_does_not_mark_done(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    response = client.post(f"{thing_url('reflect')}/reflection",
                           data={"csrf_token": csrf, "reflection": "Just a draft"})
    assert response.status_code == 303
    page = client.get(thing_url("reflect")).text
    assert "Your draft is saved." in page
    assert textarea(page) == "Just a draft"
    assert status_text(page) == "To do"


def test_undo_takes_back_done(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    client.get(client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf})
               .headers["location"])
    response = client.post(f"{thing_url('intro')}/undo", data={"csrf_token": csrf})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "No longer marked done." in page
    assert status_text(page) == "To do"
    assert "Mark done" in page
    assert completions_of(db, member(db, ANNA)) == []


def test_notices_of_two_actions_in_a_row_are_both_shown(client: TestClient, db: Session) -> None:
    # e.g. two tabs: the second action happens before the first one's page was shown
    load_standard(db)
    csrf = sign_in(client, ANNA)
    client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf})
    client.post(f"{thing_url('extra')}/done", data={"csrf_token": csrf})
    page = client.get(THINGS).text
    assert page.count("Marked done. Well done!") == 2


def test_undo_with_htmx_returns_the_fragment(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf})
    response = client.post(f"{thing_url('intro')}/undo", data={"csrf_token": csrf}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert status_text(response.text) == "To do"


def test_url_thing_has_an_evidence_field_and_refuses_a_bad_link(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    html = client.get(thing_url("screencast")).text
    assert '<input type="url" id="evidence_url" name="evidence_url"' in html
    assert '<label for="evidence_url">' in html
    assert 'name="evidence_url"' not in client.get(thing_url("intro")).text

    refused = client.post(f"{thing_url('screencast')}/done",
                          data={"csrf_token": csrf, "evidence_url": "javascript:alert(1)"})
    assert refused.status_code == 422
    assert "https://" in refused.text
    assert status_text(refused.text) == "To do"

    client.post(f"{thing_url('screencast')}/done",
                data={"csrf_token": csrf, "evidence_url": "https://example.org/cast"})
    page = client.get(thing_url("screencast")).text
    assert status_text(page) == "Done"
    assert 'value="https://example.org/cast"' in page


def test_approval_thing_says_it_waits_for_the_trainer(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    assert "Your trainer checks this Thing" in client.get(thing_url("plan")).text
    response = client.post(f"{thing_url('plan')}/done", data={"csrf_token": csrf})
    assert response.status_code == 303
    page = client.get(thing_url("plan")).text
    assert status_text(page) == "Done, waiting for the trainer"
    assert "Marked done. Your trainer will check it." in page
    assert "1 waiting for the trainer" in client.get(THINGS).text


def test_locked_thing_can_be_read_but_has_no_done_form(client: TestClient, db: Session) -> None:
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    load_standard(db, starts=starts)
    csrf = sign_in(client, ANNA)
    page = client.get(thing_url("later"))
    assert page.status_code == 200
    assert status_text(page.text) == "Locked"
    assert "This Thing opens on" in page.text
    assert "Mark done" not in page.text
    refused = client.post(f"{thing_url('later')}/done", data={"csrf_token": csrf})
    assert refused.status_code == 409
    # the date as people read it
    assert format_date(starts + timedelta(days=28), "long", locale="en") in refused.text


def test_a_stranger_gets_the_404_page_for_a_cohort_they_are_not_in(
    client: TestClient, db: Session
) -> None:
    load_two_cohorts(db)
    csrf = sign_in(client, STRANGER)
    for response in (client.get(THINGS), client.get(thing_url("intro")),
                     client.get("/c/testcohort"),
                     client.post(f"{thing_url('intro')}/done", data={"csrf_token": csrf})):
        assert response.status_code == 404
        assert "<h1>Not found</h1>" in response.text
        assert "Cohort testcohort" not in response.text
        assert "Introduce yourself" not in response.text
    assert completions_of(db, member(db, ANNA)) == []


def test_unknown_thing_gets_the_404_page(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    response = client.get(thing_url("nope"))
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text


def test_not_signed_in_redirects_to_login(client: TestClient, db: Session) -> None:
    load_standard(db)
    for path in ("/cohorts", THINGS, thing_url("intro")):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
    assert client.get("/").headers["location"] == "/login"


def test_signing_in_keeps_the_query_of_the_page_asked_for(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.get("/c/testcohort/things?view=all&x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/c/testcohort/things%3Fview%3Dall%26x%3D1"
