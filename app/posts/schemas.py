"""What the API takes and shows of posts and comments, read from the domain objects."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasPath, BaseModel, ConfigDict, Field

from app.cohorts.models import PostVisibility
from app.limits import POST_BODY_CHARS, POST_TITLE_CHARS
from app.schemas import SOME_TEXT, STORABLE_TEXT, Input

_VISIBILITY = ("Who reads it: `private` (me and the cohort's trainers), `cohort` (its members) "
               "or `public` (anyone with the link, where the cohort allows it). Default: the "
               "cohort's.")


class PostIn(Input):
    title: str = Field(min_length=1, max_length=POST_TITLE_CHARS, pattern=SOME_TEXT)
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="Markdown; raw HTML is shown as text.")
    thing: str | None = Field(default=None, max_length=100, pattern=STORABLE_TEXT,
                              description="A Thing's key: the post is my reflection on it.")
    visibility: PostVisibility | None = Field(default=None, description=_VISIBILITY)


class PostChange(Input):
    """Only the fields given change."""

    title: str | None = Field(default=None, min_length=1, max_length=POST_TITLE_CHARS, pattern=SOME_TEXT)
    body: str | None = Field(default=None, min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT)
    visibility: PostVisibility | None = Field(default=None, description=_VISIBILITY)


class ReflectionIn(Input):
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT)


class QuestionIn(Input):
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="Markdown; raw HTML is shown as text.")
    thing: str | None = Field(default=None, max_length=100, pattern=STORABLE_TEXT,
                              description="The key of the Thing the question is about.")


class CommentIn(Input):
    body: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="Markdown; raw HTML is shown as text.")


class AuthorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    email: str | None = Field(description="Shown to the author and the cohort's trainers only.")


class CommentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias=AliasPath("comment", "id"))
    post: int = Field(validation_alias=AliasPath("comment", "post_id"))
    author: str = Field(validation_alias="author_name")
    body: str = Field(validation_alias=AliasPath("comment", "body"))
    html: str = Field(description="The body as sanitised HTML.")
    created_at: datetime = Field(validation_alias=AliasPath("comment", "created_at"))


class PostPublic(BaseModel):
    """A post (built from a PostDetail); `html` is the body as safe HTML."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias=AliasPath("post", "id"))
    title: str = Field(validation_alias=AliasPath("post", "title"))
    body: str = Field(validation_alias=AliasPath("post", "body"))
    html: str = Field(description="The body as sanitised HTML.")
    author: AuthorPublic
    thing: str | None = Field(validation_alias=AliasPath("thing", "key"), default=None)
    cohort: str = Field(validation_alias=AliasPath("cohort", "key"))
    word_count: int = Field(validation_alias=AliasPath("post", "word_count"))
    visibility: PostVisibility = Field(validation_alias=AliasPath("post", "visibility"))
    created_at: datetime = Field(validation_alias=AliasPath("post", "created_at"))
    updated_at: datetime = Field(validation_alias=AliasPath("post", "updated_at"))
    comments: list[CommentPublic] = Field(description="Oldest first; hidden ones are left out.")


class PostSummaryPublic(BaseModel):
    """A post in a list (built from a blog Entry)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(validation_alias=AliasPath("post", "id"))
    title: str = Field(validation_alias=AliasPath("post", "title"))
    html: str = Field(description="The body as sanitised HTML.")
    author: str = Field(validation_alias="author_name")
    author_id: int = Field(validation_alias="author_membership_id",
                           description="Their blog: `?author=` this id.")
    thing: str | None = Field(validation_alias="thing_key")
    visibility: PostVisibility = Field(validation_alias=AliasPath("post", "visibility"))
    word_count: int = Field(validation_alias=AliasPath("post", "word_count"))
    comments: int = Field(description="How many comments it has (hidden ones not counted).")
    created_at: datetime = Field(validation_alias=AliasPath("post", "created_at"))


class PostListPublic(BaseModel):
    posts: list[PostSummaryPublic]
    next: int | None = Field(description="Pass as `after` for the next (older) page; null on "
                             "the last page.")


class DeletedPublic(BaseModel):
    id: int
    reopened: str | None = Field(description="The key of the Thing that went back to open, if any.")
