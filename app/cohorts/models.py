from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.auth.models import Person
from app.db import StrEnumType, UTCDateTime, enum_check, utcnow
from app.errors import Forbidden
from app.i18n import _, text_in
from app.programs.models import Program


class Role(StrEnum):
    participant = "participant"
    trainer = "trainer"
    manager = "manager"


class Enrolment(StrEnum):
    closed = "closed"  # the trainer's roster decides who is in
    open = "open"  # people register themselves


class PostVisibility(StrEnum):
    """Who reads a post. Here, not in app.posts, because each cohort sets its default."""

    private = "private"  # the author and the cohort's trainers
    cohort = "cohort"  # every member of the cohort
    public = "public"  # anyone, when the cohort allows it


def role_label(role: str) -> str:
    """A role as people read it, translated."""
    labels = {Role.participant: _("participant"), Role.trainer: _("trainer"),
              Role.manager: _("manager")}
    return labels.get(role, role)  # type: ignore[call-overload]


class Cohort(SQLModel, table=True):
    __tablename__ = "cohorts"
    __table_args__ = (enum_check("enrolment", Enrolment),
                      enum_check("posts_default_visibility", PostVisibility))

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)
    program_id: int = Field(foreign_key="programs.id", index=True)
    title: str = Field(max_length=300)
    timezone: str = Field(max_length=64)
    starts_on: date
    ends_on: date
    final_session_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    organizations: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    due_overrides: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    enrolment: Enrolment = Field(default=Enrolment.closed, sa_type=StrEnumType(Enrolment, 10))
    pitch_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    posts_default_visibility: PostVisibility = Field(
        default=PostVisibility.cohort, sa_type=StrEnumType(PostVisibility, 10))
    posts_allow_public: bool = False
    benchmark: float = 0.7
    language: str | None = Field(default=None, max_length=10)  # None: the programme's
    signatory: str | None = Field(default=None, max_length=300)  # under its certificates
    translations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

    def text(self, name: str) -> str:
        """A text field in the reader's language, else as the file gives it first."""
        return text_in((self.translations or {}).get(name), str(getattr(self, name) or ""))


class CohortGroup(SQLModel, table=True):
    __tablename__ = "cohort_groups"
    __table_args__ = (UniqueConstraint("cohort_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    key: str = Field(max_length=100)
    name: str = Field(max_length=300)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the person the group turns to for information (the file's `resource`, or the trainer's)
    resource_user_id: int | None = Field(default=None, foreign_key="users.id")
    idea: str | None = Field(default=None, max_length=200)  # the idea's working title


class Membership(SQLModel, table=True):
    """One person's role in one cohort. Removed from the YAML means deactivated, never deleted."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id", "role"),
        enum_check("role", Role),
        Index("ix_memberships_user_cohort", "user_id", "cohort_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohorts.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    role: Role = Field(sa_type=StrEnumType(Role, 20))
    organization: str | None = Field(default=None, max_length=200)
    group_id: int | None = Field(default=None, foreign_key="cohort_groups.id")
    is_active: bool = True
    # registered through the cohort's open enrolment page, not listed in its file: an import
    # leaves them be (and they are active only once their e-mail address is verified)
    self_enrolled: bool = False
    # comments on this participant's posts since they last looked (the navigation's count,
    # read with the membership on every request, so it costs no query of its own)
    comments_unread: int = 0
    comments_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


@dataclass(frozen=True, slots=True)
class MembershipFacts:
    """A snapshot of a Membership row, read with the caller on every request."""

    id: int
    cohort_id: int
    role: Role
    organization: str | None
    group_id: int | None
    comments_unread: int = 0


# The membership an admin "holds" in a cohort they only oversee: no row, no organisation.
def admin_membership(cohort_id: int) -> MembershipFacts:
    return MembershipFacts(id=0, cohort_id=cohort_id, role=Role.trainer, organization=None,
                           group_id=None)


@dataclass
class Member:
    """The caller inside one cohort: who, where, in which role(s). Every domain above cohorts
    takes it as the one answer to "who is asking, and may they?"."""

    user: Person
    cohort: Cohort
    program: Program
    membership: Membership | MembershipFacts  # the participant one when there is one
    roles: list[Role] = field(default_factory=list)
    # a site admin in a cohort they are not on the roster of: they see it as its trainers and
    # managers do (roles), but hold no membership of their own in it
    is_admin_view: bool = False
    # when the caller came with an API token: which, and when it was last used (to note its use)
    token_id: int | None = None
    token_used_at: datetime | None = None

    @property
    def is_participant(self) -> bool:
        return Role.participant in self.roles

    @property
    def is_trainer(self) -> bool:
        return Role.trainer in self.roles

    @property
    def is_staff(self) -> bool:
        """A trainer or manager: sees the cohort's figures."""
        return Role.trainer in self.roles or Role.manager in self.roles

    @property
    def role(self) -> Role:
        """The first of the caller's roles (participant first when they hold several)."""
        return self.roles[0]


def require_trainer(member: Member, refusal: str) -> Member:
    """Signing off, inviting, reminding: the cohort's trainers (and site admins) only;
    `refusal` says, for the person refused, who can."""
    if not member.is_trainer:
        raise Forbidden(refusal)
    return member


def require_participant(member: Member) -> Member:
    """Things, reflections and posts are the participants' own; trainers and managers see."""
    if not member.is_participant:
        roles = ", ".join(role_label(r) for r in member.roles)
        raise Forbidden(_("Only this cohort's participants can do that; you are {roles} in it.")
                        .format(roles=roles))
    return member
