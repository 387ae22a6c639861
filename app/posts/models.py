from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.cohorts.models import PostVisibility
from app.db import StrEnumType, UTCDateTime, enum_check, utcnow
from app.limits import URL_CHARS


class Post(SQLModel, table=True):
    """A learning-blog entry; tied to a Thing it is that Thing's reflection. A deleted post
    leaves every view but is kept for the record."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_author_thing", "author_id", "thing_id"),
        Index("ix_posts_cohort_created", "cohort_id", "created_at", "id"),  # the stream
        Index("ix_posts_author_created", "author_id", "created_at", "id"),  # a blog
        enum_check("visibility", PostVisibility),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    author_id: int = Field(foreign_key="memberships.id")
    thing_id: int | None = Field(default=None, foreign_key="things.id")
    title: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    # the body as safe HTML, rendered when written, so lists of posts render no Markdown
    # ("" for posts written before it was kept: they are rendered when shown)
    body_html: str = Field(default="", sa_type=Text)
    word_count: int = 0
    visibility: PostVisibility = Field(default=PostVisibility.cohort,
                                       sa_type=StrEnumType(PostVisibility, 10))
    # a question to the cohort's trainers ("Ask the trainer"): always private
    is_question: bool = False
    # a reflection's link to the work, as typed with a draft (the Thing is not done yet)
    draft_link: str | None = Field(default=None, max_length=URL_CHARS)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Comment(SQLModel, table=True):
    """A reader's comment on a post. The post's author and the trainers may hide it: it leaves
    the page but is kept for the record."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_post_created", "post_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="posts.id")
    author_id: int = Field(foreign_key="memberships.id", index=True)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    hidden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hidden_by_id: int | None = Field(default=None, foreign_key="memberships.id")

