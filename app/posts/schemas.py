"""What the API takes and shows of posts, read from the domain objects."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasPath, BaseModel, ConfigDict, Field

from app.cohorts.models import PostVisibility
from app.limits import POST_BODY_CHARS, POST_TITLE_CHARS
from app.schemas import SOME_TEXT, STORABLE_TEXT, Input


class PostIn(Input):
    title: str = Field(min_length=1, max_length=POST_TITLE_CHARS, pattern=SOME_TEXT)
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT)
    thing: str | None = Field(default=None, max_length=100, pattern=STORABLE_TEXT,
                              description="A Thing's key: the post is my reflection on it.")


class ReflectionIn(Input):
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT)


class AuthorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    email: str | None = Field(description="Shown to the author and the cohort's trainers only.")


class PostPublic(BaseModel):
    """A post (built from a PostDetail); `html` is the body as safe HTML."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias=AliasPath("post", "id"))
    title: str = Field(validation_alias=AliasPath("post", "title"))
    body: str = Field(validation_alias=AliasPath("post", "body"))
    html: str
    author: AuthorPublic
    thing: str | None = Field(validation_alias=AliasPath("thing", "key"), default=None)
    cohort: str = Field(validation_alias=AliasPath("cohort", "key"))
    word_count: int = Field(validation_alias=AliasPath("post", "word_count"))
    visibility: PostVisibility = Field(validation_alias=AliasPath("post", "visibility"))
    created_at: datetime = Field(validation_alias=AliasPath("post", "created_at"))
    updated_at: datetime = Field(validation_alias=AliasPath("post", "updated_at"))
    comments: list[dict[str, object]] = Field(default_factory=list)
