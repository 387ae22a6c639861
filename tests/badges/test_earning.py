"""Badges declared in the programme's YAML: validated with file:line:col, imported by key, and
awarded the moment their rule is met (marking a Thing done, or a trainer's approval); undone
before then, never awarded; a badge taken out of the file keeps what it awarded."""

from __future__ import annotations

from sqlmodel import Session, select

from app.progress import awards, review
from app.progress import service as progress_service
from app.progress.models import Award, Completion, Decision
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    ENOUGH_WORDS,
    PROGRAM,
    TRAINER,
    cohort_yaml,
    load,
    member,
    validate,
)

BADGES = """\
badges:
  - key: finisher
    name: {en: Finisher, da: Gennemfører}
    for: programme
    criteria: Every must-do Thing and one can-do Thing.
  - key: basics
    name: The basics
    for: {theme: basics}
  - key: deeper
    name: Going deeper
    for: {theme: deeper, things: 1}
"""
WITH_BADGES = PROGRAM + BADGES


def problems(text: str) -> list[str]:
    return [str(p) for p in validate(text).problems]


def line_of(text: str, snippet: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if snippet in line)


def test_badges_are_read_with_their_rules() -> None:
    bundle = validate(WITH_BADGES)
    assert bundle.ok, bundle.problems
    (program,) = bundle.programs
    assert [(b.key, b.rule, b.theme, b.things) for b in program.badges] == [
        ("finisher", "programme", None, None), ("basics", "theme", "basics", None),
        ("deeper", "theme", "deeper", 1)]
    assert program.badges[0].translations == {"name": {"en": "Finisher", "da": "Gennemfører"}}


def test_each_badge_problem_is_reported_at_its_place() -> None:
    text = PROGRAM + """\
badges:
  - {key: a, name: A, for: programme}
  - {key: b, name: B, for: programme}
  - {key: c, name: C, for: {theme: nothing}}
  - {key: d, name: D, for: {theme: deeper}}
  - {key: e, name: E, for: {theme: basics, things: 3}}
  - {key: a, name: Again, for: {theme: basics}}
  - {key: f, name: F, for: everything, hours: 0}
"""
    found = problems(text)
    b, c, d, e, again, f = (line_of(text, f"key: {k}, name: {n}") for k, n in
                            (("b", "B"), ("c", "C"), ("d", "D"), ("e", "E"), ("a", "Again"),
                             ("f", "F")))
    assert found == [
        f"file0.yaml:{b}:28: badges[1].for: badges[0] is already for completing the programme",
        f"file0.yaml:{c}:36: badges[2].for.theme: no theme 'nothing'; expected one of basics, deeper",
        f"file0.yaml:{d}:36: badges[3].for.theme: theme 'deeper' has no must-do Things; say how "
        "many of its Things earn the badge with 'things: N'",
        f"file0.yaml:{e}:52: badges[4].for.things: asks for 3 Things but theme 'basics' has 2",
        f"file0.yaml:{again}:11: badges[5].key: badge 'a' is already badges[0]",
        f"file0.yaml:{f}:28: badges[6].for: expected 'programme' or {{theme: KEY}} (with things: "
        "N for any N of its Things); got 'everything'",
        f"file0.yaml:{f}:47: badges[6].hours: expected a number from 0.5 to 10000; got 0",
    ]


def test_a_badge_is_awarded_the_moment_its_rule_is_met(db: Session) -> None:
    load(db, WITH_BADGES, cohort_yaml())
    anna = member(db, ANNA)
    progress_service.complete_thing(db, member=anna, key="intro")
    assert [b.key for b in _earned(db, ANNA)] == []
    view = progress_service.submit(db, member=anna, key="reflect",
                                   reflection="I learned a lot today about screencasts", evidence_url=None)
    assert [b.key for b in view.badges_earned] == ["basics"]  # both its must-do Things
    view = progress_service.complete_thing(db, member=anna, key="screencast",
                                           evidence_url="https://example.org/cast")
    # one can-do Thing: the completion rule is met, and the deeper theme's one Thing
    assert [b.key for b in view.badges_earned] == ["finisher", "deeper"]
    assert [b.key for b in _earned(db, ANNA)] == ["finisher", "basics", "deeper"]
    again = progress_service.complete_thing(db, member=anna, key="extra")
    assert again.badges_earned == ()  # awarded once
    assert len(db.exec(select(Award)).all()) == 3


