"""The winner's pilot: a manager approves a winner of the published vote with the resources
committed; the group posts dated updates, moving it on (never back); managers list every pilot
of their cohorts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.pitches import voting
from app.pitches.models import VotingState
from tests.fixtures.builders import ANNA, BRAM, MANAGER, STRANGER, TRAINER, member
from tests.fixtures.people import sign_in
from tests.pitches.test_voting import CAROL, teams

PILOT = "/c/testcohort/groups/team-2/pilot"


def published(db: Session) -> None:
    """team-2 wins: Anna and Carol vote for it, Bram for team-1."""
    teams(db)
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    for email, choice in ((ANNA, "team-2"), (CAROL, "team-2"), (BRAM, "team-1")):
        voting.cast_ballot(db, member=member(db, email), group_keys=[choice])
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.counted)
    db.commit()


def test_a_manager_approves_the_winner_and_the_group_reports(client: TestClient, db: Session) -> None:
    published(db)
    csrf = sign_in(client, MANAGER)
    early = client.post(PILOT, data={"csrf_token": csrf, "resources": "Two days a week"})
    assert early.status_code == 409 and "published vote" in early.text  # counted, not published
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.published)
    db.commit()
    empty = client.post(PILOT, data={"csrf_token": csrf, "resources": " "})
    assert empty.status_code == 422 and "what you commit" in empty.text
    loser = client.post("/c/testcohort/groups/team-1/pilot",
                        data={"csrf_token": csrf, "resources": "x"})
    assert loser.status_code == 409
    assert client.post(PILOT, data={"csrf_token": csrf, "resources": "Two days a week and a phone"}
                       ).status_code == 303
    assert "Two days a week and a phone" in client.get(PILOT).text

    bram = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    bram_csrf = sign_in(bram, BRAM)  # team-2
    moved = bram.post(f"{PILOT}/updates", data={"csrf_token": bram_csrf,
                                                "body": "The button is **live**.",
                                                "status": "running"})
    assert moved.status_code == 303
    page = bram.get(PILOT).text
    assert "<strong>live</strong>" in page and "now running" in page
    back = bram.post(f"{PILOT}/updates", data={"csrf_token": bram_csrf, "body": "Oops",
                                               "status": "approved"})
    assert back.status_code == 409 and "never back" in back.text
    anna = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    anna_csrf = sign_in(anna, ANNA)  # team-1: reads it, does not write it
    assert "The button is" in anna.get(PILOT).text
    assert anna.post(f"{PILOT}/updates", data={"csrf_token": anna_csrf,
                                               "body": "Hi"}).status_code == 403

    listed = client.get("/pilots").text
    assert 'href="/c/testcohort/groups/team-2/pilot">Team 2</a>' in listed and "running" in listed
    stranger = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(stranger, STRANGER)
    assert "No pilots yet." in stranger.get("/pilots").text
    assert stranger.get(PILOT).status_code == 404
