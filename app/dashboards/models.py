from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class ReminderSent(SQLModel, table=True):
    """A reminder mailed to a participant; one per person per day (the cohort's day), however
    often a trainer or a scheduled job asks."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("membership_id", "sent_on"),)

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="memberships.id")
    sent_on: date
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
