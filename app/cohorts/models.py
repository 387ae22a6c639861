from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.i18n import _


class Role(StrEnum):
    participant = "participant"
    trainer = "trainer"
    manager = "manager"


def role_label(role: str) -> str:
    """A role as people read it, translated."""
    labels = {Role.participant: _("participant"), Role.trainer: _("trainer"),
              Role.manager: _("manager")}
    return labels.get(role, role)  # type: ignore[call-overload]


class Cohort(SQLModel, table=True):
    __tablename__ = "cohorts"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)
    program_id: int = Field(foreign_key="programs.id", index=True)
    title: str = Field(max_length=300)
    timezone: str = Field(max_length=64)
    starts_on: date
    ends_on: date
    final_session_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    organizations: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    due_overrides: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    enrolment: str = Field(default="closed", max_length=10)
    pitch_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    posts_default_visibility: str = Field(default="cohort", max_length=10)
    posts_allow_public: bool = False
    benchmark: float = 0.7
    translations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class CohortGroup(SQLModel, table=True):
    __tablename__ = "cohort_groups"
    __table_args__ = (UniqueConstraint("cohort_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    key: str = Field(max_length=100)
    name: str = Field(max_length=300)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    """One person's role in one cohort. Removed from the YAML means deactivated, never deleted."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id", "role"),
        CheckConstraint("role IN ('participant', 'trainer', 'manager')", name="role"),
        Index("ix_memberships_user_cohort", "user_id", "cohort_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    role: str = Field(max_length=20)
    organization: str | None = Field(default=None, max_length=200)
    group_id: int | None = Field(default=None, foreign_key="cohort_groups.id")
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class CohortPublic(SQLModel):
    key: str
    title: str
    program: str
    role: str
    roles: list[str]
    timezone: str
    starts: date
    ends: date
