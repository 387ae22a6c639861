"""The forum in the API (DESIGN.md §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasPath, BaseModel, ConfigDict, Field, field_validator

from app.forum.models import ModerationAction
from app.limits import POST_BODY_CHARS
from app.schemas import SOME_TEXT, Input

TITLE_CHARS = 200


class SpaceTopicIn(Input):
    """A topic in a group's space."""

    title: str = Field(min_length=1, max_length=TITLE_CHARS, pattern=SOME_TEXT)
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="Markdown.")


class TopicIn(SpaceTopicIn):
    category: str = Field(min_length=1, max_length=100, pattern=SOME_TEXT,
                          description="One of the programme's forum categories.")


class ModerationIn(Input):
    action: ModerationAction = Field(description="pin, unpin, lock, unlock or move.")
    category: str | None = Field(default=None, max_length=100, pattern=SOME_TEXT,
                                 description="For move: one of the forum's categories.")


class HiddenIn(Input):
    hidden: bool


class EditIn(Input):
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="Markdown.")


class AnswerIn(Input):
    post: int = Field(ge=1, le=2**31 - 1, description="The id of one of the topic's replies.")


class ReplyIn(Input):
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="Markdown.")


class ReplyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias=AliasPath("post", "id"))
    topic: int = Field(validation_alias=AliasPath("post", "topic_id"))
    body: str = Field(description="Empty when a trainer has hidden the reply (trainers see it).")
    html: str = Field(validation_alias="body_html", description="The body as sanitised HTML.")
    hidden: bool = Field(description="Hidden by a trainer.")
    author: str = Field(validation_alias="author_name")
    created_at: datetime = Field(validation_alias=AliasPath("post", "created_at"))
    edited_at: datetime | None = Field(validation_alias=AliasPath("post", "edited_at"))


class TopicPublic(BaseModel):
    """A topic with its opening post (built from a TopicDetail)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias=AliasPath("topic", "id"))
    category: str = Field(validation_alias=AliasPath("topic", "category"))
    title: str = Field(validation_alias=AliasPath("topic", "title"))
    body: str = Field(validation_alias=AliasPath("opening", "post", "body"))
    html: str = Field(validation_alias=AliasPath("opening", "post", "body_html"),
                      description="The body as sanitised HTML.")
    author: str = Field(validation_alias="author_name")
    created_at: datetime = Field(validation_alias=AliasPath("topic", "created_at"))
    replies: int = Field(validation_alias=AliasPath("topic", "replies"))
    pinned: bool = Field(validation_alias=AliasPath("topic", "pinned"))
    locked: bool = Field(validation_alias=AliasPath("topic", "locked_at"),
                         description="No more replies.")
    answer: ReplyPublic | None = Field(description="The reply marked as the answer, if any.")
    reply_page: list[ReplyPublic] = Field(validation_alias="replies",
                                          description="This page of replies, oldest first.")
    next_page: int | None = Field(default=None, description="Pass as `page` for more replies.")

    @field_validator("locked", mode="before")
    @classmethod
    def _locked_since(cls, value: object) -> bool:
        return value is not None and value is not False


class TopicSummaryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    category: str
    title: str
    author: str = Field(validation_alias="author_name")
    created_at: datetime
    last_activity_at: datetime
    replies: int
    answered: bool
    pinned: bool
    locked: bool


class TopicListPublic(BaseModel):
    topics: list[TopicSummaryPublic]
    next_page: int | None = Field(description="Pass as `page` for the next page; null on the last.")


class SearchHitPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    topic: int = Field(validation_alias="topic_id")
    topic_title: str
    category: str = Field(description="Empty for a topic in a group's space.")
    group: str | None = Field(validation_alias="group_name",
                              description="The group whose space the topic is in.")
    post: int = Field(validation_alias="post_id")
    is_opening: bool = Field(description="The topic's opening post, not a reply.")
    is_answer: bool
    author: str = Field(validation_alias="author_name")
    created_at: datetime
    snippet_html: str = Field(validation_alias="snippet",
                              description="Escaped text with the matches in <mark>.")


class SearchResultsPublic(BaseModel):
    query: str = Field(description="The words searched for.")
    hits: list[SearchHitPublic]
    next_page: int | None


class FollowIn(Input):
    topic: int | None = Field(default=None, ge=1, le=2**31 - 1, description="A topic's id.")
    category: str | None = Field(default=None, max_length=100, pattern=SOME_TEXT,
                                 description="One of the forum's categories (without `topic`).")
    mode: Literal["each", "digest", "none"] = Field(
        description="each: every reply at once; digest: at most one mail a day; none: stop.")


class FollowingPublic(BaseModel):
    subscribed: bool
    each: bool
