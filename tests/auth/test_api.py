"""GET /api/v1/me: who the caller is, by token or by nobody."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.fixtures.builders import ANNA, TRAINER, load_standard
from tests.fixtures.people import token_for


def test_me_tells_who_the_token_belongs_to_and_their_roles(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.get("/api/v1/me", headers=token_for(db, ANNA))
    assert response.status_code == 200
    assert response.json() == {"email": ANNA, "name": "Anna", "roles": ["participant"],
                               "admin": False}
    trainer = client.get("/api/v1/me", headers=token_for(db, TRAINER)).json()
    assert trainer["roles"] == ["trainer"]


def test_me_without_credentials_is_401_with_a_readable_detail(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("token", ["ting_not-a-real-token", "garbage", ""])
def test_a_bad_token_is_401_and_never_falls_back_to_anyone(
    client: TestClient, db: Session, token: str
) -> None:
    load_standard(db)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert isinstance(response.json()["detail"], str)
    assert ANNA not in response.text
