"""Badges as participants and staff see them: what each is for, how far one is towards it, the
hours it stands for, and its picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.auth.models import User
from app.badges import images
from app.cohorts import models as cohort_rules
from app.cohorts.models import Member, Membership
from app.db import id_of
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import _, speaking
from app.mail import service as mail_service
from app.programs import service as programs_service
from app.programs.models import (
    PNG_TYPE,
    SVG_TYPE,
    Badge,
    BadgeFacts,
    BadgeImage,
    BadgeRule,
    Program,
    ThingKind,
)
from app.programs.service import Curriculum
from app.progress import awards
from app.progress.awards import BadgeProgress
from app.progress.models import Award


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


def image(session: Session, *, program_key: str, badge_key: str,
          suffix: str) -> tuple[str, bytes]:
    """A badge's picture and its media type, archived badges' too: credentials keep pointing
    at it. The .svg address always answers (the shipped SVG, else one drawn from the name);
    the .png one when a PNG was shipped."""
    found = session.exec(select(Badge.id, Badge.name, Badge.image_type).join(Program).where(
        Program.key == program_key, Badge.key == badge_key)).first()
    if found is None or suffix not in ("svg", "png"):
        raise NotFound(_("No such badge."))
    badge_id, name, image_type = found
    wanted = PNG_TYPE if suffix == "png" else SVG_TYPE
    if image_type == wanted:
        stored = session.get(BadgeImage, badge_id)
        if stored is not None:
            return wanted, stored.data
    if wanted == SVG_TYPE:
        return SVG_TYPE, images.default_svg(name).encode()
    raise NotFound(_("No such badge."))


REASON_CHARS = 500


def revoke(session: Session, *, member: Member, membership_id: int, badge_key: str,
           reason: str, now: datetime | None = None) -> Award:
    """A trainer withdraws a participant's badge, with a reason; its credential says so from
    then on (its status list too), and the participant is told by mail, in their language."""
    cohort_rules.require_trainer(member, _("Only the cohort's trainers withdraw badges."))
    text = reason.strip()
    if not text:
        raise InvalidInput(_("Say why the badge is withdrawn: the participant is told."),
                           field="reason")
    if len(text) > REASON_CHARS:
        raise InvalidInput(_("A reason can be at most {count} characters long.").format(
            count=REASON_CHARS), field="reason")
    found = session.exec(
        select(Award, Membership, User).join(Badge, col(Badge.id) == col(Award.badge_id))
        .join(Membership, col(Membership.id) == col(Award.membership_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Award.membership_id == membership_id, Membership.cohort_id == member.cohort.id,
               Badge.key == badge_key, Badge.program_id == member.program.id)).first()
    if found is None:
        raise NotFound(_("This participant has not earned that badge."))
    award, _membership, earner = found
    if award.revoked_at is not None:
        raise Conflict(_("This badge was withdrawn already."))
    award.revoked_at, award.revoked_by_id = now or datetime.now(UTC), id_of(member.user)
    award.revoked_reason = text
    session.add(award)
    name = session.exec(select(Badge.name).where(Badge.id == award.badge_id)).one()
    with speaking(earner.language, member.cohort.language):
        mail_service.queue(session, to=earner.email, subject=_("Your badge “{badge}” was withdrawn")
                           .format(badge=name), body=_(
            "Hello {name},\n\nA trainer of {cohort} has withdrawn your badge “{badge}”. Their "
            "reason:\n\n{reason}\n\nIts credential and certificate no longer count as valid. If "
            "you think this is a mistake, answer your trainer.").format(
                name=earner.name, cohort=member.cohort.text("title"), badge=name, reason=text))
    session.flush()
    return award
