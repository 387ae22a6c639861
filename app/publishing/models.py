"""What was published: every publish kept as a revision (the files' text, who, when, the diff)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class Revision(SQLModel, table=True):
    __tablename__ = "revisions"

    id: int | None = Field(default=None, primary_key=True)
    published_by_id: int = Field(foreign_key="users.id")
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False,
                                   index=True)
    # [{"name": "verdiepdingen.yaml", "text": "..."}], in the order they were given
    files: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    changes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # the changes in a trainer's words (app.publishing.diff.Part, as JSON)
    summary: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    programs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cohorts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class RevisionProgram(SQLModel, table=True):
    """The programmes a revision is part of the history of: those its files hold, and those of
    the cohorts they hold."""

    __tablename__ = "revision_programs"

    revision_id: int = Field(foreign_key="revisions.id", primary_key=True)
    program_id: int = Field(foreign_key="programs.id", primary_key=True, index=True)
