"""The figures of DESIGN.md §6, each checked against a small cohort worked out by hand."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.dashboards import service as dashboards_service
from app.dashboards.service import Cell
from app.errors import Forbidden
from tests.dashboards.conftest import CAROL
from tests.fixtures.builders import ANNA, BRAM, MANAGER, TRAINER, member


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
    assert [(o.organization, o.participants, o.started, o.completed)
            for o in board.by_organization] == [("Lib", 2, 2, 1), ("Town", 1, 0, 0)]
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
    board = dashboards_service.dashboard(db, member=member(db, TRAINER))
    bram = next(p for p in board.people if p.email == BRAM)
    assert (bram.must_done, bram.can_done, bram.completed) == (0, 0, False)


def test_participants_do_not_see_the_figures(db: Session, progress_made: None) -> None:
    with pytest.raises(Forbidden, match="Only this cohort's trainers and managers"):
        dashboards_service.dashboard(db, member=member(db, ANNA))
