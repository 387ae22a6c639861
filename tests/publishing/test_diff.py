"""The dry run in a trainer's words: which Things are added, changed, archived and reordered,
which people come, go and change groups, which dates move in each cohort, and for whom a Thing
becomes overdue (not for those who have done it)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import User
from app.progress import service as progress_service
from app.publishing import service as publishing
from app.publishing.diff import Item, Part, Topic
from app.publishing.service import Upload
from tests.fixtures.builders import (
    PROGRAM,
    cohort_yaml,
    load,
    member,
    today_in,
    with_due_overrides,
    with_groups,
)

GROUPS_PROGRAM = PROGRAM + "groups: {max_size: 5}\n"


def author(db: Session) -> User:
    user, _created = auth_service.grant_author(db, email="author@example.org", name="Aino")
    return user


def parts_of(db: Session, *files: tuple[str, str]) -> dict[str, Part]:
    review = publishing.review(db, user=author(db), uploads=[Upload.of(n, t) for n, t in files])
    assert review.ok, review.problems
    return {f"{p.kind}:{p.key}": p for p in review.parts}


def topics(part: Part, topic: Topic) -> list[Item]:
    return [i for i in part.items if i.topic == topic]


def test_things_added_changed_archived_and_reordered_are_named_by_title(db: Session) -> None:
    load(db, PROGRAM)
    intro = PROGRAM[PROGRAM.index("  - key: intro"):PROGRAM.index("  - key: reflect")]
    edited = (PROGRAM.replace(intro, "")  # intro moves to the end ...
              .replace("title: Make a screencast", "title: Record a screencast")
              .replace("  - key: extra\n    title: Something extra\n    kind: optional\n",
                       "  - key: podcast\n    title: Listen to a podcast\n    kind: can\n")
              + intro)
    part = parts_of(db, ("testprog.yaml", edited))["programme:testprog"]

    assert [i.subject for i in topics(part, Topic.thing_added)] == ["Listen to a podcast"]
    assert [i.subject for i in topics(part, Topic.thing_archived)] == ["Something extra"]
    assert [(i.subject, i.what) for i in topics(part, Topic.thing_changed)] == [
        ("Record a screencast", "title")]
    moves = {i.subject: (i.before, i.after) for i in topics(part, Topic.thing_moved)}
    # of the five Things kept in both, only intro moved (the others keep their order)
    assert moves == {"Introduce yourself": ("1", "5")}


def test_two_things_swapped_make_one_move(db: Session) -> None:
    load(db, PROGRAM)
    plan = PROGRAM[PROGRAM.index("  - key: plan"):PROGRAM.index("  - key: later")]
    cast = PROGRAM[PROGRAM.index("  - key: screencast"):PROGRAM.index("  - key: plan")]
    swapped = PROGRAM.replace(cast + plan, plan + cast)
    part = parts_of(db, ("p.yaml", swapped))["programme:testprog"]
    assert [(i.topic, i.subject, i.before, i.after) for i in part.items] == [
        (Topic.thing_moved, "Action plan", "4", "3")]


def test_a_thing_added_at_the_end_moves_nothing(db: Session) -> None:
    load(db, PROGRAM)
    part = parts_of(db, ("p.yaml", PROGRAM + "  - {key: new, title: New one, kind: can}\n"))[
        "programme:testprog"]
    assert [i.topic for i in part.items] == [Topic.thing_added]


def test_a_due_date_moved_into_the_past_is_overdue_for_those_who_have_not_done_it(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())  # started 3 days ago: "reflect" is due at the end of week 2
    progress_service.complete_thing(db, member=member(db, "anna@example.org"), key="intro")
    db.commit()
    # "reflect" moves from week 2 to 2 days after the start (which is past); "intro" to +1d
    edited = PROGRAM.replace("due: week 2", "due: +1d").replace("due: week 1", "due: +0d")
    parts = parts_of(db, ("testprog.yaml", edited))

    rules = {(i.subject, i.before, i.after) for i in topics(parts["programme:testprog"],
                                                            Topic.date_moved)}
    assert rules == {("Introduce yourself", "week 1", "+0d"), ("Write a reflection", "week 2", "+1d")}
    cohort = parts["cohort:testcohort"]
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    days = {(i.subject, i.what, i.before, i.after) for i in topics(cohort, Topic.date_moved)}
    assert days == {
        ("Introduce yourself", "due", (starts + timedelta(days=6)).isoformat(), starts.isoformat()),
        ("Write a reflection", "due", (starts + timedelta(days=13)).isoformat(),
         (starts + timedelta(days=1)).isoformat())}
    overdue = {i.subject: i.names for i in topics(cohort, Topic.overdue)}
    assert overdue == {"Introduce yourself": ["Bram <bram@example.org>"],  # Anna has done it
                       "Write a reflection": ["Anna <anna@example.org>", "Bram <bram@example.org>"]}


def test_a_cohort_override_moves_the_date_in_that_cohort_only(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml(), cohort_yaml(key="second", participants=["cai@example.org"]))
    starts = today_in("Europe/Amsterdam") - timedelta(days=3)
    later = starts + timedelta(days=40)
    parts = parts_of(db, ("c.yaml", with_due_overrides(cohort_yaml(), reflect=later)))
    assert set(parts) == {"cohort:testcohort"}
    assert [(i.topic, i.subject) for i in parts["cohort:testcohort"].items] == [
        (Topic.settings_changed, "due_overrides"), (Topic.date_moved, "Write a reflection")]
    moved = parts["cohort:testcohort"].items[1]
    assert (moved.what, moved.before, moved.after) == (
        "due", (starts + timedelta(days=13)).isoformat(), later.isoformat())


def test_people_added_deactivated_and_moved_between_groups(db: Session) -> None:
    before = with_groups(cohort_yaml(participants=["anna@example.org", "bram@example.org"]),
                         "team-1", "team-2")
    before = before.replace("name: Anna, organization: Lib}", "name: Anna, organization: Lib, group: team-1}")
    load(db, GROUPS_PROGRAM, before)
    after = with_groups(cohort_yaml(participants=["anna@example.org", "dana@example.org"]),
                        "team-1", "team-3")
    after = after.replace("name: Anna, organization: Lib}", "name: Anna, organization: Lib, group: team-3}")
    part = parts_of(db, ("c.yaml", after))["cohort:testcohort"]

    added = topics(part, Topic.person_added)
    assert [(i.what, i.names) for i in added] == [("participant", ["Dana <dana@example.org>"])]
    gone = topics(part, Topic.person_deactivated)
    assert [(i.what, i.names) for i in gone] == [("participant", ["Bram <bram@example.org>"])]
    assert [(i.subject, i.before, i.after) for i in topics(part, Topic.person_moved)] == [
        ("Anna <anna@example.org>", "Team 1", "Team 3")]
    assert [i.subject for i in topics(part, Topic.group_added)] == ["Team 3"]
    assert [i.subject for i in topics(part, Topic.group_archived)] == ["Team 2"]


def test_a_long_list_of_people_names_the_first_ten_and_counts_all(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    many = [f"p{n:02d}@example.org" for n in range(25)]
    part = parts_of(db, ("c.yaml", cohort_yaml(participants=many)))["cohort:testcohort"]
    (added,) = topics(part, Topic.person_added)
    assert added.count == 25 and len(added.names) == 10
    assert added.names[0] == "P00 <p00@example.org>"
