from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from secrets import token_hex
from uuid import uuid4

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import StrEnumType, UTCDateTime, enum_check, utcnow


class ThingStatus(StrEnum):
    locked = "locked"
    open = "open"
    overdue = "overdue"
    done = "done"


class Approval(StrEnum):
    not_needed = "not_needed"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


# A completion counts toward the rule unless it still waits for, or was returned by, the trainer.
COUNTED = frozenset({Approval.not_needed, Approval.approved})


class Completion(SQLModel, table=True):
    """A participant marked a Thing done. One row per participant and Thing, at most."""

    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("membership_id", "thing_id"),
        enum_check("approval", Approval),
    )

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="memberships.id")
    thing_id: int = Field(foreign_key="things.id", index=True)
    completed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    evidence_url: str | None = Field(default=None, max_length=2000)
    approval: Approval = Field(default=Approval.not_needed, sa_type=StrEnumType(Approval, 12))
    reviewed_by_id: int | None = Field(default=None, foreign_key="users.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def counts(self) -> bool:
        """Whether it counts towards the completion rule (approval Things need the trainer)."""
        return self.approval in COUNTED


@dataclass(frozen=True, slots=True)
class CompletionRecord:
    """A completion as a list reads it: the columns it shows, without an ORM object."""

    thing_id: int
    completed_at: datetime
    evidence_url: str | None
    approval: Approval

    @property
    def counts(self) -> bool:
        return self.approval in COUNTED


# What a ThingView holds: the row itself where it may change, the record where it is only read.
CompletionLike = Completion | CompletionRecord


class Award(SQLModel, table=True):
    """A badge a participant earned, the moment its rule was met. A trainer may revoke it (with
    a reason); it is never deleted, so its credential can say it was revoked."""

    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("membership_id", "badge_id"),)

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="memberships.id", index=True)
    badge_id: int = Field(foreign_key="badges.id", index=True)
    awarded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # the credential's id, in its public address: not guessable from the row id
    public_id: str = Field(default_factory=lambda: uuid4().hex, max_length=32, unique=True)
    # hashes the e-mail address that identifies the earner in the credential
    salt: str = Field(default_factory=lambda: token_hex(16), max_length=32)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by_id: int | None = Field(default=None, foreign_key="users.id")
    revoked_reason: str | None = Field(default=None, max_length=500)


class Decision(StrEnum):
    approve = "approve"
    send_back = "send_back"


class ApprovalDecision(SQLModel, table=True):
    """A trainer's decision on evidence, kept for the record (a completion may be undone and
    done again; its history stays)."""

    __tablename__ = "approval_decisions"
    __table_args__ = (enum_check("decision", Decision),)

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="memberships.id", index=True)
    thing_id: int = Field(foreign_key="things.id")
    decision: Decision = Field(sa_type=StrEnumType(Decision, 10))
    comment: str | None = Field(default=None, sa_type=Text)
    decided_by_id: int = Field(foreign_key="users.id")
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
