"""Badges as participants and staff see them: what each is for, how far one is towards it, the
hours it stands for, and its picture."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.badges import images
from app.cohorts.models import Member
from app.errors import NotFound
from app.i18n import _
from app.programs import service as programs_service
from app.programs.models import Badge, BadgeFacts, BadgeRule, Program, ThingKind
from app.programs.service import Curriculum
from app.progress import awards
from app.progress.awards import BadgeProgress


@dataclass(frozen=True)
class BadgeCard:
    badge: BadgeFacts
    hours: float | None  # CPD hours: as the YAML says, else from the Things' minutes
    progress: BadgeProgress | None  # None for staff: they see what each badge is for

    @property
    def public_id(self) -> str | None:
        return self.progress.public_id if self.progress else None

    @property
    def hours_shown(self) -> str:
        """7.5, or 12 (no ".0")."""
        return f"{self.hours:g}" if self.hours is not None else ""

    @property
    def hours_count(self) -> int:
        """For the plural form: 1 only for exactly one hour."""
        return 1 if self.hours == 1 else 2


def hours_for(badge: BadgeFacts, curriculum: Curriculum) -> float | None:
    """The hours a badge stands for: as given, else the minutes of the Things it covers, in
    half hours (None when no Thing says how long it takes)."""
    if badge.hours is not None:
        return badge.hours
    if badge.rule == BadgeRule.programme:
        covered = [t for t in curriculum.things if t.kind != ThingKind.optional]
    else:
        covered = [t for t in curriculum.things if t.theme_key == badge.theme_key]
    minutes = sum(t.minutes or 0 for t in covered)
    return max(0.5, round(minutes / 30) / 2) if minutes else None


def cards(session: Session, *, member: Member) -> list[BadgeCard]:
    """The programme's badges; a participant's with their progress and awards."""
    curriculum = programs_service.curriculum(session, program=member.program)
    if not curriculum.badges:
        return []
    if not member.is_participant:
        return [BadgeCard(b, hours_for(b, curriculum), None) for b in curriculum.badges]
    progress = awards.badges_of(session, membership_id=member.membership.id or 0,
                                program=member.program)
    return [BadgeCard(p.badge, hours_for(p.badge, curriculum), p) for p in progress]


def image(session: Session, *, program_key: str, badge_key: str) -> str:
    """A badge's picture (SVG), archived badges' too: credentials keep pointing at it."""
    name = session.exec(select(Badge.name).join(Program).where(
        Program.key == program_key, Badge.key == badge_key)).first()
    if name is None:
        raise NotFound(_("No such badge."))
    return images.default_svg(name)
