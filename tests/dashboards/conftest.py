"""A cohort three weeks in (so its first must-do Things are overdue), with progress made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from app.posts import service as posts_service
from app.progress import service as progress_service
from tests.fixtures.builders import ANNA, BRAM, ENOUGH_WORDS, PROGRAM, cohort_yaml, load, member, today_in

CAROL = "carol@example.org"  # does nothing at all


def started_weeks_ago(weeks: int) -> str:
    text = cohort_yaml(starts=today_in("Europe/Amsterdam") - timedelta(weeks=weeks),
                       participants=[ANNA, BRAM, CAROL])
    # Carol works for another library
    return text.replace("organizations: [Lib]", "organizations: [Lib, Town]").replace(
        "{email: carol@example.org, name: Carol, organization: Lib}",
        "{email: carol@example.org, name: Carol, organization: Town}")


@pytest.fixture
def progress_made(db: Session) -> None:
    """Anna has completed the programme; Bram waits for the trainer's approval of one Thing
    and is behind on both must-do Things; Carol has not started."""
    load(db, PROGRAM, started_weeks_ago(3))
    anna, bram = member(db, ANNA), member(db, BRAM)
    progress_service.complete_thing(db, member=anna, key="intro")
    posts_service.save_reflection(db, member=anna, key="reflect", body=ENOUGH_WORDS)
    progress_service.complete_thing(db, member=anna, key="reflect")
    progress_service.complete_thing(db, member=anna, key="screencast",
                                    evidence_url="https://example.org/my-screencast")
    progress_service.complete_thing(db, member=bram, key="plan")
    db.commit()
