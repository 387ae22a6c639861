"""The figures of DESIGN.md §6, each checked against a small cohort worked out by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.cohorts.models import Membership
from app.dashboards import service as dashboards_service
from app.dashboards.service import Cell
from app.errors import Forbidden
from app.posts import service as posts_service
from app.programs import service as programs_service
from app.progress import service as progress_service
from app.progress.models import Approval, Completion
from tests.dashboards.conftest import CAROL
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    ENOUGH_WORDS,
    MANAGER,
    PROGRAM,
    TRAINER,
    cohort_yaml,
    load,
    member,
    today_in,
)


def test_the_headline_figures(db: Session, progress_made: None) -> None:
    board = dashboards_service.dashboard(db, member=member(db, MANAGER))
    assert board.participants == 3
    assert board.started == 2  # Anna and Bram (a Thing waiting for approval is done)
    assert board.completed == 1  # only Anna meets "every must-do and one can-do"
    assert board.completion_rate == pytest.approx(1 / 3)
    assert board.overdue == 2  # Bram and Carol have must-do Things past due
    assert board.benchmark == 0.7


def test_figures_per_thing_and_per_organisation(db: Session, progress_made: None) -> None:
    board = dashboards_service.dashboard(db, member=member(db, TRAINER))
    assert [(t.key, t.kind.value, t.done) for t in board.by_thing] == [
        ("intro", "must", 1), ("reflect", "must", 1), ("screencast", "can", 1),
        ("plan", "can", 1), ("later", "can", 0), ("extra", "optional", 0)]
    assert [(o.organization, o.participants, o.started, o.completed, o.overdue)
            for o in board.by_organization] == [("Lib", 2, 2, 1, 1), ("Town", 1, 0, 0, 1)]
    assert sum(w.completions for w in board.by_week) == 4


def test_who_is_behind_and_each_participants_cells(db: Session, progress_made: None) -> None:
    board = dashboards_service.dashboard(db, member=member(db, TRAINER), with_cells=True)
    behind = {p.email: [t.key for t in p.overdue] for p in board.behind}
    assert behind == {BRAM: ["intro", "reflect"], CAROL: ["intro", "reflect"]}
    cells = {p.email: p.cells for p in board.people}
    assert cells[ANNA][:4] == [Cell.done, Cell.done, Cell.done, Cell.open]
    assert cells[BRAM][:4] == [Cell.overdue, Cell.overdue, Cell.open, Cell.waiting]
    assert cells[CAROL][4] == Cell.locked  # "later" opens in week 5


def test_only_approved_completions_count_toward_the_rule(db: Session, progress_made: None) -> None:
    board = dashboards_service.dashboard(db, member=member(db, TRAINER), with_cells=True)
    bram = next(p for p in board.people if p.email == BRAM)
    assert (bram.must_done, bram.can_done, bram.completed) == (0, 0, False)


def test_participants_do_not_see_the_figures(db: Session, progress_made: None) -> None:
    with pytest.raises(Forbidden, match="Only this cohort's trainers and managers"):
        dashboards_service.dashboard(db, member=member(db, ANNA))


@pytest.mark.parametrize("weeks_ago", [0, 3, 20])
def test_counted_by_the_database_or_in_memory_the_figures_are_the_same(
    db: Session, weeks_ago: int
) -> None:
    """The dashboard counts in SQL; the matrix, CSV and reminders count each completion. Both
    must give every figure alike, in a cohort's first week, mid-way and after its end."""
    load(db, PROGRAM, cohort_yaml(starts=today_in("Europe/Amsterdam") - timedelta(weeks=weeks_ago),
                                  participants=[ANNA, BRAM, CAROL]))
    anna, bram = member(db, ANNA), member(db, BRAM)
    progress_service.complete_thing(db, member=anna, key="intro")
    progress_service.complete_thing(db, member=anna, key="extra")
    progress_service.complete_thing(db, member=bram, key="plan")
    posts_service.save_reflection(db, member=member(db, CAROL), key="reflect", body=ENOUGH_WORDS)
    db.commit()
    trainer = member(db, TRAINER)
    summed = dashboards_service.dashboard(db, member=trainer)
    counted = dashboards_service.dashboard(db, member=trainer, with_cells=True)
    for figure in ("participants", "started", "completed", "completion_rate", "overdue"):
        assert getattr(summed, figure) == getattr(counted, figure), figure
    assert summed.by_organization == counted.by_organization
    assert [(t.key, t.done) for t in summed.by_thing] == [(t.key, t.done) for t in counted.by_thing]
    assert summed.by_week == counted.by_week


@pytest.mark.parametrize("seed", range(8))
def test_both_ways_of_counting_agree_on_random_cohorts(db: Session, seed: int) -> None:
    """Random completions in every approval state, at random times (before the cohort, in it,
    after it), random posts, people spread over organisations, some inactive: the figures
    counted by the database equal those counted one completion at a time."""
    rng = random.Random(seed)
    emails = [f"p{i}@example.org" for i in range(40)]
    text = cohort_yaml(starts=today_in("Europe/Amsterdam") - timedelta(weeks=rng.choice([0, 2, 4, 30])),
                       participants=emails, timezone=rng.choice(["Europe/Copenhagen", "Asia/Kathmandu"]))
    text = text.replace("organizations: [Lib]", "organizations: [Lib, Town, Village]")
    for i, email in enumerate(emails):
        organization = ["Lib", "Town", "Village", None][i % 4]
        text = text.replace(f"name: {email.split('@')[0].title()}, organization: Lib}}",
                            f"name: P{i}" + (f", organization: {organization}}}" if organization else "}"))
    load(db, PROGRAM, text)
    people = [member(db, email) for email in emails]
    thing_ids = [t.id for t in programs_service.curriculum(db, program=people[0].program).things]
    starts = people[0].cohort.starts_on
    for who in people:
        for thing_id in rng.sample(thing_ids, rng.randint(0, len(thing_ids))):
            when = datetime.combine(starts, datetime.min.time(), tzinfo=UTC) + timedelta(
                hours=rng.randint(-24 * 10, 24 * 7 * 20))
            db.add(Completion(membership_id=who.membership.id, thing_id=thing_id, completed_at=when,
                              approval=rng.choice(list(Approval))))
        if rng.random() < 0.2:
            posts_service.save_reflection(db, member=who, key="reflect", body=ENOUGH_WORDS)
    for who in rng.sample(people, 2):
        db.get_one(Membership, who.membership.id).is_active = False
    db.commit()
    trainer = member(db, TRAINER)
    summed = dashboards_service.dashboard(db, member=trainer)
    counted = dashboards_service.dashboard(db, member=trainer, with_cells=True)
    assert summed.participants == 38
    assert summed.by_organization == counted.by_organization
    assert [(t.key, t.done) for t in summed.by_thing] == [(t.key, t.done) for t in counted.by_thing]
    assert summed.by_week == counted.by_week
