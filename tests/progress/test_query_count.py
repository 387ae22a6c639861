"""Listing My Things costs the same number of SQL statements for any cohort size."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.posts import service as posts_service
from app.progress import service as progress_service
from tests.fixtures.builders import ANNA, ENOUGH_WORDS, PROGRAM, cohort_yaml, load, member
from tests.fixtures.database import sql_statements
from tests.fixtures.people import sign_in, token_for


def cohort_of(db: Session, size: int, key: str) -> None:
    """ANNA and size - 1 others; every tenth other participant has done a few Things."""
    others = [f"p{i:04d}@example.org" for i in range(1, size)]
    load(db, cohort_yaml(key=key, participants=[ANNA, *others]))
    for email in others[::10]:
        someone = member(db, email, cohort=key)
        progress_service.complete_thing(db, member=someone, key="intro")
        progress_service.complete_thing(db, member=someone, key="extra")
        posts_service.save_reflection(db, member=someone, key="reflect", body=ENOUGH_WORDS)
        db.commit()
        progress_service.complete_thing(db, member=someone, key="reflect")
    anna = member(db, ANNA, cohort=key)
    progress_service.complete_thing(db, member=anna, key="intro")


def statements_for(engine: Engine, client: TestClient, url: str, **kwargs: Any) -> list[str]:
    with sql_statements(engine) as statements:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    return statements


@pytest.fixture
def small_and_large(db: Session) -> None:
    load(db, PROGRAM)
    cohort_of(db, 10, "small")
    cohort_of(db, 1000, "large")


def test_my_things_page_costs_the_same_queries_for_10_or_1000_participants(
    client: TestClient, db: Session, engine: Engine, small_and_large: None
) -> None:
    sign_in(client, ANNA)
    small = statements_for(engine, client, "/c/small/things")
    large = statements_for(engine, client, "/c/large/things")
    print(f"\nGET /c/{{cohort}}/things: {len(small)} statements for 10 participants, "
          f"{len(large)} for 1,000")
    assert len(small) == len(large)
    assert len(large) == 2, "\n".join(large)  # the caller and membership; the completions


def test_my_things_api_costs_the_same_queries_for_10_or_1000_participants(
    client: TestClient, db: Session, engine: Engine, small_and_large: None
) -> None:
    headers = token_for(db, ANNA)
    client.get("/api/v1/me", headers=headers)  # a token's first use of the day notes the day
    small = statements_for(engine, client, "/api/v1/cohorts/small/things", headers=headers)
    large = statements_for(engine, client, "/api/v1/cohorts/large/things", headers=headers)
    print(f"\nGET /api/v1/cohorts/{{cohort}}/things: {len(small)} statements for 10 "
          f"participants, {len(large)} for 1,000")
    assert len(small) == len(large)
    assert len(large) == 2, "\n".join(large)  # the caller and membership; the completions


def test_my_cohorts_page_costs_the_same_queries_however_many_cohorts(
    client: TestClient, db: Session, engine: Engine, small_and_large: None
) -> None:
    sign_in(client, ANNA)
    two = statements_for(engine, client, "/cohorts")
    load(db, cohort_yaml(key="third", participants=[ANNA]))
    three = statements_for(engine, client, "/cohorts")
    print(f"\nGET /cohorts: {len(two)} statements for 2 cohorts, {len(three)} for 3")
    assert len(two) == len(three)
