"""Managers see the badges awarded per cohort and organisation, on the dashboard (counted by the
database) and in the CSV (each participant's badges); a withdrawn badge no longer counts."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.progress import service as progress_service
from app.progress.models import Award
from tests.badges.test_earning import WITH_BADGES
from tests.fixtures.builders import ANNA, BRAM, ENOUGH_WORDS, MANAGER, cohort_yaml, load, member
from tests.fixtures.people import browser_signed_in


def earned(db: Session) -> None:
    cohort = cohort_yaml().replace("name: Bram, organization: Lib", "name: Bram, organization: Branch")
    load(db, WITH_BADGES, cohort.replace("organizations: [Lib]", "organizations: [Lib, Branch]"))
    for email in (ANNA, BRAM):
        who = member(db, email)
        progress_service.complete_thing(db, member=who, key="intro")
        progress_service.submit(db, member=who, key="reflect", reflection=ENOUGH_WORDS,
                                evidence_url=None)
    progress_service.complete_thing(db, member=member(db, ANNA), key="screencast",
                                    evidence_url="https://example.org/cast")
    db.commit()


def test_the_dashboard_and_the_csv_count_badges_per_organisation(
    client: TestClient, db: Session
) -> None:
    earned(db)  # Anna (Lib): three badges; Bram (Branch): one
    browser_signed_in(client, db, MANAGER)
    page = client.get("/c/testcohort/dashboard").text
    assert "<dt>Badges awarded</dt><dd>4</dd>" in page
    assert "<th scope=\"row\">Lib</th><td>1</td><td>1</td><td>1</td><td>3</td>" in page
    assert "<th scope=\"row\">Branch</th><td>1</td><td>1</td><td>0</td><td>1</td>" in page
    rows = client.get("/api/v1/cohorts/testcohort/dashboard.csv").text.splitlines()
    assert rows[0].split(",")[8] == "badges"
    anna = next(r for r in rows if r.startswith(ANNA))
    assert "Finisher; The basics; Going deeper" in anna

    award = db.exec(select(Award).where(Award.membership_id == member(db, BRAM).membership.id)).one()
    award.revoked_at = datetime.now(UTC)
    db.commit()
    assert "<dt>Badges awarded</dt><dd>3</dd>" in client.get("/c/testcohort/dashboard").text
    api = client.get("/api/v1/cohorts/testcohort/dashboard").json()
    assert {o["organization"]: o["badges"] for o in api["by_organization"]} == {"Lib": 3, "Branch": 0}
