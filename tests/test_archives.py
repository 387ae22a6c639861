"""A cohort's whole record and one person's as JSON archives (for moving a cohort, and for a
data request), and forgetting a person: nothing of them is left, and every figure stays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, func, select, text
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from app import archives
from app.auth import service as auth_service
from app.cohorts.models import CohortGroup
from app.db import make_engine, upgrade
from app.errors import NotFound
from app.forum import service as forum_service
from app.pitches.models import Ballot, BallotChoice
from app.posts import comments
from app.posts import service as posts_service
from app.progress import service as progress_service
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    ENOUGH_WORDS,
    FORUM_PROGRAM,
    STRANGER,
    load,
    load_two_cohorts,
    member,
    user,
)
from tests.fixtures.database import throwaway_database
from tests.fixtures.documents import keys_in


def lively(db: Session) -> None:
    """Two cohorts; in ours Anna and Bram have done things, written, commented, voted."""
    load_two_cohorts(db)
    anna, bram = member(db, ANNA), member(db, BRAM)
    progress_service.complete_thing(db, member=anna, key="intro")
    progress_service.submit(db, member=anna, key="reflect", reflection=ENOUGH_WORDS,
                            evidence_url="https://anna.example.org/my-reflection")
    post = posts_service.create_post(db, member=anna, title="Anna's thoughts on feeds",
                                     body="Feeds are Anna's favourite thing.")
    comments.add_comment(db, user=user(db, BRAM), post_id=post.id or 0, body="Bram agrees")
    comments.add_comment(db, user=user(db, ANNA), post_id=post.id or 0, body="Anna thanks Bram")
    progress_service.complete_thing(db, member=bram, key="intro")
    forum_service.create_topic(db, member=anna, category="General", title="Anna asks a question",
                               body="Where is the button, Anna wonders.")
    progress_service.complete_thing(db, member=member(db, STRANGER, "other"), key="intro")
    team = db.exec(select(CohortGroup).where(CohortGroup.key == "team-1")).scalars().one()
    for who in (anna, bram):
        ballot = Ballot(cohort_id=who.cohort.id or 0, membership_id=who.membership.id or 0)
        db.add(ballot)
        db.flush()
        db.add(BallotChoice(ballot_id=ballot.id or 0, group_id=team.id or 0))
    auth_service.create_token(db, email=ANNA, name="laptop")
    db.commit()


def test_a_cohorts_archive_holds_its_whole_record_and_no_secret(db: Session) -> None:
    lively(db)
    archive = archives.export_cohort(db, cohort_key="testcohort")
    tables = archive["tables"]
    assert archive["format"] == "ting-archive" and archive["scope"] == {"cohort": "testcohort"}
    assert archive["schema"] and len(tables["cohorts"]) == 1
    assert {r["role"] for r in tables["memberships"]} == {"participant", "trainer", "manager"}
    assert len(tables["completions"]) == 3  # Anna's two and Bram's one; not the other cohort's
    assert [p["title"] for p in tables["posts"]] == ["Reflection: Write a reflection",
                                                     "Anna's thoughts on feeds"]
    assert {c["body"] for c in tables["comments"]} == {"Bram agrees", "Anna thanks Bram"}
    assert [t["title"] for t in tables["forum_topics"]] == ["Anna asks a question"]
    assert archive["votes"] == {"team-1": 2}  # how many, never who
    assert "ballots" not in tables and "ballot_choices" not in tables
    assert not {"password_hash", "token_hash"} & keys_in(archive)
    people = {u["email"] for u in archive["references"]["users"]}
    assert {ANNA, BRAM} <= people and STRANGER not in people
    assert {t["key"] for t in archive["references"]["things"]} >= {"intro", "reflect"}
    assert json.loads(json.dumps(archive)) == archive  # plain JSON throughout


def test_a_persons_archive_holds_what_names_them_and_nobody_elses(db: Session) -> None:
    lively(db)
    archive = archives.export_person(db, email="Anna@Example.org")
    tables = archive["tables"]
    assert archive["account"]["email"] == ANNA and archive["account"]["has_password"] is False
    assert {r["id"] for r in tables["memberships"]} == {member(db, ANNA).membership.id}
    assert len(tables["completions"]) == 2
    assert {c["body"] for c in tables["comments"]} == {"Anna thanks Bram"}  # not Bram's words
    assert "Bram" not in json.dumps(tables["posts"])
    assert "ballots" not in tables
    with pytest.raises(NotFound):
        archives.export_person(db, email="nobody@example.org")
    with pytest.raises(NotFound):
        archives.export_cohort(db, cohort_key="nonesuch")


def counts(db: Session) -> dict[str, int]:
    return {name: db.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
            if name not in {"api_tokens", "browser_sessions", "account_links"}}


def everything(db: Session) -> str:
    """Every value of every row of every table, as one text."""
    rows = []
    for name in SQLModel.metadata.tables:
        rows += [repr(tuple(r)) for r in db.execute(text(f'SELECT * FROM "{name}"'))]
    return "\n".join(rows)


def test_forgetting_a_person_leaves_nothing_of_them_and_every_figure_as_it_was(
    db: Session,
) -> None:
    lively(db)
    before = counts(db)
    assert "anna" in everything(db).lower()
    done = archives.forget(db, email=ANNA)
    db.commit()
    assert done["api_tokens"] == 1 and done["posts"] >= 2 and done["comments"] == 1
    after = counts(db)
    assert after == before  # completions, posts, comments, topics, ballots: all still counted
    text_now = everything(db).lower()
    for trace in ("anna@example.org", "anna's thoughts", "anna thanks", "anna asks",
                  "anna wonders", "anna.example.org"):
        assert trace not in text_now, trace
    assert "bram agrees" in text_now  # others' words stay
    assert auth_service.get_user_by_email(db, email=ANNA) is None
    with pytest.raises(NotFound):
        archives.forget(db, email=ANNA)


# Text columns that hold no one's own words, and why forgetting a person leaves them.
NO_ONES_WORDS = {
    **dict.fromkeys(("programs", "themes", "things", "badges"), "the programme, as published"),
    "cohorts": "the cohort's settings, from its YAML",
    "cohort_groups": "a group's name and idea: the group's shared work",
    **dict.fromkeys(("pitch_versions", "pilots", "pilot_updates"),
                    "a group's pitch and pilot: shared work the group keeps"),
    **dict.fromkeys(("votings", "voting_changes"), "the trainers' running of the vote"),
    "issuer_keys": "the badge issuer's keys",
    "forum_subscriptions": "a forum category's name",
    "forum_moderation": "what a moderator did (moved, hidden), not anyone's words",
    "forum_topics.category": "a forum category's name",
    "memberships.organization": "the figures per organisation count on it",
    "awards.public_id": "the credential's id, which names no one",
    "awards.salt": "what keeps the credential's hashed address from being guessed",
    "users.language": "a language code",
    # the account itself: forget() replaces the address and name, and drops the password
    **dict.fromkeys(("users.email", "users.name", "users.password_hash"), "the account"),
}


def test_every_text_column_is_forgotten_with_its_person_or_known_to_be_no_ones_words() -> None:
    """A new column of people's words fails here until forget() clears it (or this list says
    why it need not), rather than outliving a person's request to be forgotten."""
    handled = {f"{table}.{column}" for table, (_whose, values) in archives.PERSONAL_TEXT.items()
               for column in values}
    deleted = set(archives.DELETED_WITH_THE_ACCOUNT) | set(archives.DELETED_BY_ADDRESS)
    undecided = [
        f"{table.name}.{column.name}" for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text | AutoString) and not column.foreign_keys
        and table.name not in deleted and table.name not in NO_ONES_WORDS
        and f"{table.name}.{column.name}" not in handled | NO_ONES_WORDS.keys()]
    assert undecided == []
    tables = SQLModel.metadata.tables
    for table, (whose, values) in archives.PERSONAL_TEXT.items():
        assert tables[table].c[whose].references(tables["memberships"].c.id), table
        assert set(values) <= set(tables[table].c.keys()), table


