from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlmodel import Field, SQLModel

from app.db import StrEnumType, UTCDateTime, enum_check, utcnow


class SignInMethod(StrEnum):
    demo = "demo"  # the demo login, only in demo mode
    oidc = "oidc"  # single sign-on
    password = "password"  # a password set through an invitation


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)  # stored lower-case
    name: str = Field(max_length=200)
    is_admin: bool = False  # sees every cohort and the outbox (`ting admin create`)
    is_author: bool = False  # publishes programmes and cohorts (`ting admin grant-author`)
    password_hash: str | None = Field(default=None, max_length=200)  # argon2id; none: no password
    last_signed_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # part of what the private feed addresses are signed with: one more ends all of them
    feed_generation: int = 0
    language: str | None = Field(default=None, max_length=10)  # chosen in the page footer
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ApiToken(SQLModel, table=True):
    """A personal access token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LinkPurpose(StrEnum):
    invitation = "invitation"  # set a first password
    password_reset = "password_reset"  # set a new one
    email_verification = "email_verification"  # confirm an address given when registering


class AccountLink(SQLModel, table=True):
    """A link mailed to one person that works once and expires; only its digest is stored."""

    __tablename__ = "account_links"
    __table_args__ = (enum_check("purpose", LinkPurpose),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    purpose: LinkPurpose = Field(sa_type=StrEnumType(LinkPurpose, 20))
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SignInFailure(SQLModel, table=True):
    """A failed password sign-in, counted per account and per client address to slow down
    guessing. Old rows mean nothing and are cleared as new ones come."""

    __tablename__ = "sign_in_failures"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    client: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class BrowserSession(SQLModel, table=True):
    """One signed-in browser. The cookie holds a secret; only its SHA-256 digest is stored, and
    signing out ends the row, so a copied cookie stops working at once."""

    __tablename__ = "browser_sessions"
    __table_args__ = (enum_check("method", SignInMethod),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    secret_hash: str = Field(max_length=64, unique=True)
    method: SignInMethod = Field(sa_type=StrEnumType(SignInMethod, 10))
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Person(Protocol):
    """Who someone is, as pages and rules read it: a User row, or a snapshot of one."""

    @property
    def id(self) -> int | None: ...
    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def is_admin(self) -> bool: ...
    @property
    def language(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """A snapshot of a User row, read with the caller's membership (no ORM object to build)."""

    id: int
    email: str
    name: str
    is_admin: bool = False
    language: str | None = None
