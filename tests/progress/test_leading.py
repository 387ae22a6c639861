"""My Things and a Thing's page lead the way: programme order, what to continue with, dates
counted from today, progress per kind, previous / next, and a form that loses nothing."""

from __future__ import annotations

import re
import textwrap
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.fixtures.builders import (
    ANNA,
    ENOUGH_WORDS,
    PROGRAM,
    cohort_yaml,
    load,
    load_standard,
    today_in,
    with_due_overrides,
)
from tests.fixtures.people import sign_in

THINGS = "/c/testcohort/things"

SPREAD_THEMES = textwrap.dedent("""\
    kind: program
    id: testprog
    title: Spread themes
    themes:
      - {key: tools, title: Tools}
      - {key: people, title: People}
    things:
      - {key: one, title: First tool, kind: can, theme: tools, due: week 2}
      - {key: two, title: Meet people, kind: must, theme: people, due: week 2}
      - {key: three, title: Second tool, kind: must, theme: tools, due: week 3}
      - {key: four, title: Later still, kind: must, theme: people, opens: week 4, due: week 5}
    """)


def rows(html: str) -> list[str]:
    return re.findall(r'<li class="thing-row [^"]+">(.*?)</li>', html, re.S)


def continue_title(html: str) -> str:
    match = re.search(r'<section class="next-up".*?<a class="button" href="[^"]+">([^<]+)</a>',
                      html, re.S)
    assert match, "no continue card"
    return match.group(1)


def test_things_follow_programme_numbers_and_spread_themes_become_labels(
    client: TestClient, db: Session,
) -> None:
    load(db, SPREAD_THEMES, cohort_yaml())
    sign_in(client, ANNA)
    html = client.get(THINGS).text
    numbers = re.findall(r'<span class="number" aria-hidden="true">(\d+)</span>', html)
    assert numbers == ["1", "2", "3", "4"]
    assert not re.search(r'<h2 id="theme-\d+">', html)  # no theme holds its Things together
    labels = [re.search(r'<span class="theme-label">([^<]+)</span>', row).group(1)  # type: ignore[union-attr]
              for row in rows(html)]
    assert labels == ["Tools", "People", "Tools", "People"]


def test_continue_with_the_open_thing_due_soonest_must_do_before_can_do(
    client: TestClient, db: Session,
) -> None:
    load(db, SPREAD_THEMES, cohort_yaml())
    csrf = sign_in(client, ANNA)
    html = client.get(THINGS).text
    # one and two are both due in week 2: the must-do comes first, though numbered later
    assert continue_title(html) == "Thing 2: Meet people"
    assert html.index('class="next-up"') < html.index('class="things"')  # at the top
    client.post(f"{THINGS}/two/done", data={"csrf_token": csrf})
    assert continue_title(client.get(THINGS).text) == "Thing 1: First tool"


def test_an_overdue_thing_is_next_and_its_lateness_is_counted(
    client: TestClient, db: Session,
) -> None:
    today = today_in("Europe/Amsterdam")
    load(db, PROGRAM, with_due_overrides(cohort_yaml(starts=today - timedelta(days=20)),
                                         reflect=today - timedelta(days=8)))
    sign_in(client, ANNA)
    html = client.get(THINGS).text
    assert continue_title(html) == "Thing 1: Introduce yourself"  # due 14 days ago
    assert "14 days late" in html and "8 days late" in html
    overdue_labels = html.count("</span> Overdue</span>")
    assert overdue_labels == 2  # intro (week 1) and reflect
    assert f"{overdue_labels} overdue" in html


def test_when_nothing_is_open_it_says_when_the_next_thing_opens(
    client: TestClient, db: Session,
) -> None:
    program = SPREAD_THEMES.replace("due: week 2}", "opens: week 2, due: week 3}")
    program = program.replace("kind: must, theme: tools, due: week 3",
                              "kind: must, theme: tools, opens: week 3, due: week 3")
    load(db, program, cohort_yaml(starts=today_in("Europe/Amsterdam")))
    sign_in(client, ANNA)
    html = client.get(THINGS).text
    assert "Nothing open right now" in html
    assert "Thing 1, “First tool”, opens on" in html and "(opens in 7 days)" in html
    assert "opens in 7 days</span> (" in html  # in the list too


