"""The outbox: every mail Ting sends is first a row here, written in the same transaction as
the change that caused it, so a rolled-back change sends nothing and a mail server that is
down delays mail but never loses it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class OutboxMail(SQLModel, table=True):
    __tablename__ = "outbox_mails"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str  # plain text
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # when the next attempt may be made; pushed back after each failure (with backoff) and, while
    # a sender works on it, by the sender's lease, so two senders never take the same mail
    send_after: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False,
                                 index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
