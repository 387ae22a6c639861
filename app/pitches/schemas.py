"""Pitches in the API (DESIGN.md §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.limits import POST_BODY_CHARS
from app.pitches.models import VotingState
from app.schemas import SOME_TEXT, STORABLE_TEXT, Input


class PitchIn(Input):
    title: str = Field(min_length=1, max_length=200, pattern=SOME_TEXT)
    summary: str = Field(min_length=1, max_length=2000, pattern=SOME_TEXT)
    plan: str = Field(min_length=1, max_length=POST_BODY_CHARS, pattern=SOME_TEXT,
                      description="The action plan, in Markdown.")
    slides_url: str | None = Field(default=None, max_length=2000, pattern=STORABLE_TEXT,
                                   description="A link to the slides (http or https).")


class PitchVersionPublic(BaseModel):
    number: int
    author: str
    created_at: datetime
    changed: list[str] = Field(description="The fields this version changed.")


class PitchPublic(BaseModel):
    group: str
    version: int | None = Field(description="The newest version's number; null: no pitch yet.")
    title: str | None
    summary: str | None
    plan: str | None
    html: str | None = Field(description="The action plan as sanitised HTML.")
    slides_url: str | None
    author: str | None = Field(description="Who saved the newest version.")
    updated_at: datetime | None
    editable_until: datetime | None
    may_edit: bool
    history: list[PitchVersionPublic] | None = Field(
        description="Every version, newest first: for the group and the cohort's trainers.")


class VotingIn(Input):
    state: VotingState = Field(description="closed, open, counted or published.")
    closes_at: datetime | None = Field(
        default=None, description="When opening: the moment the vote closes by itself.")


class BallotIn(Input):
    groups: list[Annotated[str, Field(max_length=100, pattern=SOME_TEXT)]] = Field(
        max_length=100, description="The keys of the groups you vote for.")


class BallotPublic(BaseModel):
    groups: list[str] = Field(description="Your ballot, as recorded.")


class GroupResultPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group: str = Field(validation_alias="key")
    name: str
    votes: int


class VotingPublic(BaseModel):
    state: VotingState
    closes_at: datetime | None
    eligible: int = Field(description="Active participants of the cohort.")
    voted: int = Field(description="Of them, how many have voted.")
    results: list[GroupResultPublic] | None = Field(
        description="Votes per group: for trainers once counted, for everyone once published.")
    my_ballot: list[str] | None = Field(description="Your own ballot (participants).")
    winners: list[str] | None = Field(
        description="With the results: the winning group(s); empty while a tie awaits the trainer.")
    tied: list[str] = Field(description="For trainers: the tied groups to choose among.")
    tie_reason: str | None = Field(description="Why the trainer chose the winner of a tie.")


class WinnerIn(Input):
    group: str = Field(min_length=1, max_length=100, pattern=SOME_TEXT)
    reason: str = Field(min_length=1, max_length=2000, pattern=SOME_TEXT)
