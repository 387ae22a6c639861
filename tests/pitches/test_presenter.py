"""The projector at the final session: the pitches one by one, then a QR code to the ballot
and the turnout; results only once counted; for the cohort's trainers only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.pitches import service as pitches_service
from app.pitches import voting
from app.pitches.models import VotingState
from tests.fixtures.builders import ANNA, TRAINER, member
from tests.fixtures.people import sign_in
from tests.pitches.test_voting import teams

PRESENT = "/c/testcohort/present"


def test_the_pitches_then_the_qr_code_and_the_turnout(client: TestClient, db: Session) -> None:
    teams(db)
    pitches_service.save_pitch(db, member=member(db, ANNA), key="team-1", title="A chat button",
                               summary="Patrons write to us.", plan="- Ask IT")
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    voting.cast_ballot(db, member=member(db, ANNA), group_keys=["team-2"])
    db.commit()
    anna = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(anna, ANNA)
    assert anna.get(PRESENT).status_code == 403
    sign_in(client, TRAINER)
    first = client.get(PRESENT).text
    assert "A chat button" in first and "Patrons write to us." in first and "1 of 3" in first
    empty = client.get(PRESENT, params={"slide": 1}).text
    assert "Team 2" in empty and "No pitch yet." in empty
    last = client.get(PRESENT, params={"slide": 2}).text
    qr = last.split('class="qr"')[1].split('</svg>')[0]
    assert '<path' in qr and '<script' not in qr and 'style=' not in qr
    assert "http://testserver/c/testcohort/vote" in last
    assert "1 of 3 have voted" in last and "Results" not in last
    fragment = client.get(f"{PRESENT}/turnout").text
    assert fragment.startswith('<p id="turnout"') and "1 of 3 have voted" in fragment
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.counted)
    db.commit()
    assert "Results" in client.get(PRESENT, params={"slide": 2}).text
