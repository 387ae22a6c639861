"""The final vote: the trainer moves it through its states (recorded), participants vote while
it is open within the programme's rules, turnout is visible, results only when counted
(trainers) or published (everyone), never who voted for whom; one ballot per participant,
however many click at once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.cohorts import service as cohorts_service
from app.db import id_of, make_engine, unit_of_work, upgrade
from app.errors import Conflict
from app.groups import service as groups_service
from app.pitches import voting
from app.pitches.models import Ballot, BallotChoice, VotingChange, VotingState
from app.sync import service as sync_service
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
    validate,
    with_groups,
)
from tests.fixtures.database import throwaway_database
from tests.fixtures.people import sign_in, token_for

API = "/api/v1/cohorts/testcohort"
CAROL = "carol@example.org"


def teams(db: Session) -> None:
    people = [ANNA, BRAM, CAROL]
    load(db, FORUM_PROGRAM, with_groups(cohort_yaml(participants=people), "team-1", "team-2"),
         cohort_yaml(key="other", participants=[STRANGER]))
    groups_service.join(db, member=member(db, ANNA), key="team-1")
    groups_service.join(db, member=member(db, BRAM), key="team-2")
    db.commit()
    db.expire_all()


def test_a_whole_vote_through_the_api(client: TestClient, db: Session) -> None:
    teams(db)
    trainer, anna, bram, carol, manager = (token_for(db, e) for e in (TRAINER, ANNA, BRAM, CAROL,
                                                                        MANAGER))
    db.commit()
    early = client.put(f"{API}/ballot", headers=anna, json={"groups": ["team-2"]})
    assert early.status_code == 409 and "not open" in early.json()["detail"]
    assert client.put(f"{API}/voting", headers=anna, json={"state": "open"}).status_code == 403
    opened = client.put(f"{API}/voting", headers=trainer, json={"state": "open"})
    assert opened.json()["state"] == "open" and opened.json()["eligible"] == 3
    own = client.put(f"{API}/ballot", headers=anna, json={"groups": ["team-1"]})
    assert own.status_code == 409 and "your own group" in own.json()["detail"]
    many = client.put(f"{API}/ballot", headers=carol, json={"groups": ["team-1", "team-2"]})
    assert many.status_code == 409 and "at most 1" in many.json()["detail"]
    assert client.put(f"{API}/ballot", headers=anna, json={"groups": ["team-2"]}).json() == {
        "groups": ["team-2"]}
    client.put(f"{API}/ballot", headers=carol, json={"groups": ["team-1"]})
    client.put(f"{API}/ballot", headers=carol, json={"groups": ["team-2"]})  # changed her mind
    client.put(f"{API}/ballot", headers=bram, json={"groups": ["team-1"]})
    seen = client.get(f"{API}/voting", headers=anna).json()
    assert (seen["voted"], seen["results"], seen["my_ballot"]) == (3, None, ["team-2"])
    assert client.get(f"{API}/voting", headers=trainer).json()["results"] is None  # not counted
    back = client.put(f"{API}/voting", headers=trainer, json={"state": "counted"})
    assert [(r["group"], r["votes"]) for r in back.json()["results"]] == [("team-2", 2), ("team-1", 1)]
    for headers in (anna, manager):
        assert client.get(f"{API}/voting", headers=headers).json()["results"] is None
    late = client.put(f"{API}/ballot", headers=bram, json={"groups": ["team-2"]})
    assert late.status_code == 409
    undo = client.put(f"{API}/voting", headers=trainer, json={"state": "open"})
    assert undo.status_code == 409 and "cannot become open" in undo.json()["detail"]
    client.put(f"{API}/voting", headers=trainer, json={"state": "published"})
    published = client.get(f"{API}/voting", headers=manager).json()
    assert [(r["group"], r["votes"]) for r in published["results"]] == [("team-2", 2), ("team-1", 1)]
    assert "my_ballot" in published and published["my_ballot"] is None
    record = db.exec(select(VotingChange.from_state, VotingChange.to_state)  # type: ignore[call-overload]
                     .order_by(VotingChange.id)).all()
    assert [tuple(r) for r in record] == [("closed", "open"), ("open", "counted"),
                                          ("counted", "published")]
    assert client.get("/api/v1/cohorts/testcohort/voting",
                      headers=token_for(db, STRANGER)).status_code == 404


def test_the_countdown_closes_the_vote_by_itself(db: Session) -> None:
    teams(db)
    now = datetime.now(UTC)
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open,
                     closes_at=now + timedelta(minutes=5), now=now)
    voting.cast_ballot(db, member=member(db, ANNA), group_keys=["team-2"], now=now)
    later = now + timedelta(minutes=6)
    assert voting.voting_view(db, member=member(db, ANNA), now=later).state == VotingState.closed
    with pytest.raises(Conflict, match="not open"):
        voting.cast_ballot(db, member=member(db, BRAM), group_keys=["team-1"], now=later)
    # the trainer's next change writes the countdown's closing down first, at its time
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open, now=later)
    changes = db.exec(select(VotingChange).order_by(VotingChange.id)).scalars().all()  # type: ignore[call-overload]
    assert [(c.to_state, c.by_user_id) for c in changes][-2:] == [
        ("closed", None), ("open", id_of(member(db, TRAINER).user))]
    assert changes[-2].at == now + timedelta(minutes=5)


def test_the_ballot_page_on_a_phone_sized_form(client: TestClient, db: Session) -> None:
    teams(db)
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    db.commit()
    csrf = sign_in(client, ANNA)
    page = client.get("/c/testcohort/vote").text
    assert 'value="team-2"' in page and 'value="team-1"' not in page  # not her own group
    assert "0 of 3 participants have voted" in page
    cast = client.post("/c/testcohort/vote", data={"csrf_token": csrf, "groups": "team-2"})
    assert cast.status_code == 303
    page = client.get("/c/testcohort/vote").text
    assert "Your ballot is recorded." in page and "1 of 3 participants have voted" in page
    assert "Results" not in page


def test_a_ballot_of_two_choices_counts_both_and_a_change_replaces_them(
        client: TestClient, db: Session) -> None:
    two_votes = FORUM_PROGRAM.replace("votes_per_participant: 1", "votes_per_participant: 2")
    load(db, two_votes, with_groups(cohort_yaml(participants=[ANNA, BRAM, CAROL]),
                                    "team-1", "team-2", "team-3"))
    groups_service.join(db, member=member(db, ANNA), key="team-1")
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    trainer, anna = token_for(db, TRAINER), token_for(db, ANNA)
    db.commit()
    both = client.put(f"{API}/ballot", headers=anna, json={"groups": ["team-2", "team-3"]})
    assert both.json() == {"groups": ["team-2", "team-3"]}
    choices = select(func.count()).select_from(BallotChoice)
    assert db.exec(choices).one() == (2,)  # type: ignore[call-overload]
    assert client.put(f"{API}/ballot", headers=anna, json={"groups": ["team-3"]}).status_code == 200
    client.put(f"{API}/voting", headers=trainer, json={"state": "counted"})
    counted = client.get(f"{API}/voting", headers=trainer).json()
    assert counted["voted"] == 1
    assert {r["group"]: r["votes"] for r in counted["results"]} == {
        "team-1": 0, "team-2": 0, "team-3": 1}
    assert db.exec(choices).one() == (1,)  # type: ignore[call-overload]


def test_a_refused_ballot_form_keeps_the_ballot_cast_before(client: TestClient, db: Session) -> None:
    teams(db)
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    trainer, carol = token_for(db, TRAINER), token_for(db, CAROL)
    db.commit()
    csrf = sign_in(client, CAROL)
    form = "/c/testcohort/vote"
    assert client.post(form, data={"csrf_token": csrf, "groups": "team-1"}).status_code == 303
    too_many = client.post(form, data={"csrf_token": csrf, "groups": ["team-1", "team-2"]})
    assert too_many.status_code == 409 and "at most 1" in too_many.text
    assert client.get(f"{API}/voting", headers=carol).json()["my_ballot"] == ["team-1"]
    client.put(f"{API}/voting", headers=trainer, json={"state": "counted"})
    late = client.post(form, data={"csrf_token": csrf, "groups": "team-2"})
    assert late.status_code == 409 and "not open" in late.text
    # the count stands: her ballot was neither emptied nor changed by the refused forms
    counted = client.get(f"{API}/voting", headers=trainer).json()
    assert (counted["voted"], [(r["group"], r["votes"]) for r in counted["results"]]) == (
        1, [("team-1", 1), ("team-2", 0)])


@pytest.fixture
def shared_engine(tmp_path: Path) -> Iterator[Engine]:
    with throwaway_database("ting_votes", tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_400_voters_each_voting_twice_at_once_leave_400_ballots(shared_engine: Engine) -> None:
    voters = [f"v{i:03d}@example.org" for i in range(400)]
    with unit_of_work(shared_engine) as session:
        bundle = validate(FORUM_PROGRAM.replace("max_size: 3", "max_size: 400"),
                          with_groups(cohort_yaml(participants=voters), "team-1", "team-2"),
                          lookup=lambda key: sync_service.program_facts(session, key))
        assert bundle.ok
        sync_service.apply_bundle(session, bundle=bundle)
    with unit_of_work(shared_engine) as session:
        trainer = cohorts_service.get_member(
            session, user=cohorts_service.rostered_person(session, email=TRAINER),  # type: ignore[arg-type]
            cohort_key="testcohort")
        voting.set_state(session, member=trainer, state=VotingState.open)
    failures: list[str] = []

    def vote(email: str, choice: str) -> None:
        try:
            with unit_of_work(shared_engine) as session:
                person = cohorts_service.rostered_person(session, email=email)
                assert person is not None
                who = cohorts_service.get_member(session, user=person, cohort_key="testcohort")
                voting.cast_ballot(session, member=who, group_keys=[choice])
        except Exception as exc:
            failures.append(f"{email}: {type(exc).__name__}: {exc}")

    # each voter's two submissions side by side, so they often run at the same moment
    with ThreadPoolExecutor(max_workers=50) as pool:
        for email in voters:
            pool.submit(vote, email, "team-1")
            pool.submit(vote, email, "team-2")
    assert failures == []
    with unit_of_work(shared_engine, commit=False) as session:
        ballots = session.execute(select(func.count()).select_from(Ballot)).scalar_one()
        choices = session.execute(select(BallotChoice.group_id, func.count())
                                  .group_by(BallotChoice.group_id)).all()
    assert ballots == 400
    assert sum(count for _group, count in choices) == 400  # one choice each: the later one


def tied_vote(db: Session, program: str = FORUM_PROGRAM) -> None:
    """Anna (team-1) and Bram (team-2) vote for each other: one vote each."""
    people = [ANNA, BRAM, CAROL]
    load(db, program, with_groups(cohort_yaml(participants=people), "team-1", "team-2"))
    groups_service.join(db, member=member(db, ANNA), key="team-1")
    groups_service.join(db, member=member(db, BRAM), key="team-2")
    db.expire_all()
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.open)
    voting.cast_ballot(db, member=member(db, ANNA), group_keys=["team-2"])
    voting.cast_ballot(db, member=member(db, BRAM), group_keys=["team-1"])
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.counted)
    db.commit()


def test_a_tie_waits_for_the_trainer_who_chooses_with_a_reason(
    client: TestClient, db: Session,
) -> None:
    tied_vote(db)
    trainer = token_for(db, TRAINER)
    db.commit()
    counted = client.get(f"{API}/voting", headers=trainer).json()
    assert (counted["winners"], counted["tied"]) == ([], ["team-1", "team-2"])
    early = client.put(f"{API}/voting", headers=trainer, json={"state": "published"})
    assert early.status_code == 409 and "tied" in early.json()["detail"]
    wrong = client.put(f"{API}/voting/winner", headers=trainer,
                       json={"group": "team-3", "reason": "x"})
    assert wrong.status_code == 422 and "team-1, team-2" in wrong.json()["detail"]
    chosen = client.put(f"{API}/voting/winner", headers=trainer,
                        json={"group": "team-2", "reason": "Its plan is ready for a pilot."})
    assert chosen.json()["winners"] == ["team-2"]
    client.put(f"{API}/voting", headers=trainer, json={"state": "published"})
    sign_in(client, CAROL)
    page = client.get("/c/testcohort/vote").text
    assert "Its plan is ready for a pilot." in page and "winner</strong>" in page
    assert '<svg class="chart chart-bars"' in page
    note = db.exec(select(VotingChange.note).where(VotingChange.note != "")).scalars().one()  # type: ignore[call-overload]
    assert note == "team-2: Its plan is ready for a pilot."


def test_a_shared_tie_declares_joint_winners(db: Session) -> None:
    tied_vote(db, FORUM_PROGRAM.replace("pitch: {votes_per_participant: 1}",
                                        "pitch: {votes_per_participant: 1, tie_break: shared}"))
    view = voting.voting_view(db, member=member(db, TRAINER))
    assert view.winners == ["team-1", "team-2"] and view.tied == []
    voting.set_state(db, member=member(db, TRAINER), state=VotingState.published)
    assert voting.voting_view(db, member=member(db, CAROL)).winners == ["team-1", "team-2"]
