"""The cohort forum: topics in the programme's categories, and the posts that make them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import StrEnumType, UTCDateTime, enum_check, utcnow


class ModerationAction(StrEnum):
    pin = "pin"
    unpin = "unpin"
    lock = "lock"
    unlock = "unlock"
    move = "move"
    hide = "hide"
    unhide = "unhide"


class ForumTopic(SQLModel, table=True):
    __tablename__ = "forum_topics"
    __table_args__ = (
        # a category's list: pinned topics, then newest activity first
        Index("ix_forum_topics_cohort_pinned_activity", "cohort_id", "pinned", "last_activity_at",
              "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id")
    category: str = Field(max_length=100)  # as the programme names it
    title: str = Field(max_length=200)
    author_id: int = Field(foreign_key="memberships.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_activity_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    replies: int = 0  # posts after the opening one, kept with each reply (lists show it)
    # set: the topic is in that group's private space, not in the cohort's forum
    group_id: int | None = Field(default=None, foreign_key="cohort_groups.id", index=True)
    # the reply marked as the answer (by the topic's author or a trainer): shown first
    answer_post_id: int | None = None
    answered_by_id: int | None = Field(default=None, foreign_key="memberships.id")
    # a trainer's moderation (each change also in the record, ForumModeration)
    pinned: bool = False
    locked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # no replies since
    hidden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # its opening post hidden


class ForumPost(SQLModel, table=True):
    """The opening post of a topic, or a reply to it."""

    __tablename__ = "forum_posts"
    __table_args__ = (Index("ix_forum_posts_topic", "topic_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="forum_topics.id")
    author_id: int = Field(foreign_key="memberships.id")
    # the topic's title on its opening post, empty on replies: searched with the body (the
    # search index is the database's own, made by migration 0011: an FTS5 table kept by
    # triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL)
    title: str = Field(default="", max_length=200)
    body: str = Field(sa_type=Text)

    @property
    def is_opening(self) -> bool:
        return bool(self.title)  # only the opening post carries its topic's title
    body_html: str = Field(default="", sa_type=Text)  # rendered once, when written
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # hidden by a trainer: kept, shown to trainers; who and why in the record
    hidden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ForumRead(SQLModel, table=True):
    """How far one person has read one topic: its posts then (a list marks what is new)."""

    __tablename__ = "forum_reads"
    __table_args__ = (UniqueConstraint("membership_id", "topic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="memberships.id")
    topic_id: int = Field(foreign_key="forum_topics.id")
    seen_posts: int = 0


class ForumModeration(SQLModel, table=True):
    """The record of a trainer's moderation: what, to which topic or post, who, when."""

    __tablename__ = "forum_moderation"
    __table_args__ = (enum_check("action", ModerationAction),)

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="forum_topics.id", index=True)
    post_id: int | None = Field(default=None, foreign_key="forum_posts.id")
    action: ModerationAction = Field(sa_type=StrEnumType(ModerationAction, 10))
    detail: str = Field(default="", max_length=300)  # e.g. the categories of a move
    by_user_id: int = Field(foreign_key="users.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ForumSubscription(SQLModel, table=True):
    """Someone following a topic, or a category of the cohort's forum: by mail, each new reply
    at once (`each`) or at most one digest a day."""

    __tablename__ = "forum_subscriptions"
    __table_args__ = (UniqueConstraint("membership_id", "topic_id", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    membership_id: int = Field(foreign_key="memberships.id", index=True)
    cohort_id: int = Field(foreign_key="cohorts.id")
    topic_id: int | None = Field(default=None, foreign_key="forum_topics.id", index=True)
    category: str = Field(default="", max_length=100)  # a category's name; "" for a topic
    each: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ForumDigest(SQLModel, table=True):
    """When one person's last forum digest went out: at most one a day, even with several
    server processes sending (the row is claimed with one conditional UPDATE)."""

    __tablename__ = "forum_digests"

    membership_id: int = Field(foreign_key="memberships.id", primary_key=True)
    sent_at: datetime = Field(sa_type=UTCDateTime)
