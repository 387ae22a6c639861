"""A group writes its pitch until it is due: every saved version kept, the group sees who
changed what, the cohort reads the newest; others cannot write it, strangers find nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.errors import Conflict
from app.groups import service as groups_service
from app.pitches import service as pitches_service
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    FORUM_PROGRAM,
    MANAGER,
    STRANGER,
    TRAINER,
    cohort_yaml,
    load,
    member,
    with_groups,
)
from tests.fixtures.people import sign_in, token_for

PITCH = "/c/testcohort/groups/team-1/pitch"
API = "/api/v1/cohorts/testcohort/groups/team-1/pitch"
PLAN = "- Anna asks IT\n- Bram writes the replies"


def teams(db: Session, extra: str = "") -> None:
    load(db, FORUM_PROGRAM, with_groups(cohort_yaml(), "team-1", "team-2") + extra,
         cohort_yaml(key="other", participants=[STRANGER]))
    for email in (ANNA, BRAM):
        groups_service.join(db, member=member(db, email), key="team-1")
    db.commit()
    db.expire_all()


def test_every_version_is_kept_and_the_group_sees_who_changed_what(
    client: TestClient, db: Session,
) -> None:
    teams(db)
    csrf = sign_in(client, ANNA)
    assert "No pitch yet." in client.get(PITCH).text
    missing = client.post(PITCH, data={"csrf_token": csrf, "title": "WhatsApp", "summary": "",
                                       "plan": PLAN})
    assert missing.status_code == 422 and "what the idea is" in missing.text
    assert "Anna asks IT" in missing.text  # the typed plan is kept
    saved = client.post(PITCH, data={"csrf_token": csrf, "title": "WhatsApp at the desk",
                                     "summary": "Patrons message us.", "plan": PLAN})
    assert saved.status_code == 303
    headers = token_for(db, BRAM)
    db.commit()
    changed = client.put(API, headers=headers, json={
        "title": "WhatsApp at the desk", "summary": "Patrons message us.", "plan": PLAN,
        "slides_url": "example.org/slides"})
    assert changed.status_code == 200
    body = changed.json()
    assert body["version"] == 2 and body["slides_url"] == "https://example.org/slides"
    assert [(v["number"], v["author"], v["changed"]) for v in body["history"]] == [
        (2, "Bram", ["slides_url"]), (1, "Anna", ["title", "summary", "plan", "slides_url"])]
    again = client.put(API, headers=headers, json={
        "title": "WhatsApp at the desk", "summary": "Patrons message us.", "plan": PLAN,
        "slides_url": "https://example.org/slides"})
    assert again.json()["version"] == 2  # nothing changed: no new version
    page = client.get(PITCH).text
    assert "Bram changed slides" in page and "<li>Anna asks IT</li>" in page
    first = client.get(f"{PITCH}/versions/1")
    assert first.status_code == 200 and "saved by Anna" in first.text


def test_others_read_the_pitch_but_only_the_group_writes_it(client: TestClient, db: Session) -> None:
    teams(db)
    pitches_service.save_pitch(db, member=member(db, ANNA), key="team-1", title="Chat",
                               summary="S", plan=PLAN)
    db.commit()
    for email, read, history, write in ((TRAINER, 200, True, 403), (MANAGER, 200, False, 404),
                                        (STRANGER, 404, False, 404)):
        headers = token_for(db, email)
        db.commit()
        got = client.get(API, headers=headers)
        assert got.status_code == read, email
        if read == 200:
            assert got.json()["title"] == "Chat"
            assert (got.json()["history"] is not None) == history, email
        put = client.put(API, headers=headers, json={"title": "Ours", "summary": "S", "plan": "P"})
        assert put.status_code == write, email
    manager = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(manager, MANAGER)
    assert manager.get(f"{PITCH}/versions/1").status_code == 404


def test_the_pitch_is_closed_once_it_is_due(db: Session) -> None:
    due = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    teams(db, f"pitch_due: {due}\n")
    anna = member(db, ANNA)
    pitches_service.save_pitch(db, member=anna, key="team-1", title="T", summary="S", plan="P")
    later = datetime.now(UTC) + timedelta(days=2)
    with pytest.raises(Conflict, match="The pitches were due"):
        pitches_service.save_pitch(db, member=anna, key="team-1", title="T2", summary="S",
                                   plan="P", now=later)
    view = pitches_service.pitch_view(db, member=anna, key="team-1", now=later)
    assert view.current is not None and view.current.title == "T" and not view.may_edit
