from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.fixtures.builders import load_standard
from tests.fixtures.people import token_for


def test_participant_lists_their_things_with_a_token(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.get("/api/v1/cohorts/testcohort/things",
                          headers=token_for(db, "anna@example.org"))
    assert response.status_code == 200, response.text
    things = response.json()
    assert [t["key"] for t in things] == ["intro", "reflect", "screencast", "plan", "later", "extra"]
    assert [t["number"] for t in things] == [1, 2, 3, 4, 5, 6]
    assert {t["key"]: t["status"] for t in things}["later"] == "locked"
