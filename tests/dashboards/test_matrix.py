"""The progress matrix and a participant's page: filters, search, sort, pages, and cells that
say their state in words, not colour alone."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.progress import review
from app.progress.models import Decision
from tests.dashboards.conftest import CAROL
from tests.fixtures.builders import ANNA, BRAM, MANAGER, PROGRAM, TRAINER, cohort_yaml, load, member
from tests.fixtures.people import sign_in, token_for
from tests.progress.test_query_count import cohort_of


def names_on(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/c/testcohort/participants/\d+">([^<]+)</a>', html)


def test_the_matrix_shows_everyone_with_a_word_for_every_cell(
    client: TestClient, db: Session, progress_made: None
) -> None:
    sign_in(client, TRAINER)
    html = client.get("/c/testcohort/matrix").text
    assert names_on(html) == ["Anna", "Bram", "Carol"]
    assert '<span class="visually-hidden">waiting for sign-off</span>' in html
    assert '<span class="visually-hidden">overdue</span>' in html
    assert "3 participants match." in html


def test_filters_search_and_sort(client: TestClient, db: Session, progress_made: None) -> None:
    sign_in(client, MANAGER)
    assert names_on(client.get("/c/testcohort/matrix?show=behind").text) == ["Bram", "Carol"]
    assert names_on(client.get("/c/testcohort/matrix?organization=Town").text) == ["Carol"]
    assert names_on(client.get("/c/testcohort/matrix?q=BRAM").text) == ["Bram"]
    assert names_on(client.get("/c/testcohort/matrix?show=waiting").text) == ["Bram"]
    assert names_on(client.get("/c/testcohort/matrix?show=not_started").text) == ["Carol"]
    assert names_on(client.get("/c/testcohort/matrix?show=completed").text) == ["Anna"]
    assert names_on(client.get("/c/testcohort/matrix?sort=progress").text)[0] == "Anna"
    assert client.get("/c/testcohort/matrix?show=nonsense").status_code == 400


def test_the_matrix_through_the_api_in_pages(client: TestClient, db: Session,
                                             progress_made: None) -> None:
    headers = token_for(db, TRAINER)
    first = client.get("/api/v1/cohorts/testcohort/matrix?per_page=2", headers=headers).json()
    assert (first["total"], first["page"], first["pages"]) == (3, 1, 2)
    assert first["things"][:2] == ["intro", "reflect"]
    assert [r["email"] for r in first["rows"]] == [ANNA, BRAM]
    assert first["rows"][1]["cells"][:4] == ["overdue", "overdue", "open", "waiting"]
    second = client.get("/api/v1/cohorts/testcohort/matrix?per_page=2&page=2", headers=headers).json()
    assert [r["email"] for r in second["rows"]] == [CAROL]
    assert client.get("/api/v1/cohorts/testcohort/matrix", headers=token_for(db, ANNA)).status_code == 403


def test_a_participants_page_shows_their_things_and_sign_off_history(
    client: TestClient, db: Session, progress_made: None
) -> None:
    trainer = member(db, TRAINER)
    item = review.queue(db, member=trainer)[0]
    review.decide(db, member=trainer, completion_id=item.id, decision=Decision.send_back,
                  comment="Show the costs too.")
    db.commit()
    sign_in(client, MANAGER)
    bram = member(db, BRAM)
    html = client.get(f"/c/testcohort/participants/{bram.membership.id}").text
    assert "<h1>Bram</h1>" in html and "Action plan" in html
    assert "sent back by trainer: “Show the costs too.”" in html
    assert client.get("/c/testcohort/participants/999999").status_code == 404


def test_a_page_of_the_matrix_stays_small_for_a_large_cohort(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM)
    cohort_of(db, 2000, "large")
    sign_in(client, TRAINER)
    response = client.get("/c/large/matrix")
    assert response.status_code == 200
    assert "2000 participants match. Page 1 of 40." in response.text
    assert len(response.content) < 150_000, len(response.content)


def test_several_cohorts_side_by_side_and_summed(client: TestClient, db: Session,
                                                 progress_made: None) -> None:
    load(db, cohort_yaml(key="second", participants=[ANNA, "dora@example.org"]))
    sign_in(client, TRAINER)
    assert 'href="/dashboards"' in client.get("/cohorts").text
    html = client.get("/dashboards").text
    assert "Cohort testcohort" in html and "Cohort second" in html
    # 3 + 2 participants; 2 + 0 started; 1 + 0 completed
    assert '<th scope="row">All together</th><td>5</td><td>2</td><td>1</td><td>20%</td>' in html
    assert '<th scope="row">Lib</th><td>4</td><td>2</td><td>1</td>' in html
    sign_in(client, ANNA)
    assert "not a trainer or manager of any cohort" in client.get("/dashboards").text
