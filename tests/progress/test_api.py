"""The JSON API contract of DESIGN.md §5 for My Things: list, mark done, undo."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from babel.dates import format_date
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.progress import service as progress_service
from app.progress.schemas import THING_LIST
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    ENOUGH_WORDS,
    MANAGER,
    PROGRAM,
    STRANGER,
    TRAINER,
    cohort_yaml,
    load,
    load_standard,
    load_two_cohorts,
    member,
    today_in,
    with_due_overrides,
)
from tests.fixtures.people import token_for

THINGS = "/api/v1/cohorts/testcohort/things"


def completion(key: str, cohort: str = "testcohort") -> str:
    return f"/api/v1/cohorts/{cohort}/things/{key}/completion"


def things_by_key(client: TestClient, headers: dict[str, str], url: str = THINGS) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return {t["key"]: t for t in response.json()}


def post_reflection(client: TestClient, headers: dict[str, str], key: str, body: str) -> int:
    response = client.post("/api/v1/cohorts/testcohort/posts", headers=headers,
                           json={"title": f"On {key}", "body": body, "thing": key})
    assert response.status_code == 201, response.text
    return response.json()["id"]


# --- My Things ----------------------------------------------------------------------------


def test_things_have_the_documented_fields_in_programme_order(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    response = client.get(THINGS, headers=token_for(db, ANNA))
    assert response.status_code == 200
    things = response.json()
    for thing in things:
        assert {"key", "number", "title", "kind", "opens", "due", "status",
                "completed_at"} <= set(thing)
    assert [(t["number"], t["key"], t["kind"]) for t in things] == [
        (1, "intro", "must"), (2, "reflect", "must"), (3, "screencast", "can"),
        (4, "plan", "can"), (5, "later", "can"), (6, "extra", "optional")]
    intro = things[0]
    assert intro["title"] == "Introduce yourself"
    assert intro["status"] == "open"
    assert intro["completed_at"] is None


def test_thing_dates_are_calendar_dates_of_the_cohort(client: TestClient, db: Session) -> None:
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    load_standard(db, starts=starts)
    things = things_by_key(client, token_for(db, ANNA))
    assert things["intro"]["due"] == (starts + timedelta(days=6)).isoformat()  # week 1
    assert things["reflect"]["due"] == (starts + timedelta(days=13)).isoformat()  # week 2
    assert things["later"]["opens"] == (starts + timedelta(days=28)).isoformat()  # week 5
    assert things["later"]["status"] == "locked"
    assert things["extra"]["opens"] is None and things["extra"]["due"] is None


@pytest.mark.parametrize("timezone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_due_today_in_the_cohort_zone_is_open_and_due_yesterday_is_overdue(
    client: TestClient, db: Session, timezone: str
) -> None:
    # UTC+14 and UTC-11: whatever the hour, "today" there differs from "today" in UTC for one
    # of them, so a status computed in UTC would be wrong.
    today = today_in(timezone)
    load(db, PROGRAM, with_due_overrides(cohort_yaml(timezone=timezone), intro=today,
                                         reflect=today - timedelta(days=1)))
    things = things_by_key(client, token_for(db, ANNA))
    assert things["intro"]["due"] == today.isoformat()
    assert things["intro"]["status"] == "open"
    assert things["reflect"]["status"] == "overdue"


def test_things_without_credentials_or_with_a_bad_token_is_401(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    assert client.get(THINGS).status_code == 401
    bad = client.get(THINGS, headers={"Authorization": "Bearer ting_forged"})
    assert bad.status_code == 401
    assert "token" in bad.json()["detail"]


def test_a_stranger_gets_404_and_no_data_for_a_cohort_they_are_not_in(
    client: TestClient, db: Session
) -> None:
    load_two_cohorts(db)
    stranger = token_for(db, STRANGER)
    for response in (
        client.get(THINGS, headers=stranger),
        client.get(f"{THINGS}/intro", headers=stranger),
        client.put(completion("intro"), headers=stranger, json={}),
        client.delete(completion("intro"), headers=stranger),
        client.post("/api/v1/cohorts/testcohort/posts", headers=stranger,
                    json={"title": "Hi", "body": "Sneaky"}),
        client.put(f"{THINGS}/reflect/reflection", headers=stranger, json={"body": "Sneaky"}),
    ):
        assert response.status_code == 404, response.text
        assert isinstance(response.json()["detail"], str)
        assert "Introduce yourself" not in response.text
        assert ANNA not in response.text
    # their own cohort works, so the 404 is about membership, not a broken token
    assert client.get(THINGS.replace("testcohort", "other"), headers=stranger).status_code == 200


def test_a_nonexistent_cohort_looks_the_same_as_someone_elses(
    client: TestClient, db: Session
) -> None:
    load_two_cohorts(db)
    stranger = token_for(db, STRANGER)
    theirs = client.get(THINGS, headers=stranger)
    missing = client.get("/api/v1/cohorts/no-such-cohort/things", headers=stranger)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"].replace("testcohort", "X") == \
        missing.json()["detail"].replace("no-such-cohort", "X")


def test_a_deactivated_participant_gets_404(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, BRAM)
    load(db, PROGRAM, cohort_yaml(participants=[ANNA]))  # Bram removed from the roster
    assert client.get(THINGS, headers=headers).status_code == 404
    assert client.get("/api/v1/cohorts", headers=headers).json() == []


def test_trainers_have_no_things_of_their_own(client: TestClient, db: Session) -> None:
    load_standard(db)
    for email in (TRAINER, MANAGER):
        headers = token_for(db, email)
        assert client.get(THINGS, headers=headers).status_code == 403
        refused = client.put(completion("intro"), headers=headers, json={})
        assert refused.status_code == 403
        assert "participant" in refused.json()["detail"].lower()


# --- marking done -------------------------------------------------------------------------


def test_put_completion_marks_done_and_the_list_shows_it(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    response = client.put(completion("intro"), headers=headers, json={})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["thing"] == "intro"
    assert body["status"] == "done"
    completed_at = datetime.fromisoformat(body["completed_at"].replace("Z", "+00:00"))
    assert completed_at.tzinfo is not None
    intro = things_by_key(client, headers)["intro"]
    assert intro["status"] == "done"
    assert intro["completed_at"] is not None


def test_put_completion_without_a_body_works(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.put(completion("extra"), headers=token_for(db, ANNA))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "done"


def test_put_completion_twice_is_harmless(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    first = client.put(completion("intro"), headers=headers, json={}).json()
    second = client.put(completion("intro"), headers=headers, json={})
    assert second.status_code == 200
    assert second.json()["completed_at"] == first["completed_at"]


def test_delete_completion_undoes_it(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    client.put(completion("intro"), headers=headers, json={})
    response = client.delete(completion("intro"), headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    intro = things_by_key(client, headers)["intro"]
    assert intro["status"] == "open"
    assert intro["completed_at"] is None


def test_completion_of_an_unknown_thing_is_404(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    for response in (client.put(completion("nope"), headers=headers, json={}),
                     client.delete(completion("nope"), headers=headers)):
        assert response.status_code == 404
        assert "This Thing is not in the programme" in response.json()["detail"]


def test_completion_without_credentials_is_401(client: TestClient, db: Session) -> None:
    load_standard(db)
    assert client.put(completion("intro"), json={}).status_code == 401
    assert client.delete(completion("intro")).status_code == 401
    bad = {"Authorization": "Bearer ting_forged"}
    assert client.put(completion("intro"), headers=bad, json={}).status_code == 401


def test_locked_thing_is_409_with_a_detail_naming_the_date(client: TestClient, db: Session) -> None:
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    load_standard(db, starts=starts)
    response = client.put(completion("later"), headers=token_for(db, ANNA), json={})
    assert response.status_code == 409
    assert format_date(starts + timedelta(days=28), "long", locale="en") in response.json()["detail"]


def test_missing_reflection_is_409_with_a_readable_detail(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.put(completion("reflect"), headers=token_for(db, ANNA), json={})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "reflection" in detail and "5 words" in detail


def test_short_reflection_is_409_with_both_numbers(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    post_reflection(client, headers, "reflect", "Too short")
    response = client.put(completion("reflect"), headers=headers, json={})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "at least 5 words" in detail and "yours has 2" in detail
    assert things_by_key(client, headers)["reflect"]["status"] == "open"


def test_a_reflection_posted_through_the_api_unlocks_completion(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    post_reflection(client, headers, "reflect", ENOUGH_WORDS)
    response = client.put(completion("reflect"), headers=headers, json={})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "done"


def test_someone_elses_reflection_does_not_count_for_me(client: TestClient, db: Session) -> None:
    load_standard(db)
    post_reflection(client, token_for(db, BRAM), "reflect", ENOUGH_WORDS)
    response = client.put(completion("reflect"), headers=token_for(db, ANNA), json={})
    assert response.status_code == 409


@pytest.mark.parametrize("payload", [{}, {"evidence_url": ""}, {"evidence_url": "not a url"},
                                     {"evidence_url": "javascript:alert(1)"}])
def test_bad_or_missing_evidence_url_is_422_with_a_detail_string(
    client: TestClient, db: Session, payload: dict
) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    response = client.put(completion("screencast"), headers=headers, json=payload)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert response.json()["detail"]
    assert things_by_key(client, headers)["screencast"]["status"] == "open"


def test_wrongly_typed_body_is_422_with_a_detail_string(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.put(completion("screencast"), headers=token_for(db, ANNA),
                          json={"evidence_url": 42})
    assert response.status_code == 422
    assert "evidence_url" in response.json()["detail"]


def test_evidence_url_is_returned_with_the_completion(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    response = client.put(completion("screencast"), headers=headers,
                          json={"evidence_url": "https://example.org/cast"})
    assert response.status_code == 200
    assert response.json()["evidence_url"] == "https://example.org/cast"
    assert things_by_key(client, headers)["screencast"]["evidence_url"] == \
        "https://example.org/cast"


def test_approval_thing_is_done_but_pending(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.put(completion("plan"), headers=token_for(db, ANNA), json={})
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["approval"] == "pending"


# --- the document -------------------------------------------------------------------------


def test_openapi_document_lists_the_paths(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, method in [
        ("/api/v1/me", "get"),
        ("/api/v1/cohorts", "get"),
        ("/api/v1/cohorts/{cohort}/things", "get"),
        ("/api/v1/cohorts/{cohort}/things/{key}/completion", "put"),
        ("/api/v1/cohorts/{cohort}/things/{key}/completion", "delete"),
        ("/api/v1/cohorts/{cohort}/posts", "post"),
        ("/api/v1/posts/{post_id}", "get"),
    ]:
        assert method in paths.get(path, {}), f"{method.upper()} {path} missing"
    assert not any(p.startswith("/c/") or p in ("/login", "/demo") for p in paths)


def test_a_malformed_evidence_link_is_a_422_not_a_500(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.put("/api/v1/cohorts/testcohort/things/screencast/completion",
                          json={"evidence_url": "http://[x/"},
                          headers=token_for(db, "anna@example.org"))
    assert response.status_code == 422
    assert "link to your work" in response.json()["detail"]


def test_the_things_list_is_exactly_what_its_schema_writes(client: TestClient, db: Session) -> None:
    """The list skips FastAPI's response handling (app.progress.api); it must say exactly what
    its declared schema says of the same views, in every state a Thing can be in."""
    load_standard(db)
    headers = token_for(db, ANNA)
    client.put(completion("intro"), headers=headers)
    client.put(completion("screencast"), headers=headers,
               json={"evidence_url": "https://example.org/mine/ünïcode"})
    client.put(completion("plan"), headers=headers)  # waits for the trainer
    for _ in range(2):  # the second time with the programme and cohort from the process's copy
        listed = client.get(THINGS, headers=headers)
        assert listed.status_code == 200
        views = progress_service.my_things(db, member=member(db, ANNA)).things
        expected = THING_LIST.dump_json(THING_LIST.validate_python(views, from_attributes=True))
        assert listed.json() == json.loads(expected)
    statuses = {thing["key"]: (thing["status"], thing["approval"]) for thing in listed.json()}
    assert statuses["plan"] == ("done", "pending")
    assert statuses["later"] == ("locked", None)
