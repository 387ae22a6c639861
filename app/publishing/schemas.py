"""Publications in the API: files in, and either every problem with its line, or the diff."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from app import limits
from app.publishing.diff import Topic
from app.publishing.service import MAX_FILES
from app.schemas import STORABLE_TEXT, Input, Problem


class PublicationFile(Input):
    name: str = Field(min_length=1, max_length=200, pattern=STORABLE_TEXT,
                      description="The file's name, as `ting validate` would show it "
                                  "(`verdiepdingen.yaml`, `cohorts/roster.csv`).")
    text: str = Field(max_length=limits.ROSTER_CSV_BYTES, pattern=STORABLE_TEXT,
                      description="The file's text; a badge's PNG picture as a "
                                  "`data:image/png;base64,...` address.")


class PublicationIn(Input):
    files: Annotated[list[PublicationFile], Field(min_length=1, max_length=MAX_FILES)]
    dry_run: bool = Field(default=False, description="Only validate and show the changes.")
    fingerprint: str | None = Field(
        default=None, max_length=64, pattern=r"^[0-9a-f]*$",
        description="From a dry run: publish only if the files still make that diff (409 if not).")


class PublicationForm(Input):
    """The same as multipart form data: each file uploaded under `files`, named by its file
    name (folders kept: `cohorts/roster.csv`)."""

    files: Annotated[list[bytes], Field(min_length=1, max_length=MAX_FILES)]
    dry_run: bool = Field(default=False, description="Only validate and show the changes.")
    fingerprint: str = Field(default="", max_length=64, pattern=r"^[0-9a-f]*$",
                             description="From a dry run (empty: none).")


class FileProblem(BaseModel):
    file: str
    line: int = Field(description="From 1; 0 when the problem is the whole file.")
    col: int = Field(description="From 1; 0 when there is no column.")
    message: str
    text: str = Field(description="As `ting validate` prints it: file:line:col: message.")


class PublicationRefusal(Problem):
    problems: list[FileProblem] = Field(default_factory=list)


class ChangeItemOut(BaseModel):
    topic: Topic = Field(description="What kind of change: a Thing added, moved, a date moved, "
                                     "a Thing overdue for people, a person added ...")
    subject: str = Field(description="The Thing's title, the person, the group, or the fields.")
    what: str = Field(description="For dates: opens or due; for people: their role; for a "
                                  "changed Thing: the fields.")
    before: str = Field(description="A place, a date rule (programme) or a day (cohort), a group.")
    after: str
    names: list[str] = Field(description="The first people it is about.")
    count: int = Field(description="How many people in all.")


class ChangePartOut(BaseModel):
    kind: str = Field(description="programme or cohort")
    key: str
    title: str
    items: list[ChangeItemOut]


class PublicationOut(BaseModel):
    published: bool = Field(description="Whether the changes were applied now.")
    revision: int | None = Field(description="The revision kept, when published.")
    changes: list[str] = Field(description="What publishing changes (or changed), a line each; "
                                           "a long run of one kind is counted in one line.")
    count: int = Field(description="How many changes in all.")
    summary: list[ChangePartOut] = Field(description="The same changes in a trainer's words, "
                                                     "a part per programme and cohort.")
    programs: list[str]
    cohorts: list[str]
    fingerprint: str = Field(description="Names these files and this diff (for `fingerprint`).")


class PublicationConflict(Problem):
    """Nothing was published: the files have problems (each in `problems`, as `ting validate`
    prints it), or they no longer make the diff of the dry run (the diff now in `changes`)."""

    problems: list[FileProblem] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list)
    summary: list[ChangePartOut] = Field(default_factory=list)
    fingerprint: str | None = None
