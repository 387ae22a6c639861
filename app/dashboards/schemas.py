"""What the API shows of a cohort's figures (DESIGN.md §6), read from the Dashboard."""

from __future__ import annotations

from datetime import date

from pydantic import AliasPath, BaseModel, ConfigDict, Field

from app.programs.models import ThingKind


class OrganizationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organization: str | None
    participants: int
    started: int
    completed: int
    badges: int = Field(description="Badges held (awarded and not withdrawn).")


class ThingDonePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    kind: ThingKind
    done: int = Field(description="Participants for whom it is done (waiting for the trainer's "
                      "approval included).")


class WeekPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    week: date = Field(description="The Monday the week starts, in the cohort's time zone.")
    completions: int


class DashboardPublic(BaseModel):
    """A cohort's figures: one definition for the page, the API and the CSV export."""

    model_config = ConfigDict(from_attributes=True)

    cohort: str = Field(validation_alias=AliasPath("member", "cohort", "key"))
    participants: int = Field(description="Active participants of the cohort.")
    started: int = Field(description="Participants with at least one Thing done or one post.")
    completed: int = Field(description="Participants who meet the programme's completion rule.")
    completion_rate: float = Field(description="completed / participants (0 when there are none).")
    overdue: int = Field(description="Participants with a must-do Thing past due and not done.")
    benchmark: float = Field(description="The completion rate the cohort compares itself with.")
    by_organization: list[OrganizationPublic]
    by_thing: list[ThingDonePublic]
    by_week: list[WeekPublic]


class MatrixRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: str
    name: str
    organization: str | None
    group: str | None
    completed: bool
    cells: list[str] = Field(description="Per Thing, in the order of `things`: done, waiting, "
                             "returned, overdue, open or locked.")


class MatrixPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total: int
    page: int
    pages: int
    things: list[str]
    rows: list[MatrixRowPublic]


class CohortFiguresPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    cohort: str = Field(validation_alias=AliasPath("member", "cohort", "key"))
    title: str = Field(validation_alias=AliasPath("member", "cohort", "title"))
    participants: int
    started: int
    completed: int
    completion_rate: float
    overdue: int


class OverviewPublic(BaseModel):
    """Every cohort the caller trains or manages, side by side, summed and per organisation."""

    model_config = ConfigDict(from_attributes=True)

    cohorts: list[CohortFiguresPublic] = Field(validation_alias="boards")
    participants: int
    started: int
    completed: int
    completion_rate: float
    overdue: int
    by_organization: list[OrganizationPublic]
