"""A group's pitch: the idea and its action plan, every saved version kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


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