def test_undone_before_the_rule_is_met_nothing_is_awarded_and_an_award_stays(db: Session) -> None:
    load(db, WITH_BADGES, cohort_yaml())
    anna = member(db, ANNA)
    progress_service.complete_thing(db, member=anna, key="intro")
    progress_service.undo_completion(db, member=anna, key="intro")
    view = progress_service.submit(db, member=anna, key="reflect",
                                   reflection="I learned a lot today about screencasts", evidence_url=None)
    assert view.badges_earned == ()  # intro is no longer done
    progress_service.complete_thing(db, member=anna, key="intro")
    progress_service.undo_completion(db, member=anna, key="intro")
    assert [b.key for b in _earned(db, ANNA)] == ["basics"]  # awarded when met; it stays


def test_a_trainers_approval_that_meets_the_rule_awards_the_badge(db: Session) -> None:
    load(db, WITH_BADGES.replace("for: {theme: deeper, things: 1}", "for: {theme: deeper, things: 2}"),
         cohort_yaml())
    bram = member(db, BRAM)
    progress_service.complete_thing(db, member=bram, key="screencast",
                                    evidence_url="https://example.org/cast")
    view = progress_service.complete_thing(db, member=bram, key="plan")  # waits for the trainer
    assert view.badges_earned == () and _earned(db, BRAM) == []
    waiting = db.exec(select(Completion).where(Completion.approval == "pending")).one()
    review.decide(db, member=member(db, TRAINER), completion_id=waiting.id or 0,
                  decision=Decision.approve)
    assert [b.key for b in _earned(db, BRAM)] == ["deeper"]


def test_a_badge_taken_out_of_the_file_keeps_its_awards(db: Session) -> None:
    load(db, WITH_BADGES, cohort_yaml())
    anna = member(db, ANNA)
    progress_service.complete_thing(db, member=anna, key="screencast",
                                    evidence_url="https://example.org/cast")
    changes = [str(c) for c in load(db, PROGRAM + BADGES.split("  - key: deeper")[0])]
    assert changes == ["archive badge testprog/deeper: no longer in the file; what it awarded stays"]
    assert len(db.exec(select(Award)).all()) == 1
    assert [p.badge.key for p in awards.badges_of(db, membership_id=anna.membership.id or 0,
                                            program=member(db, ANNA).program)] == ["finisher", "basics"]


def _earned(db: Session, email: str) -> list:  # type: ignore[type-arg]
    who = member(db, email)
    return [p.badge for p in awards.badges_of(db, membership_id=who.membership.id or 0,
                                               program=who.program) if p.is_earned]


def test_an_import_awards_a_new_badge_to_those_who_already_meet_its_rule(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())  # no badges yet
    anna, bram = member(db, ANNA), member(db, BRAM)
    for key in ("intro", "screencast"):
        progress_service.complete_thing(db, member=anna, key=key,
                                        evidence_url="https://example.org/cast")
    progress_service.submit(db, member=anna, key="reflect", reflection=ENOUGH_WORDS,
                            evidence_url=None)
    progress_service.complete_thing(db, member=bram, key="intro")  # half the basics
    db.commit()

    load(db, WITH_BADGES)
    assert awards.award_all(db, program_keys={"testprog"}) == 3
    assert [b.key for b in _earned(db, ANNA)] == ["finisher", "basics", "deeper"]
    assert _earned(db, BRAM) == []
    assert awards.award_all(db, program_keys={"testprog"}) == 0  # once

    # a rule eased: the deeper theme's badge now asks for one of its Things, which Bram did
    progress_service.complete_thing(db, member=bram, key="screencast",
                                    evidence_url="https://example.org/cast")
    assert [b.key for b in _earned(db, BRAM)] == ["deeper"]  # at once, as ever

