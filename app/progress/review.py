"""Signing off evidence: a trainer approves a completion of an `evidence: approval` Thing, or
sends it back with a comment. Only approved ones count toward the completion rule; every
decision is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts import models as cohort_rules
from app.cohorts.models import Member, Membership, Role
from app.db import id_of
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import _
from app.limits import POST_BODY_CHARS
from app.posts import service as posts_service
from app.programs import service as programs_service
from app.programs.models import ThingFacts
from app.progress import awards
from app.progress.models import Approval, ApprovalDecision, Completion, Decision


def require_trainer(member: Member) -> None:
    cohort_rules.require_trainer(member, _("Only this cohort's trainers sign off evidence."))


@dataclass(frozen=True)
class QueueItem:
    completion: Completion
    thing: ThingFacts
    participant: User
    reflection: str | None  # the participant's latest reflection on the Thing (trainers read it)

    @property
    def id(self) -> int:
        return id_of(self.completion)


@dataclass(frozen=True)
class HistoryEntry:
    decision: Decision
    comment: str | None
    decided_at: datetime
    decided_by: str  # the trainer's name


def queue(session: Session, *, member: Member) -> list[QueueItem]:
    """Completions waiting for a trainer in this cohort, oldest first."""
    require_trainer(member)
    things = {t.id: t for t in programs_service.curriculum(session, program=member.program).things}
    rows = session.exec(
        select(Completion, User)
        .join(Membership, col(Membership.id) == col(Completion.membership_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.cohort_id == member.cohort.id, col(Membership.is_active),
               Membership.role == Role.participant, Completion.approval == Approval.pending)
        .order_by(col(Completion.completed_at), col(Completion.id))
    ).all()
    pending = [(c, u) for c, u in rows if c.thing_id in things]
    reflections = posts_service.latest_reflections(
        session, pairs=[(c.membership_id, c.thing_id) for c, _u in pending])
    return [QueueItem(completion=c, thing=things[c.thing_id], participant=u,
                      reflection=reflections.get((c.membership_id, c.thing_id)))
            for c, u in pending]


def decide(
    session: Session, *, member: Member, completion_id: int, decision: Decision,
    comment: str | None = None, now: datetime | None = None,
) -> Completion:
    """Approve a waiting completion, or send it back with a comment saying what is missing."""
    require_trainer(member)
    now = now or datetime.now(UTC)
    row = session.exec(
        select(Completion, Membership)
        .join(Membership, col(Membership.id) == col(Completion.membership_id))
        .where(Completion.id == completion_id, Membership.cohort_id == member.cohort.id)
    ).first()
    if row is None:
        raise NotFound(_("Nothing waiting for sign-off with id {id} in this cohort.")
                       .format(id=completion_id))
    completion, membership = row
    text = (comment or "").strip() or None
    if text is not None and len(text) > POST_BODY_CHARS:
        raise InvalidInput(_("A comment can be at most {count} characters long.")
                           .format(count=POST_BODY_CHARS))
    if completion.approval != Approval.pending:
        raise Conflict(_("This was decided already; it is no longer waiting for sign-off."))
    if decision == Decision.send_back and text is None:
        raise InvalidInput(_("Say what is missing when you send it back: the participant reads "
                             "your comment."))
    completion.approval = Approval.approved if decision == Decision.approve else Approval.rejected
    completion.reviewed_by_id = id_of(member.user)
    completion.reviewed_at = now
    session.add(completion)
    session.add(ApprovalDecision(membership_id=completion.membership_id,
                                 thing_id=completion.thing_id, decision=decision, comment=text,
                                 decided_by_id=id_of(member.user), decided_at=now))
    session.flush()
    if decision == Decision.approve:  # it counts now: a badge's rule may be met by it
        awards.award_earned(session, membership_id=id_of(membership), program=member.program,
                            now=now)
    return completion


def history(session: Session, *, membership_id: int, thing_id: int) -> list[HistoryEntry]:
    """Every decision on one participant's Thing, newest first."""
    return history_of(session, membership_id=membership_id, thing_id=thing_id).get(thing_id, [])


def history_of(session: Session, *, membership_id: int,
               thing_id: int | None = None) -> dict[int, list[HistoryEntry]]:
    """Every decision on a participant's Things (or one Thing), per Thing, newest first."""
    statement = (
        select(ApprovalDecision, User.name).join(User, col(User.id) == col(ApprovalDecision.decided_by_id))
        .where(ApprovalDecision.membership_id == membership_id)
        .order_by(col(ApprovalDecision.decided_at).desc(), col(ApprovalDecision.id).desc()))
    if thing_id is not None:
        statement = statement.where(ApprovalDecision.thing_id == thing_id)
    found: dict[int, list[HistoryEntry]] = {}
    for decision, name in session.exec(statement).all():
        found.setdefault(decision.thing_id, []).append(HistoryEntry(
            decision=decision.decision, comment=decision.comment, decided_at=decision.decided_at,
            decided_by=name))
    return found
