"""A group's pitch (every saved version kept) and the cohort's final vote on the pitches."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import StrEnumType, UTCDateTime, enum_check, utcnow


class PitchVersion(SQLModel, table=True):
    """One saved version of a group's pitch; the newest is the pitch."""

    __tablename__ = "pitch_versions"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="cohort_groups.id", index=True)
    number: int  # 1, 2, 3 ... per group; the unique pair refuses two saves as one number
    title: str = Field(max_length=200)
    summary: str = Field(sa_type=Text)
    plan: str = Field(sa_type=Text)  # Markdown
    plan_html: str = Field(default="", sa_type=Text)  # rendered once, when saved
    slides_url: str | None = Field(default=None, max_length=2000)
    author_id: int = Field(foreign_key="memberships.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class VotingState(StrEnum):
    closed = "closed"
    open = "open"
    counted = "counted"  # trainers see the results
    published = "published"  # everyone does


class Voting(SQLModel, table=True):
    """A cohort's final vote: where it stands, and when an open vote closes by itself."""

    __tablename__ = "votings"
    __table_args__ = (enum_check("state", VotingState),)

    cohort_id: int = Field(foreign_key="cohorts.id", primary_key=True)
    state: VotingState = Field(default=VotingState.closed, sa_type=StrEnumType(VotingState, 10))
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the countdown's end
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # decided when counted: the group(s) with the most votes, or the trainer's choice among tied
    winners: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    tie_reason: str | None = Field(default=None, sa_type=Text)  # why the trainer chose so


class VotingChange(SQLModel, table=True):
    """The record of the vote: each change of state, who made it (none: the countdown), when."""

    __tablename__ = "voting_changes"

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    from_state: str = Field(max_length=10)
    to_state: str = Field(max_length=10)
    by_user_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    note: str = Field(default="", sa_type=Text)  # e.g. a tie's choice and its reason


class Ballot(SQLModel, table=True):
    """One participant's ballot: the database holds one per person per cohort. Who chose whom
    is never shown anywhere; only the counts are."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("cohort_id", "membership_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    membership_id: int = Field(foreign_key="memberships.id")
    cast_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class BallotChoice(SQLModel, table=True):
    __tablename__ = "ballot_choices"
    __table_args__ = (UniqueConstraint("ballot_id", "group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="ballots.id", index=True)
    group_id: int = Field(foreign_key="cohort_groups.id", index=True)


class PilotStatus(StrEnum):
    approved = "approved"
    running = "running"
    done = "done"


class Pilot(SQLModel, table=True):
    """The winning idea, approved by a manager to run as a pilot, with what they committed."""

    __tablename__ = "pilots"
    __table_args__ = (enum_check("status", PilotStatus),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    group_id: int = Field(foreign_key="cohort_groups.id", unique=True)
    resources: str = Field(sa_type=Text)  # what management commits: time, money, people
    status: PilotStatus = Field(default=PilotStatus.approved, sa_type=StrEnumType(PilotStatus, 10))
    approved_by_id: int = Field(foreign_key="users.id")
    approved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class PilotUpdate(SQLModel, table=True):
    """A dated note from the group on how the pilot goes, perhaps moving it on."""

    __tablename__ = "pilot_updates"

    id: int | None = Field(default=None, primary_key=True)
    pilot_id: int = Field(foreign_key="pilots.id", index=True)
    author_id: int = Field(foreign_key="memberships.id")
    body: str = Field(sa_type=Text)
    body_html: str = Field(default="", sa_type=Text)
    status: PilotStatus | None = Field(default=None, sa_type=StrEnumType(PilotStatus, 10))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
