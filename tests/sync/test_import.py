"""Import (DESIGN.md §3 "Sync"): an idempotent upsert keyed by ids, Thing keys and e-mail
addresses, where nothing is ever lost by editing YAML."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.auth.models import User
from app.cohorts.models import Cohort, CohortGroup, Membership
from app.programs.models import Program, Theme, Thing
from app.progress import service as progress_service
from app.progress.models import Completion
from app.sync import service as sync_service
from tests.fixtures.builders import PROGRAM, cohort_yaml, load, member, user, validate
from tests.fixtures.database import sql_statements

GROUPED = PROGRAM.replace("language: en\n", "language: en\ngroups: {max_size: 5}\n")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def changes_of(db: Session, *texts: str) -> list[str]:
    return [str(c) for c in load(db, *texts)]


def count(db: Session, model: type) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


@contextmanager
def writes(db: Session) -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements sent to the database inside the block."""
    seen: list[str] = []
    with sql_statements(db.get_bind()) as statements:  # type: ignore[arg-type]
        yield seen
    seen.extend(s for s in statements
                if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"))


def test_first_import_creates_the_programme_cohort_and_people(db: Session) -> None:
    changes = changes_of(db, PROGRAM, cohort_yaml())
    assert changes[0] == "add programme testprog: 6 Things"
    assert "add theme testprog/basics" in changes
    assert "add Thing testprog/intro: Introduce yourself" in changes
    assert "add cohort testcohort: programme testprog" in changes
    assert "add person anna@example.org: Anna" in changes
    assert "add person trainer@example.org: trainer" in changes
    assert "add participant anna@example.org in testcohort" in changes
    assert "add trainer trainer@example.org in testcohort" in changes
    assert "add manager manager@example.org in testcohort" in changes
    assert len(changes) == 1 + 2 + 6 + 1 + 4 + 4

    program = db.exec(select(Program)).one()
    assert (program.key, program.title, program.completion_must, program.completion_can) == (
        "testprog",
        "Test programme",
        None,
        1,
    )
    things = db.exec(select(Thing).order_by(Thing.position)).all()
    assert [(t.position, t.key, t.kind) for t in things] == [
        (1, "intro", "must"),
        (2, "reflect", "must"),
        (3, "screencast", "can"),
        (4, "plan", "can"),
        (5, "later", "can"),
        (6, "extra", "optional"),
    ]
    assert "<strong>hello</strong>" in things[0].body_html
    assert count(db, Theme) == 2
    cohort = db.exec(select(Cohort)).one()
    assert (cohort.key, cohort.program_id, cohort.timezone) == (
        "testcohort",
        program.id,
        "Europe/Amsterdam",
    )
    assert sorted(u.email for u in db.exec(select(User))) == [
        "anna@example.org",
        "bram@example.org",
        "manager@example.org",
        "trainer@example.org",
    ]
    assert sorted((m.role, m.is_active) for m in db.exec(select(Membership))) == [
        ("manager", True),
        ("participant", True),
        ("participant", True),
        ("trainer", True),
    ]


def test_reimporting_unchanged_files_changes_nothing_and_writes_nothing(db: Session) -> None:
    texts = (
        GROUPED,
        cohort_yaml() + "groups:\n  - {key: team-1, name: Team}\ndue_overrides: {intro: week 2}\n",
    )
    load(db, *texts)
    with writes(db) as statements:
        assert load(db, *texts) == []
    assert statements == []
    with Session(db.get_bind()) as fresh, writes(fresh) as statements:  # also from a cold session
        assert load(fresh, *texts) == []
    assert statements == []


def test_reimporting_with_moments_and_settings_writes_nothing(db: Session) -> None:
    cohort = (
        cohort_yaml(starts=date(2027, 3, 1)) + "final_session: 2027-03-30T14:00\n"
        "pitch_due: 2027-03-29T12:00\nbenchmark: 0.8\nposts: {allow_public: true}\n"
    )
    load(db, PROGRAM, cohort)
    with Session(db.get_bind()) as fresh, writes(fresh) as statements:
        assert load(fresh, PROGRAM, cohort) == []
    assert statements == []


def test_editing_a_thing_title_reports_an_update(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    with writes(db) as statements:
        changes = changes_of(db, edit(PROGRAM, "title: Introduce yourself", "title: Say hello"))
    assert changes == ["update Thing testprog/intro: title"]
    # the Thing's row, and the programme's stamp that tells every server process to reload it
    assert sorted(s.lstrip().split(" SET")[0].upper() for s in statements) == [
        "UPDATE PROGRAMS", "UPDATE THINGS"]
    assert db.exec(select(Thing).where(Thing.key == "intro")).one().title == "Say hello"


def test_reordering_things_is_reported_once_not_as_content_changes(db: Session) -> None:
    load(db, PROGRAM)
    block = "  - key: extra\n    title: Something extra\n    kind: optional\n"
    reordered = edit(PROGRAM, block, "").replace("things:\n", "things:\n" + block)
    assert changes_of(db, reordered) == ["update programme testprog: order of Things"]
    assert db.exec(select(Thing).where(Thing.key == "extra")).one().position == 1


def _complete(db: Session, email: str, key: str) -> None:
    progress_service.complete_thing(db, member=member(db, email), key=key, now=datetime.now(UTC))


def test_removing_a_thing_archives_it_and_keeps_its_progress(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    _complete(db, "anna@example.org", "intro")
    without_intro = edit(
        PROGRAM,
        "  - key: intro\n    title: Introduce yourself\n    kind: must\n"
        "    theme: basics\n    due: week 1\n    minutes: 15\n    body: |\n"
        "      Say **hello** in the forum.\n"
        '    links: [{title: Guide, url: "https://example.org/guide"}]\n',
        "",
    )
    assert changes_of(db, without_intro) == [
        "archive Thing testprog/intro: no longer in the file; its progress is kept"
    ]
    intro = db.exec(select(Thing).where(Thing.key == "intro")).one()
    assert intro.archived_at is not None
    assert count(db, Completion) == 1
    assert [
        v.thing.key
        for v in progress_service.my_things(db, member=member(db, "anna@example.org")).things
    ] == ["reflect", "screencast", "plan", "later", "extra"]
    assert changes_of(db, without_intro) == []  # archiving happens once

    assert changes_of(db, PROGRAM) == ["restore Thing testprog/intro: its progress is back"]
    db.refresh(intro)
    assert intro.archived_at is None and intro.position == 1
    view = progress_service.thing_view(db, member=member(db, "anna@example.org"), key="intro")
    assert view.status == "done"


def test_an_archived_thing_is_not_offered_to_new_cohorts(db: Session) -> None:
    load(db, PROGRAM)
    load(db, edit(PROGRAM, "  - key: extra\n    title: Something extra\n    kind: optional\n", ""))
    facts = sync_service.program_facts(db, "testprog")
    assert facts is not None and "extra" not in facts.things
    bundle = validate(
        cohort_yaml() + "due_overrides: {extra: week 2}\n",
        lookup=lambda key: sync_service.program_facts(db, key),
    )
    assert [p.message.split(":")[0] for p in bundle.problems] == ["due_overrides.extra"]


def test_removing_a_participant_deactivates_them_and_keeps_their_progress(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    _complete(db, "bram@example.org", "intro")
    anna_only = cohort_yaml(participants=["anna@example.org"])
    assert changes_of(db, anna_only) == [
        "deactivate participant bram@example.org in testcohort: no longer in the file; their "
        "progress is kept"
    ]
    bram = user(db, "bram@example.org")
    membership = db.exec(select(Membership).where(Membership.user_id == bram.id)).one()
    assert membership.is_active is False
    assert db.exec(select(Completion).where(Completion.membership_id == membership.id)).one()

    assert changes_of(db, cohort_yaml()) == [
        "reactivate participant bram@example.org in testcohort: their progress is back"
    ]
    db.refresh(membership)
    assert membership.is_active is True
    assert count(db, Membership) == 4
    view = progress_service.thing_view(db, member=member(db, "bram@example.org"), key="intro")
    assert view.status == "done"


def test_a_participant_is_upserted_by_email_whatever_its_case(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna = user(db, "anna@example.org")
    shouting = cohort_yaml(participants=["ANNA@Example.ORG", "bram@example.org"])
    assert changes_of(db, shouting) == []
    second = cohort_yaml(key="second", participants=["Anna@EXAMPLE.org"])
    changes = changes_of(db, second)
    assert "add participant anna@example.org in second" in changes
    assert not any(c.startswith("add person anna") for c in changes)
    assert count(db, User) == 4
    assert user(db, "ANNA@example.org").id == anna.id
    memberships = db.exec(select(Membership).where(Membership.user_id == anna.id)).all()
    assert len(memberships) == 2


def test_a_changed_name_updates_the_person(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    renamed = cohort_yaml().replace("name: Anna,", "name: Anna de Vries,")
    assert changes_of(db, renamed) == ["update person anna@example.org: name is now Anna de Vries"]
    assert user(db, "anna@example.org").name == "Anna de Vries"


def test_removing_a_group_archives_it_and_putting_it_back_restores_it(db: Session) -> None:
    grouped = cohort_yaml().replace("organization: Lib}", "organization: Lib, group: team-1}")
    with_groups = (
        grouped + "groups:\n  - {key: team-1, name: Team One}\n  - {key: team-2, name: Two}\n"
    )
    load(db, GROUPED, with_groups)
    assert count(db, CohortGroup) == 2
    one_group = grouped + "groups:\n  - {key: team-1, name: Team One}\n"
    assert changes_of(db, one_group) == [
        "archive group testcohort/team-2: no longer in the file; its work is kept"
    ]
    team_2 = db.exec(select(CohortGroup).where(CohortGroup.key == "team-2")).one()
    assert team_2.archived_at is not None
    assert count(db, CohortGroup) == 2
    assert changes_of(db, with_groups) == ["restore group testcohort/team-2"]
    db.refresh(team_2)
    assert team_2.archived_at is None


def test_moving_a_participant_to_another_group_is_an_update(db: Session) -> None:
    groups = "groups:\n  - {key: team-1, name: One}\n  - {key: team-2, name: Two}\n"
    cohort = cohort_yaml().replace(
        "name: Anna, organization: Lib}", "name: Anna, organization: Lib, group: team-1}"
    )
    load(db, GROUPED, cohort + groups)
    moved = cohort.replace("group: team-1", "group: team-2")
    assert changes_of(db, moved + groups) == [
        "update participant anna@example.org in testcohort: group"
    ]
    team_2 = db.exec(select(CohortGroup).where(CohortGroup.key == "team-2")).one()
    assert member(db, "anna@example.org").membership.group_id == team_2.id


def test_a_dry_run_shows_changes_and_writes_nothing(db: Session) -> None:
    bundle = validate(PROGRAM, cohort_yaml())
    assert bundle.ok
    changes = sync_service.apply_bundle(db, bundle=bundle)
    assert len(changes) == 18
    db.rollback()
    for model in (Program, Thing, Theme, Cohort, User, Membership):
        assert count(db, model) == 0, model
    assert [str(c) for c in load(db, PROGRAM, cohort_yaml())] == [str(c) for c in changes]


def test_one_bad_file_in_a_set_imports_nothing(db: Session) -> None:
    bad_cohort = cohort_yaml().replace("bram@example.org", "bram at example.org")
    bundle = validate(PROGRAM, bad_cohort, lookup=lambda key: sync_service.program_facts(db, key))
    assert not bundle.ok
    assert [str(p) for p in bundle.problems] == [
        "file1.yaml:13:13: participants[1].email: expected an e-mail address "
        "like name@example.org; "
        "got 'bram at example.org'"
    ]
    with pytest.raises(AssertionError):
        sync_service.apply_bundle(db, bundle=bundle)
    db.rollback()
    assert count(db, Program) == 0 and count(db, Cohort) == 0 and count(db, User) == 0


def test_a_cohort_can_be_imported_on_its_own_against_a_stored_programme(db: Session) -> None:
    load(db, PROGRAM)
    assert "add cohort testcohort: programme testprog" in changes_of(db, cohort_yaml())
    assert db.exec(select(Cohort)).one().key == "testcohort"
