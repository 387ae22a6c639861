"""Groups: from the cohort file or chosen by the participants while groups are open, never more
than `max_size`, even when many click at once; trainers move people and name a resource person;
a group's space is its members', its resource person's and the trainers' only."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.cohorts import service as cohorts_service
from app.cohorts.models import CohortGroup, Membership
from app.db import make_engine, session_factory, unit_of_work, upgrade
from app.errors import Conflict
from app.groups import service as groups_service
from app.sync import service as sync_service
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    FORUM_PROGRAM,
    MANAGER,
    TRAINER,
    cohort_yaml,
    load,
    member,
    validate,
    with_groups,
)
from tests.fixtures.database import throwaway_database
from tests.fixtures.people import sign_in, token_for

GROUPS = "/c/testcohort/groups"
CAROL = "carol@example.org"
PEOPLE = [ANNA, BRAM, CAROL, "dirk@example.org"]


def cohort(*, resource: str | None = TRAINER) -> str:
    return with_groups(cohort_yaml(participants=PEOPLE), "team-1", "team-2", resource=resource)


def group_of(db: Session, email: str) -> str | None:
    db.expire_all()
    group_id = member(db, email).membership.group_id
    group = db.get(CohortGroup, group_id) if group_id else None
    return group.key if group else None


def test_participants_join_leave_and_a_full_group_refuses(client: TestClient, db: Session) -> None:
    load(db, FORUM_PROGRAM, cohort())
    for email in (BRAM, CAROL):
        groups_service.join(db, member=member(db, email), key="team-1")
    db.commit()
    csrf = sign_in(client, ANNA)
    page = client.get(GROUPS).text
    assert "You are not in a group yet" in page and "2 of 3 places taken" in page
    assert "resource person: trainer" in page
    assert client.post(f"{GROUPS}/team-1/join", data={"csrf_token": csrf}).status_code == 303
    assert group_of(db, ANNA) == "team-1"
    full = groups_service.join
    with pytest.raises(Conflict, match="Team 1 is full: all 3 places are taken"):
        full(db, member=member(db, "dirk@example.org"), key="team-1")
    assert client.post(f"{GROUPS}/team-2/join", data={"csrf_token": csrf}).status_code == 303
    assert group_of(db, ANNA) == "team-2"  # moved: one group at a time
    assert client.post(f"{GROUPS}/team-2/leave", data={"csrf_token": csrf}).status_code == 303
    assert group_of(db, ANNA) is None
    again = client.post(f"{GROUPS}/team-2/leave", data={"csrf_token": csrf})
    assert again.status_code == 409 and "You are not in Team 2." in again.text


def test_groups_close_when_the_pitches_are_due_and_trainers_still_move_people(
    client: TestClient, db: Session,
) -> None:
    due = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    load(db, FORUM_PROGRAM, cohort() + f"pitch_due: {due}\n")
    anna = member(db, ANNA)
    with pytest.raises(Conflict, match="Groups closed when the pitches were due"):
        groups_service.join(db, member=anna, key="team-1")
    headers = token_for(db, TRAINER)
    db.commit()
    moved = client.put(f"/api/v1/cohorts/testcohort/people/{anna.membership.id}/group",
                       headers=headers, json={"group": "team-2"})
    assert moved.status_code == 204 and group_of(db, ANNA) == "team-2"
    bram_headers = token_for(db, BRAM)
    db.commit()
    refused = client.put(f"/api/v1/cohorts/testcohort/people/{anna.membership.id}/group",
                         headers=bram_headers, json={"group": None})
    assert refused.status_code == 403 and group_of(db, ANNA) == "team-2"
    listed = client.get("/api/v1/cohorts/testcohort/groups", headers=bram_headers).json()
    assert listed["is_open"] is False and listed["self_select"] is True
    assert [m["name"] for m in listed["groups"][1]["members"]] == ["Anna"]


def test_the_file_assigns_groups_and_names_the_resource_person(db: Session) -> None:
    text = cohort(resource="nobody@example.org")
    problems = [str(p) for p in validate(FORUM_PROGRAM, text).problems]
    assert len(problems) == 1
    assert "group 'team-1': resource nobody@example.org is not listed" in problems[0]
    assert problems[0].startswith("file1.yaml:")

    listed = cohort(resource=CAROL).replace("name: Anna, organization: Lib}",
                                            "name: Anna, organization: Lib, group: team-2}")
    load(db, FORUM_PROGRAM, listed)
    groups_service.join(db, member=member(db, BRAM), key="team-1")
    db.commit()
    overview = groups_service.overview(db, member=member(db, TRAINER))
    assert [(g.group.key, g.resource_name, [m.name for m in g.members])
            for g in overview.groups] == [("team-1", "Carol", ["Bram"]), ("team-2", None, ["Anna"])]
    load(db, FORUM_PROGRAM, listed)  # again: Bram keeps the group he chose, Anna the file's
    assert (group_of(db, ANNA), group_of(db, BRAM)) == ("team-2", "team-1")


def test_a_group_space_is_for_its_members_its_resource_person_and_trainers(
    client: TestClient, db: Session,
) -> None:
    load(db, FORUM_PROGRAM, cohort(resource=CAROL))
    groups_service.join(db, member=member(db, ANNA), key="team-1")
    groups_service.join(db, member=member(db, BRAM), key="team-2")
    db.commit()
    csrf = sign_in(client, ANNA)
    new = client.post(f"{GROUPS}/team-1/topics/new", data={
        "csrf_token": csrf, "title": "Our idea: a chat button", "body": "Let us ask **IT**."})
    assert new.status_code == 303
    topic_url = new.headers["location"]
    topic_id = int(topic_url.rsplit("/", 1)[1])
    assert "Our idea: a chat button" in client.get(f"{GROUPS}/team-1").text
    assert "Our idea" not in client.get("/c/testcohort/forum").text  # not in the cohort forum

    for email, expected in ((BRAM, 404), (MANAGER, 404), (CAROL, 200), (TRAINER, 200)):
        other = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
        sign_in(other, email)
        assert other.get(topic_url).status_code == expected, email
        assert other.get(f"{GROUPS}/team-1/topics/new").status_code == expected, email
        headers = token_for(db, email)
        db.commit()
        api = "/api/v1/cohorts/testcohort/groups/team-1/topics"
        assert other.get(api, headers=headers).status_code == expected, email
        assert other.get(f"/api/v1/cohorts/testcohort/forum/topics/{topic_id}",
                         headers=headers).status_code == expected, email
        reply = other.post(f"/api/v1/forum/topics/{topic_id}/replies", headers=headers,
                           json={"body": f"from {email}"})
        assert reply.status_code == (201 if expected == 200 else 404), email
        page = other.get(f"{GROUPS}/team-1").text  # the group page: members for all, space not
        assert "Anna" in page and ("Our idea" in page) == (expected == 200), email


def test_a_working_title_is_kept_and_a_too_long_one_comes_back(client: TestClient, db: Session) -> None:
    load(db, FORUM_PROGRAM, cohort())
    groups_service.join(db, member=member(db, ANNA), key="team-1")
    db.commit()
    csrf = sign_in(client, ANNA)
    too_long = "x" * 201
    refused = client.post(f"{GROUPS}/team-1/idea", data={"csrf_token": csrf, "idea": too_long})
    assert refused.status_code == 422 and f'value="{too_long}"' in refused.text
    assert "at most 200 characters" in refused.text
    client.post(f"{GROUPS}/team-1/idea", data={"csrf_token": csrf, "idea": "WhatsApp button"})
    assert "Idea: WhatsApp button" in client.get(GROUPS).text
    assert client.post(f"{GROUPS}/team-2/idea", data={"csrf_token": csrf,
                                                      "idea": "not ours"}).status_code == 404


@pytest.fixture
def shared_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database many requests share, each on its own connection (no test transaction)."""
    with throwaway_database("ting_groups", tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_people_clicking_join_at_the_same_moment_never_overfill_a_group(
    shared_engine: Engine,
) -> None:
    people = [f"p{i}@example.org" for i in range(12)]
    with unit_of_work(shared_engine) as session:
        bundle = validate(FORUM_PROGRAM, with_groups(cohort_yaml(participants=people), "team-1"),
                          lookup=lambda key: sync_service.program_facts(session, key))
        assert bundle.ok
        sync_service.apply_bundle(session, bundle=bundle)
    sessions = session_factory(shared_engine)
    start = threading.Barrier(len(people))
    outcomes: list[str] = []

    def click(email: str) -> None:
        start.wait()
        try:
            with unit_of_work(shared_engine) as session:
                user = cohorts_service.rostered_person(session, email=email)
                assert user is not None
                joiner = cohorts_service.get_member(session, user=user, cohort_key="testcohort")
                groups_service.join(session, member=joiner, key="team-1")
            outcomes.append("joined")
        except Conflict:
            outcomes.append("full")

    threads = [threading.Thread(target=click, args=(email,)) for email in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with sessions() as session:
        members = session.execute(select(func.count()).select_from(Membership)
                                  .where(Membership.group_id.is_not(None))).scalar_one()  # type: ignore[union-attr]
    assert members == 3
    assert sorted(outcomes) == ["full"] * 9 + ["joined"] * 3
