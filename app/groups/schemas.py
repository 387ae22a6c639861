"""Groups in the API."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasPath, BaseModel, ConfigDict, Field

from app.schemas import SOME_TEXT, STORABLE_TEXT, Input


class GroupMemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    membership_id: int
    name: str
    organization: str | None


class GroupPublic(BaseModel):
    """A group (built from a GroupView)."""

    model_config = ConfigDict(from_attributes=True)

    key: str = Field(validation_alias=AliasPath("group", "key"))
    name: str = Field(validation_alias=AliasPath("group", "name"))
    idea: str | None = Field(validation_alias=AliasPath("group", "idea"),
                             description="The idea's working title.")
    resource: str | None = Field(validation_alias="resource_name",
                                 description="The resource person's name.")
    members: list[GroupMemberPublic]
    max_size: int
    is_mine: bool
    may_enter: bool = Field(description="Whether the caller may read and write the group's space.")


class GroupListPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    groups: list[GroupPublic]
    self_select: bool = Field(description="Whether participants join and leave groups themselves.")
    open_until: datetime | None = Field(description="When joining and leaving ends.")
    is_open: bool


class GroupMoveIn(Input):
    group: str | None = Field(default=None, max_length=100, pattern=SOME_TEXT,
                              description="The group's key; null takes the person out of groups.")


class IdeaIn(Input):
    idea: str = Field(max_length=200, pattern=STORABLE_TEXT,
                      description="The idea's working title; empty clears it.")
