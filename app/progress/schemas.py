"""What the API takes and shows of a participant's Things, read from the domain's views."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AliasPath, BaseModel, ConfigDict, Field, TypeAdapter

from app.limits import POST_BODY_CHARS, URL_CHARS
from app.programs.models import Evidence, ThingKind
from app.progress.models import Approval, Decision, ThingStatus
from app.schemas import STORABLE_TEXT, Input


class ThingPublic(BaseModel):
    """One of my Things (built from a ThingView), with dates in the cohort's time zone."""

    model_config = ConfigDict(from_attributes=True)

    key: str = Field(validation_alias=AliasPath("thing", "key"))
    number: int
    title: str = Field(validation_alias=AliasPath("thing", "title"))
    kind: ThingKind = Field(validation_alias=AliasPath("thing", "kind"))
    theme: str | None = Field(validation_alias=AliasPath("thing", "theme_key"))
    opens: date | None
    due: date | None
    status: ThingStatus
    completed_at: datetime | None
    evidence: Evidence = Field(validation_alias=AliasPath("thing", "evidence"))
    evidence_url: str | None
    approval: Approval | None
    reflection_required: bool = Field(validation_alias=AliasPath("thing", "reflection_required"))
    reflection_min_words: int = Field(validation_alias=AliasPath("thing", "reflection_min_words"))


class CompletionIn(Input):
    evidence_url: str | None = Field(
        default=None, max_length=URL_CHARS, pattern=STORABLE_TEXT, json_schema_extra={"format": "uri"},
        description="A link to my work (https://...); required when the Thing's evidence is 'url'.")


class CompletionPublic(BaseModel):
    """A Thing marked done (built from a ThingView)."""

    model_config = ConfigDict(from_attributes=True)

    thing: str = Field(validation_alias=AliasPath("thing", "key"))
    status: ThingStatus
    completed_at: datetime
    evidence_url: str | None
    approval: Approval


THING_LIST = TypeAdapter(list[ThingPublic])


class SignoffItemPublic(BaseModel):
    """A completion waiting for a trainer's sign-off."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    thing: str = Field(validation_alias=AliasPath("thing", "key"))
    title: str = Field(validation_alias=AliasPath("thing", "title"))
    participant: str = Field(validation_alias=AliasPath("participant", "name"))
    email: str = Field(validation_alias=AliasPath("participant", "email"))
    completed_at: datetime = Field(validation_alias=AliasPath("completion", "completed_at"))
    evidence_url: str | None = Field(validation_alias=AliasPath("completion", "evidence_url"))
    reflection: str | None


class DecisionIn(Input):
    decision: Decision
    comment: str | None = Field(default=None, max_length=POST_BODY_CHARS, pattern=STORABLE_TEXT,
                                description="Required when sending back: what is missing.")


class DecisionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    approval: Approval
    reviewed_at: datetime | None
