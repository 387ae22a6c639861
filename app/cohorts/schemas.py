"""What the API shows of people and cohorts, read from the domain objects."""

from __future__ import annotations

from datetime import date

from pydantic import AliasPath, BaseModel, ConfigDict, Field

from app.cohorts.models import Role


class MePublic(BaseModel):
    email: str
    name: str
    roles: list[Role]
    admin: bool = Field(description="A site admin sees every cohort as its trainers do.")


class CohortPublic(BaseModel):
    """A cohort I belong to (built from a Member), with my role(s) in it."""

    model_config = ConfigDict(from_attributes=True)

    key: str = Field(validation_alias=AliasPath("cohort", "key"))
    title: str = Field(validation_alias=AliasPath("cohort", "title"))
    program: str = Field(validation_alias=AliasPath("program", "key"))
    role: Role
    roles: list[Role]
    timezone: str = Field(validation_alias=AliasPath("cohort", "timezone"))
    starts: date = Field(validation_alias=AliasPath("cohort", "starts_on"))
    ends: date = Field(validation_alias=AliasPath("cohort", "ends_on"))
