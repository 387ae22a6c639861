"""Badges earned: the moment a participant's counted completions meet a badge's rule (when they
mark a Thing done, or when a trainer approves one), the badge is awarded, once. No schedule
runs for it; undoing a completion before then simply means the rule is not met."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.cohorts.models import Cohort, Membership, Role
from app.db import insert_all_or_ignore, insert_or_ignore
from app.programs import service as programs_service
from app.programs.models import BadgeFacts, BadgeRule, Program, ThingKind
from app.programs.service import Curriculum
from app.progress.models import COUNTED, Award, Completion


@dataclass(frozen=True)
class BadgeProgress:
    """How far a participant is towards a badge: `have` of the `need` its rule counts."""

    badge: BadgeFacts
    have: int
    need: int
    awarded_at: datetime | None = None
    revoked: bool = False
    public_id: str | None = None  # the credential's, once awarded

    @property
    def is_earned(self) -> bool:
        return self.awarded_at is not None and not self.revoked


def progress_towards(badge: BadgeFacts, *, curriculum: Curriculum, program: Program,
                     done: Collection[int]) -> tuple[int, int]:
    """(have, need) for one badge, from the ids of the Things whose completion counts."""
    if badge.rule == BadgeRule.programme:
        must = [t for t in curriculum.things if t.kind == ThingKind.must]
        must_needed = len(must) if program.completion_must is None else program.completion_must
        must_done = sum(1 for t in must if t.id in done)
        can_done = sum(1 for t in curriculum.things if t.kind == ThingKind.can and t.id in done)
        return (min(must_done, must_needed) + min(can_done, program.completion_can),
                must_needed + program.completion_can)
    in_theme = [t for t in curriculum.things if t.theme_key == badge.theme_key]
    if badge.things_needed is None:
        must = [t for t in in_theme if t.kind == ThingKind.must]
        return sum(1 for t in must if t.id in done), len(must)
    return min(sum(1 for t in in_theme if t.id in done), badge.things_needed), badge.things_needed


def counted_things(session: Session, membership_id: int) -> set[int]:
    """The ids of the Things whose completion counts for the participant."""
    return set(session.exec(select(Completion.thing_id).where(
        Completion.membership_id == membership_id, col(Completion.approval).in_(list(COUNTED)))))


def award_earned(session: Session, *, membership_id: int, program: Program,
                 now: datetime | None = None) -> list[BadgeFacts]:
    """Award every badge whose rule the participant now meets and who lacks it; the badges
    awarded now (two requests at once award a badge once)."""
    curriculum = programs_service.curriculum(session, program=program)
    if not curriculum.badges:
        return []
    held = set(session.exec(select(Award.badge_id).where(Award.membership_id == membership_id)))
    waiting = [b for b in curriculum.badges if b.id not in held]
    if not waiting:
        return []
    done = counted_things(session, membership_id)
    awarded = []
    for badge in waiting:
        have, need = progress_towards(badge, curriculum=curriculum, program=program, done=done)
        if need and have >= need and insert_or_ignore(session, Award(
                membership_id=membership_id, badge_id=badge.id,
                awarded_at=now or datetime.now(UTC))):
            awarded.append(badge)
    return awarded


def award_all(session: Session, *, program_keys: Collection[str],
              now: datetime | None = None) -> int:
    """After an import: award the programmes' badges to every active participant who meets a
    rule and lacks the badge (a badge just added, a rule eased, a Thing made can-do, someone
    back on the roster). A few queries per programme, whatever the number of people; the
    number of badges awarded."""
    count = 0
    for program in session.exec(select(Program).where(col(Program.key).in_(list(program_keys)))):
        curriculum = programs_service.curriculum(session, program=program)
        if not curriculum.badges:
            continue
        in_programme = (select(Membership.id).join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
                        .where(Cohort.program_id == program.id))
        people = session.exec(in_programme.where(Membership.role == Role.participant,
                                                 col(Membership.is_active))).all()
        held = set(session.exec(select(Award.membership_id, Award.badge_id).where(
            col(Award.membership_id).in_(in_programme))).all())
        done: dict[int, set[int]] = defaultdict(set)
        for holder, thing_id in session.exec(select(
                Completion.membership_id, Completion.thing_id).where(
                col(Completion.membership_id).in_(in_programme),
                col(Completion.approval).in_(list(COUNTED)))):
            done[holder].add(thing_id)
        rows = []
        for person in people:
            assert person is not None
            for badge in curriculum.badges:
                if (person, badge.id) in held:
                    continue
                have, need = progress_towards(badge, curriculum=curriculum, program=program,
                                              done=done[person])
                if need and have >= need:
                    rows.append(Award(membership_id=person, badge_id=badge.id,
                                      awarded_at=now or datetime.now(UTC)))
        count += insert_all_or_ignore(session, rows)
    return count


# Built once, and only the columns a badge's progress shows (My Things asks on every request)
_AWARDS_OF = sa.select(col(Award.badge_id), col(Award.awarded_at), col(Award.revoked_at),
                       col(Award.public_id)).where(
    col(Award.membership_id) == sa.bindparam("membership_id"))


def badges_of(session: Session, *, membership_id: int, program: Program,
              done: Collection[int] | None = None) -> list[BadgeProgress]:
    """Each of the programme's badges, with the participant's progress and award (`done`: the
    Things whose completion counts, when the caller has read them already)."""
    curriculum = programs_service.curriculum(session, program=program)
    if not curriculum.badges:
        return []
    awards = {row.badge_id: row for row in session.connection().execute(
        _AWARDS_OF, {"membership_id": membership_id})}
    done = counted_things(session, membership_id) if done is None else done
    found = []
    for badge in curriculum.badges:
        have, need = progress_towards(badge, curriculum=curriculum, program=program, done=done)
        award = awards.get(badge.id)
        found.append(BadgeProgress(badge, have, need,
                                   awarded_at=award.awarded_at if award else None,
                                   revoked=bool(award and award.revoked_at),
                                   public_id=award.public_id if award else None))
    return found
