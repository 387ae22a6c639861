"""Ballots are secret, and counts are hidden until the trainer counts (trainers) or publishes
(everyone), through every route, the side ways too: casting votes changes nothing any page, API
answer or export shows, apart from the turnout; counting changes only what trainers see."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.pitches import voting
from app.pitches.models import VotingState
from tests.fixtures.builders import ANNA, BRAM, MANAGER, TRAINER, member
from tests.fixtures.people import token_for
from tests.pitches.test_voting import CAROL, teams

SIDE_WAYS = ["/api/v1/cohorts/testcohort/groups", "/api/v1/cohorts/testcohort/groups/team-1",
             "/api/v1/cohorts/testcohort/groups/team-2/pitch", "/api/v1/cohorts/testcohort/dashboard",
             "/api/v1/cohorts/testcohort/dashboard.csv", "/api/v1/cohorts/testcohort/matrix",
             "/api/v1/cohorts/testcohort/posts", "/api/v1/cohorts/testcohort/things"]
VOTING = "/api/v1/cohorts/testcohort/voting"


def seen(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    # each answer as it reads, but for the request's own id, which every error carries
    return {url: re.sub(r'"request_id":"\w+"', "", client.get(url, headers=headers).text)
            for url in SIDE_WAYS}


def test_votes_show_nowhere_before_they_are_counted_and_published(
    client: TestClient, db: Session,
) -> None:
    teams(db)
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    people = {email: token_for(db, email) for email in (ANNA, BRAM, CAROL, TRAINER, MANAGER)}
    db.commit()
    before = {email: seen(client, headers) for email, headers in people.items()}
    client.put("/api/v1/cohorts/testcohort/ballot", headers=people[ANNA], json={"groups": ["team-2"]})
    client.put("/api/v1/cohorts/testcohort/ballot", headers=people[CAROL], json={"groups": ["team-2"]})
    for email, headers in people.items():
        assert seen(client, headers) == before[email], email  # no side way shows a vote
        answer = client.get(VOTING, headers=headers).json()
        assert (answer["voted"], answer["results"], answer["winners"]) == (2, None, None), email
        assert answer["my_ballot"] == (["team-2"] if email in (ANNA, CAROL) else
                                       [] if email == BRAM else None), email
    client.put(VOTING, headers=people[TRAINER], json={"state": "counted"})
    for email, headers in people.items():
        answer = client.get(VOTING, headers=headers).json()
        assert (answer["results"] is not None) == (email == TRAINER), email
        assert seen(client, headers) == before[email], email
    # nothing anywhere says who chose whom: the trainer's answer has counts, no names
    counted = client.get(VOTING, headers=people[TRAINER]).text
    assert "Anna" not in counted and "Carol" not in counted and ANNA not in counted
