"""My cohorts in the browser: what I am in, my progress, and an empty state."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import service as auth_service
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    MANAGER,
    PROGRAM,
    TRAINER,
    cohort_yaml,
    load,
    load_standard,
    load_two_cohorts,
)
from tests.fixtures.people import browser_signed_in, sign_in


def test_my_cohorts_lists_the_cohort_with_my_progress(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    page = client.get("/cohorts")
    assert page.status_code == 200
    assert '<a href="/c/testcohort">Cohort testcohort</a>' in page.text
    assert "Test programme" in page.text
    assert "participant" in page.text
    assert "Must-do: 0 of 2 done" in page.text


def test_my_cohorts_shows_an_empty_state_after_being_removed_from_the_roster(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    load(db, PROGRAM, cohort_yaml(participants=[ANNA]))  # Bram is deactivated
    sign_in(client, BRAM)
    page = client.get("/cohorts")
    assert page.status_code == 200
    assert "You are not in any cohort yet" in page.text
    assert "Cohort testcohort" not in page.text
    assert client.get("/c/testcohort/things").status_code == 404


def test_a_trainer_of_two_cohorts_sees_both_with_their_role(
    client: TestClient, db: Session
) -> None:
    load_two_cohorts(db)
    sign_in(client, TRAINER)
    page = client.get("/cohorts").text
    assert "Cohort testcohort" in page and "Cohort other" in page
    assert "Your role: trainer" in page
    assert "Must-do:" not in page  # trainers have no progress of their own


def test_a_participant_does_not_see_other_cohorts(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    sign_in(client, ANNA)
    page = client.get("/cohorts").text
    assert "Cohort testcohort" in page
    assert "Cohort other" not in page


def test_the_cohort_address_leads_a_manager_to_the_dashboard(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, MANAGER)
    response = client.get("/c/testcohort")
    assert response.status_code == 303
    assert response.headers["location"] == "/c/testcohort/dashboard"


def test_a_site_admin_sees_every_cohort_as_its_trainers_do(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    auth_service.make_admin(db, email="it@example.org", name="Ingrid")
    browser_signed_in(client, db, "it@example.org")
    html = client.get("/cohorts").text
    assert "Cohort testcohort" in html and "Cohort other" in html
    assert html.count("site admin (you see what its trainers and managers see)") == 2
    assert client.get("/c/other/things").status_code == 200
    assert client.get("/c/nonesuch/things").status_code == 404
