"""GET /api/v1/cohorts: the cohorts I belong to, and only those."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.fixtures.builders import ANNA, TRAINER, load_standard, load_two_cohorts, today_in
from tests.fixtures.people import token_for


def test_cohorts_lists_only_mine_with_my_role(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    response = client.get("/api/v1/cohorts", headers=token_for(db, ANNA))
    assert response.status_code == 200
    (cohort,) = response.json()
    assert cohort["key"] == "testcohort"
    assert cohort["role"] == "participant"
    assert cohort["program"] == "testprog"
    assert cohort["timezone"] == "Europe/Amsterdam"
    assert date.fromisoformat(cohort["starts"]) == today_in("Europe/Amsterdam") - timedelta(days=3)

    trainer = client.get("/api/v1/cohorts", headers=token_for(db, TRAINER)).json()
    assert sorted(c["key"] for c in trainer) == ["other", "testcohort"]
    assert {c["role"] for c in trainer} == {"trainer"}


def test_cohorts_without_credentials_is_401(client: TestClient, db: Session) -> None:
    load_standard(db)
    assert client.get("/api/v1/cohorts").status_code == 401
