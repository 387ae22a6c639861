from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Text
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class Post(SQLModel, table=True):
    """A learning-blog entry; tied to a Thing it is that Thing's reflection."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_author_thing", "author_id", "thing_id"),
        CheckConstraint("visibility IN ('private', 'cohort', 'public')", name="visibility"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    author_id: int = Field(foreign_key="memberships.id")
    thing_id: int | None = Field(default=None, foreign_key="things.id")
    title: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    word_count: int = 0
    visibility: str = Field(default="cohort", max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class PostIn(SQLModel):
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=100_000)
    thing: str | None = None


class ReflectionIn(SQLModel):
    body: str = Field(min_length=1, max_length=100_000)


class AuthorPublic(SQLModel):
    name: str
    email: str


class PostPublic(SQLModel):
    id: int
    title: str
    body: str
    html: str
    author: AuthorPublic
    thing: str | None
    cohort: str
    word_count: int
    visibility: str
    created_at: datetime
    updated_at: datetime
    comments: list[dict[str, object]]