def test_my_cohorts_shows_progress_bars_and_where_to_continue(
    client: TestClient, db: Session,
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    client.post(f"{THINGS}/intro/done", data={"csrf_token": csrf})
    html = client.get("/cohorts").text
    assert "Must-do: 1 of 2 done" in html and '<progress max="2" value="1"' in html
    assert re.search(r'href="/c/testcohort/things/reflect">Continue with Thing 2: Write a '
                     r'reflection</a>', html)


# --- a Thing's page ------------------------------------------------------------------------

def test_the_status_comes_before_the_instructions(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    html = client.get(f"{THINGS}/intro").text
    assert html.index('id="thing-status"') < html.index('class="instructions"')
    assert "due in 3 days" in html.split('id="thing-status"')[1].split("</p>")[0]


def test_previous_and_next_thing(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    first = client.get(f"{THINGS}/intro").text
    assert 'rel="prev"' not in first
    assert re.search(r'rel="next" href="/c/testcohort/things/reflect">Thing 2: Write a reflection',
                     first)
    middle = client.get(f"{THINGS}/screencast").text
    assert 'rel="prev" href="/c/testcohort/things/reflect"' in middle
    assert 'rel="next" href="/c/testcohort/things/plan"' in middle


def test_a_link_typed_beside_a_draft_is_kept(client: TestClient, db: Session) -> None:
    program = PROGRAM.replace("    evidence: url\n",
                              "    evidence: url\n    reflection: {prompt: How did it go?}\n")
    load(db, program, cohort_yaml())
    csrf = sign_in(client, ANNA)
    saved = client.post(f"{THINGS}/screencast/reflection",
                        data={"csrf_token": csrf, "reflection": ENOUGH_WORDS,
                              "evidence_url": "https://example.org/my-cast"})
    assert saved.status_code == 303  # without script: the page again, by a redirect
    page = client.get(f"{THINGS}/screencast").text
    assert 'value="https://example.org/my-cast"' in page
    assert "Your draft is saved. The Thing is not marked done yet." in page
    assert "</span> To do</span>" in page


def test_a_missing_link_is_named_in_words_and_tied_to_its_field(
    client: TestClient, db: Session,
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    refused = client.post(f"{THINGS}/screencast/done", data={"csrf_token": csrf})
    assert refused.status_code == 422
    html = refused.text
    assert "evidence_url" not in html.split('<p class="field-error"')[1].split("</p>")[0]
    assert '<p class="field-error" id="evidence-error" role="alert">' in html
    field = re.search(r'<input type="url" id="evidence_url"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'aria-describedby="evidence-error evidence-hint"' in field
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert 'id="reflection"' not in html  # nothing else takes the focus


def test_a_link_typed_without_https_is_taken_as_https(client: TestClient, db: Session) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    done = client.post(f"{THINGS}/screencast/done",
                       data={"csrf_token": csrf, "evidence_url": "example.org/cast"})
    assert done.status_code == 303
    assert 'value="https://example.org/cast"' in client.get(f"{THINGS}/screencast").text


def test_a_done_thing_has_one_primary_action_and_says_done_once(
    client: TestClient, db: Session,
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    client.post(f"{THINGS}/reflect/done", data={"csrf_token": csrf, "reflection": ENOUGH_WORDS})
    html = client.get(f"{THINGS}/reflect").text
    assert html.count("Marked done on") == 1
    assert not re.search(r"Marked done on [^<]*\d+:\d+:\d+", html)  # no seconds
    assert "Save changes" in html and "Save draft" not in html and ">Mark done<" not in html
    saved = client.post(f"{THINGS}/reflect/done",
                        data={"csrf_token": csrf, "reflection": ENOUGH_WORDS + " and more"})
    assert saved.status_code == 303
    assert "Your changes are saved." in client.get(f"{THINGS}/reflect").text


def test_htmx_sends_the_status_at_the_top_along_with_the_form(
    client: TestClient, db: Session,
) -> None:
    load_standard(db)
    csrf = sign_in(client, ANNA)
    swapped = client.post(f"{THINGS}/intro/done", data={"csrf_token": csrf},
                          headers={"HX-Request": "true"}).text
    assert '<p class="thing-status" id="thing-status" hx-swap-oob="true">' in swapped
    assert "</span> Done</span>" in swapped.split('id="thing-status"')[1]


def test_an_unknown_date_never_shows_a_relative_date() -> None:
    from app.programs.schedule import Window
    from app.progress.models import ThingStatus
    from app.progress.service import ThingView
    view = ThingView(thing=None, number=1, window=Window(None, None, None, None),  # type: ignore[arg-type]
                     status=ThingStatus.open, completion=None, today=date(2027, 1, 1))
    assert view.when == ""