def content(archive: dict[str, Any]) -> dict[str, list[str]]:
    """Each table's rows without their ids (which a new server gives anew), in a stable order."""
    return {name: sorted(json.dumps({k: v for k, v in row.items()
                                     if k != "id" and not k.endswith("_id")}, sort_keys=True)
                         for row in rows)
            for name, rows in archive["tables"].items()}


def test_an_archive_imported_on_another_server_gives_the_same_record(
    db: Session, tmp_path: Path
) -> None:
    lively(db)
    archive = archives.export_cohort(db, cohort_key="testcohort")
    with throwaway_database("ting_archive", tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as other:
            with pytest.raises(archives.ArchiveProblem, match="no programme 'testprog' here"):
                archives.import_archive(other, archive=archive)
            other.rollback()
            load(other, FORUM_PROGRAM)  # the programme first, from its YAML
            added = archives.import_archive(other, archive=archive)
            other.commit()
            assert added == {name: len(rows) for name, rows in archive["tables"].items()}
            again = archives.export_cohort(other, cohort_key="testcohort")
            titles = dict(other.execute(text(
                "SELECT c.body, p.title FROM comments c JOIN posts p ON p.id = c.post_id")).all())
            with pytest.raises(archives.ArchiveProblem, match="a cohort 'testcohort' here"):
                archives.import_archive(other, archive=archive)
        engine.dispose()
    assert content(again) == content(archive)  # every table: the same rows, the same values
    assert {n: len(r) for n, r in again["tables"].items()} == {
        n: len(r) for n, r in archive["tables"].items()}
    assert titles == {"Bram agrees": "Anna's thoughts on feeds",
                      "Anna thanks Bram": "Anna's thoughts on feeds"}  # links kept
    assert [(u["email"], u["name"]) for u in again["references"]["users"]] == [
        (u["email"], u["name"]) for u in archive["references"]["users"]]  # the same people


def test_an_archive_of_one_person_or_of_another_kind_is_refused(db: Session) -> None:
    lively(db)
    person = archives.export_person(db, email=ANNA)
    with pytest.raises(archives.ArchiveProblem, match="one person's"):
        archives.import_archive(db, archive=person)
    with pytest.raises(archives.ArchiveProblem, match="not a Ting archive"):
        archives.import_archive(db, archive={"format": "something else"})
