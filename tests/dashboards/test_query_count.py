"""The dashboard, its page and the CSV cost the same SQL statements for 10 or 2,000
participants: set-based queries, never one per person."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.fixtures.builders import PROGRAM, TRAINER, load
from tests.fixtures.people import sign_in, token_for
from tests.progress.test_query_count import cohort_of, statements_for


@pytest.fixture
def small_and_large(db: Session) -> None:
    load(db, PROGRAM)
    cohort_of(db, 10, "small")
    cohort_of(db, 2000, "large")


@pytest.mark.parametrize("path", ["/api/v1/cohorts/{c}/dashboard",
                                  "/api/v1/cohorts/{c}/dashboard.csv",
                                  "/api/v1/cohorts/{c}/matrix"])
def test_the_dashboard_api_costs_the_same_for_10_or_2000(
    client: TestClient, db: Session, engine: Engine, small_and_large: None, path: str
) -> None:
    headers = token_for(db, TRAINER)
    client.get("/api/v1/me", headers=headers)  # a token's first use of the day notes the day
    small = statements_for(engine, client, path.format(c="small"), headers=headers)
    large = statements_for(engine, client, path.format(c="large"), headers=headers)
    print(f"\n{path}: {len(small)} statements for 10 participants, {len(large)} for 2,000")
    assert len(small) == len(large) <= 8, "\n".join(large)


@pytest.mark.parametrize("page", ["dashboard", "matrix", "desk"])
def test_the_pages_cost_the_same_for_10_or_2000(
    client: TestClient, db: Session, engine: Engine, small_and_large: None, page: str
) -> None:
    sign_in(client, TRAINER)
    small = statements_for(engine, client, f"/c/small/{page}")
    large = statements_for(engine, client, f"/c/large/{page}")
    assert len(small) == len(large) <= 8, "\n".join(large)
