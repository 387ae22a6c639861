"""Badges in the browser's pages: My Things shows them with progress, the badges page says what
each asks for and the hours it stands for, marking the last Thing done says which badge was
earned, and each badge's picture is a harmless image anyone may fetch."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.badges.test_earning import WITH_BADGES
from tests.fixtures.builders import ANNA, ENOUGH_WORDS, PROGRAM, TRAINER, cohort_yaml, load
from tests.fixtures.people import browser_signed_in


def test_my_things_and_the_badges_page_show_progress_then_the_award(
    client: TestClient, db: Session
) -> None:
    load(db, WITH_BADGES.replace("criteria: Every", "hours: 7.5\n    criteria: Every"), cohort_yaml())
    csrf = browser_signed_in(client, db, ANNA)
    things = client.get("/c/testcohort/things").text
    assert "Your badges" in things and "0 of 2 done" in things  # the basics: two must-do Things
    page = client.get("/c/testcohort/badges").text
    assert "My badges" in page and "7.5 hours of learning" in page
    assert "<p>Every must-do Thing and one can-do Thing.</p>" in page  # criteria, as Markdown

    client.post("/c/testcohort/things/intro/done", data={"csrf_token": csrf})
    done = client.post("/c/testcohort/things/reflect/done",
                       data={"csrf_token": csrf, "reflection": ENOUGH_WORDS}, follow_redirects=True)
    assert "You have earned the badge “The basics”!" in done.text
    assert "Earned on" in client.get("/c/testcohort/badges").text


def test_staff_see_what_each_badge_asks_for_and_a_programme_without_badges_says_so(
    client: TestClient, db: Session
) -> None:
    load(db, WITH_BADGES, cohort_yaml(), PROGRAM.replace("id: testprog", "id: plain"),
         cohort_yaml(key="plaincohort", program="plain"))
    browser_signed_in(client, db, TRAINER)
    page = client.get("/c/testcohort/badges").text
    assert "Finisher" in page and "of 2 done" not in page
    assert "This programme awards no badges." in client.get("/c/plaincohort/badges").text


def test_a_badge_picture_is_public_and_cannot_run_anything(client: TestClient, db: Session) -> None:
    load(db, WITH_BADGES.replace("name: The basics", 'name: "<script>alert(1)</script> & more"'))
    picture = client.get("/badges/testprog/basics.svg")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in picture.headers.get_list("content-security-policy")[0]
    assert "<script>" not in picture.text and "&lt;script&gt;" in picture.text
    assert client.get("/badges/testprog/nonesuch.svg").status_code == 404
