"""The rules of marking Things done, through the service that both faces call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from sqlmodel import Session

from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.posts import service as posts_service
from app.programs import service as programs_service
from app.progress import service as progress_service
from app.progress.models import Approval, ThingStatus
from tests.fixtures.builders import (
    ANNA,
    ENOUGH_WORDS,
    PROGRAM,
    TRAINER,
    cohort_yaml,
    completions_of,
    load,
    member,
)

STARTS = date(2027, 1, 11)  # a Monday; the cohort is in Europe/Amsterdam (UTC+1 in winter)
NOW = datetime(2027, 1, 13, 12, 0, tzinfo=UTC)  # in week 1
LATER_OPENS = date(2027, 2, 8)  # "later" opens in week 5: starts + 28 days


@pytest.fixture
def anna(db: Session):  # type: ignore[no-untyped-def]
    load(db, PROGRAM, cohort_yaml(starts=STARTS))
    return member(db, ANNA)


def reflect(db: Session, who, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    posts_service.save_reflection(db, member=who, key=key, body=text, now=NOW)
    db.commit()


def complete(db: Session, who, key: str, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("now", NOW)
    return progress_service.complete_thing(db, member=who, key=key, **kwargs)


def summary(db: Session, who):  # type: ignore[no-untyped-def]
    return progress_service.my_things(db, member=who, now=NOW).summary


def test_locked_thing_cannot_be_completed_and_the_refusal_names_the_opening_date(
    db: Session, anna
) -> None:
    with pytest.raises(Conflict) as refused:
        complete(db, anna, "later")
    assert format_date(LATER_OPENS, "long", locale="en") in refused.value.detail  # February 8, 2027
    assert "Opens later" in refused.value.detail
    assert completions_of(db, anna) == []


def test_thing_can_be_completed_from_the_start_of_its_opening_day_in_the_cohort_time_zone(
    db: Session, anna
) -> None:
    midnight_amsterdam = datetime(2027, 2, 7, 23, 0, tzinfo=UTC)
    with pytest.raises(Conflict):
        complete(db, anna, "later", now=midnight_amsterdam - timedelta(seconds=1))
    view = complete(db, anna, "later", now=midnight_amsterdam)
    assert view.status == ThingStatus.done


def test_required_reflection_missing_is_refused(db: Session, anna) -> None:
    with pytest.raises(Conflict) as refused:
        complete(db, anna, "reflect")
    assert "reflection" in refused.value.detail
    assert "5 words" in refused.value.detail
    assert completions_of(db, anna) == []


def test_too_short_reflection_is_refused_with_words_needed_and_words_written(
    db: Session, anna
) -> None:
    # long words, few of them: words are counted, not characters
    reflect(db, anna, "reflect", "Extraordinarily illuminating, transformative experience")
    with pytest.raises(Conflict) as refused:
        complete(db, anna, "reflect")
    assert "at least 5 words" in refused.value.detail
    assert "yours has 4" in refused.value.detail
    assert completions_of(db, anna) == []


def test_reflection_long_enough_lets_the_thing_be_marked_done(db: Session, anna) -> None:
    reflect(db, anna, "reflect", "I learned a lot today")  # exactly 5 words
    view = complete(db, anna, "reflect")
    assert view.status == ThingStatus.done
    assert view.completion is not None and view.completion.completed_at == NOW


def test_completing_twice_keeps_one_completion_with_the_first_time(db: Session, anna) -> None:
    complete(db, anna, "intro")
    view = complete(db, anna, "intro", now=NOW + timedelta(hours=2))
    rows = completions_of(db, anna)
    assert len(rows) == 1
    assert rows[0].completed_at == NOW
    assert view.status == ThingStatus.done


def test_evidence_url_is_required_for_a_url_thing(db: Session, anna) -> None:
    with pytest.raises(InvalidInput) as refused:
        complete(db, anna, "screencast")
    assert "link" in refused.value.detail
    with pytest.raises(InvalidInput):
        complete(db, anna, "screencast", evidence_url="   ")
    assert completions_of(db, anna) == []


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.org/video",
                                 "example.org video", "https://", "https://exa mple.org"])
def test_evidence_url_must_be_an_http_or_https_address(db: Session, anna, bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        complete(db, anna, "screencast", evidence_url=bad)
    assert "https://" in refused.value.detail
    assert completions_of(db, anna) == []


def test_evidence_url_is_kept_with_the_completion_and_can_be_updated(db: Session, anna) -> None:
    view = complete(db, anna, "screencast", evidence_url=" https://example.org/v1 ")
    assert view.completion is not None and view.completion.evidence_url == "https://example.org/v1"
    complete(db, anna, "screencast", evidence_url="http://example.org/v2")
    (row,) = completions_of(db, anna)
    assert row.evidence_url == "http://example.org/v2"


def test_approval_thing_waits_for_the_trainer_and_does_not_count_until_approved(
    db: Session, anna
) -> None:
    view = complete(db, anna, "plan")
    assert view.status == ThingStatus.done
    assert view.is_waiting_for_trainer
    assert view.completion is not None and view.completion.approval == Approval.pending
    pending = summary(db, anna)
    assert pending.can_done == 0
    assert pending.waiting_for_trainer == 1

    view.completion.approval = Approval.approved  # the trainer signs it off
    db.add(view.completion)
    db.commit()
    approved = summary(db, anna)
    assert approved.can_done == 1
    assert approved.waiting_for_trainer == 0


def test_undo_removes_the_completion_but_keeps_the_reflection(db: Session, anna) -> None:
    reflect(db, anna, "reflect", ENOUGH_WORDS)
    complete(db, anna, "reflect")
    view = progress_service.undo_completion(db, member=anna, key="reflect", now=NOW)
    assert view.status == ThingStatus.open
    assert view.completion is None
    assert completions_of(db, anna) == []
    thing = programs_service.get_thing(db, program=anna.program, key="reflect")
    kept = posts_service.reflection_for(db, member=anna, thing=thing)
    assert kept is not None and kept.body == ENOUGH_WORDS


def test_undo_of_a_thing_not_done_changes_nothing(db: Session, anna) -> None:
    view = progress_service.undo_completion(db, member=anna, key="intro", now=NOW)
    assert view.status == ThingStatus.open
    assert completions_of(db, anna) == []


def test_approved_completion_cannot_be_undone(db: Session, anna) -> None:
    view = complete(db, anna, "plan")
    assert view.completion is not None
    view.completion.approval = Approval.approved
    db.add(view.completion)
    db.commit()
    with pytest.raises(Conflict) as refused:
        progress_service.undo_completion(db, member=anna, key="plan", now=NOW)
    assert "approved" in refused.value.detail
    assert len(completions_of(db, anna)) == 1


def test_summary_follows_the_rule_all_must_do_and_one_can_do(db: Session, anna) -> None:
    start = summary(db, anna)
    assert (start.must_done, start.must_needed, start.can_done, start.can_needed) == (0, 2, 0, 1)
    assert not start.is_complete

    complete(db, anna, "intro")
    reflect(db, anna, "reflect", ENOUGH_WORDS)
    complete(db, anna, "reflect")
    complete(db, anna, "extra")  # optional Things do not count towards the rule
    musts_only = summary(db, anna)
    assert (musts_only.must_done, musts_only.can_done, musts_only.optional_done) == (2, 0, 1)
    assert not musts_only.is_complete

    complete(db, anna, "screencast", evidence_url="https://example.org/cast")
    done = summary(db, anna)
    assert (done.must_done, done.must_needed, done.can_done, done.can_needed) == (2, 2, 1, 1)
    assert done.is_complete


def test_one_can_do_without_all_must_do_is_not_complete(db: Session, anna) -> None:
    complete(db, anna, "intro")
    complete(db, anna, "screencast", evidence_url="https://example.org/cast")
    result = summary(db, anna)
    assert (result.must_done, result.can_done) == (1, 1)
    assert not result.is_complete


def test_statuses_follow_the_dates_in_the_cohort_time_zone(db: Session, anna) -> None:
    # "intro" is due at the end of week 1: Sunday 2027-01-17, 24:00 in Amsterdam = 23:00 UTC
    end_of_week_1 = datetime(2027, 1, 17, 23, 0, tzinfo=UTC)
    before = progress_service.thing_view(db, member=anna, key="intro",
                                         now=end_of_week_1 - timedelta(seconds=1))
    after = progress_service.thing_view(db, member=anna, key="intro", now=end_of_week_1)
    assert before.window.due_on == date(2027, 1, 17)
    assert before.status == ThingStatus.open
    assert after.status == ThingStatus.overdue


def test_archived_things_vanish_from_my_things_and_return_with_their_progress(
    db: Session, anna
) -> None:
    complete(db, anna, "extra")
    without_extra = PROGRAM.replace(
        "  - key: extra\n    title: Something extra\n    kind: optional\n", "")
    assert without_extra != PROGRAM
    load(db, without_extra)
    anna = member(db, ANNA)  # as each request does: who is asking, read after the import
    overview = progress_service.my_things(db, member=anna, now=NOW)
    assert "extra" not in [v.thing.key for v in overview.things]
    assert overview.summary.optional_total == 0
    with pytest.raises(NotFound):
        complete(db, anna, "extra")

    load(db, PROGRAM)
    anna = member(db, ANNA)
    restored = progress_service.my_things(db, member=anna, now=NOW)
    extra = next(v for v in restored.things if v.thing.key == "extra")
    assert extra.status == ThingStatus.done


def test_trainers_cannot_mark_things_done_or_undo(db: Session, anna) -> None:
    trainer = member(db, TRAINER)
    with pytest.raises(Forbidden) as refused:
        complete(db, trainer, "intro")
    assert "trainer" in refused.value.detail
    with pytest.raises(Forbidden):
        progress_service.undo_completion(db, member=trainer, key="intro", now=NOW)
    assert completions_of(db, trainer) == []


def test_unknown_thing_is_not_found(db: Session, anna) -> None:
    with pytest.raises(NotFound) as missing:
        complete(db, anna, "no-such-thing")
    assert "not in the programme" in missing.value.detail


def test_a_thing_the_trainer_returned_is_open_again_and_goes_back_to_the_trainer(
    db: Session, anna
) -> None:
    view = complete(db, anna, "plan")
    assert view.completion is not None and view.completion.approval == Approval.pending
    view.completion.approval = Approval.rejected  # what the trainer's sign-off will record
    db.commit()
    returned = progress_service.thing_view(db, member=anna, key="plan")
    assert returned.status != ThingStatus.done and returned.is_returned
    again = complete(db, anna, "plan")
    assert again.status == ThingStatus.done
    assert again.completion is not None and again.completion.approval == Approval.pending
    assert len(completions_of(db, anna)) == 1


def test_marking_a_url_thing_done_again_without_a_link_keeps_the_link(db: Session, anna) -> None:
    complete(db, anna, "screencast", evidence_url="https://example.org/mine")
    again = complete(db, anna, "screencast")
    assert again.completion is not None
    assert again.completion.evidence_url == "https://example.org/mine"


@pytest.mark.parametrize("bad", ["http://[x/", "https://example.org/" + "a" * 2000])
def test_a_malformed_or_overlong_link_is_refused_clearly(db: Session, anna, bad: str) -> None:
    with pytest.raises(InvalidInput, match="link to your work"):
        complete(db, anna, "screencast", evidence_url=bad)


def test_the_link_of_an_approved_thing_cannot_be_swapped_afterwards(db: Session, anna) -> None:
    view = complete(db, anna, "plan", evidence_url="https://example.org/plan-v1")
    assert view.completion is not None
    view.completion.approval = Approval.approved
    db.commit()
    with pytest.raises(Conflict, match="approved"):
        complete(db, anna, "plan", evidence_url="https://example.org/plan-v2")
    again = complete(db, anna, "plan")  # marking done again without a new link is fine
    assert again.completion is not None
    assert again.completion.evidence_url == "https://example.org/plan-v1"
