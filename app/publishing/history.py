"""A programme's history: the revisions published of it (its own file, or its cohorts'), any
two side by side, and an earlier one to publish again (through the same review)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, func, select

from app.auth.models import User
from app.cohorts.models import Cohort, Membership
from app.errors import Forbidden, NotFound
from app.i18n import _
from app.programs.models import Program
from app.publishing.diff import Part
from app.publishing.models import Revision, RevisionProgram

PAGE_SIZE = 20
CONTEXT = 3  # unchanged lines shown around a change; longer runs are counted


def record(session: Session, *, revision: Revision, programs: list[str], cohorts: list[str]) -> None:
    """File the revision under the programmes it holds and those of the cohorts it holds."""
    ids = {i for i in session.exec(select(Program.id).where(col(Program.key).in_(programs)))
           if i is not None}
    ids |= set(session.exec(select(Cohort.program_id).where(col(Cohort.key).in_(cohorts))))
    for program_id in sorted(ids):
        session.add(RevisionProgram(revision_id=revision.id or 0, program_id=program_id))
    session.flush()


def program_for_history(session: Session, *, user: User, key: str) -> Program:
    """Authors and site admins read every programme's history; others who take part in one of
    its cohorts are refused, and strangers find nothing."""
    program = session.exec(select(Program).where(Program.key == key)).first()
    if program is None:
        raise NotFound(_("No programme '{key}'.").format(key=key))
    if user.is_author or user.is_admin:
        return program
    member = session.exec(
        select(Membership.id).join(Cohort, col(Cohort.id) == col(Membership.cohort_id))
        .where(Cohort.program_id == program.id, Membership.user_id == user.id).limit(1)).first()
    if member is None:
        raise NotFound(_("No programme '{key}'.").format(key=key))
    raise Forbidden(_("Only programme authors read a programme's history."))


def programs_with_history(session: Session) -> list[tuple[Program, int]]:
    """Every programme, with how many revisions it has (for authors' list)."""
    counts = dict(session.exec(select(RevisionProgram.program_id, func.count())
                               .group_by(col(RevisionProgram.program_id))).all())
    return [(p, counts.get(p.id or 0, 0)) for p in session.exec(select(Program).order_by(col(Program.key)))]


@dataclass(frozen=True)
class RevisionRow:
    id: int
    published_at: datetime
    published_by: str
    file_names: list[str]
    parts: list[Part]


@dataclass(frozen=True)
class RevisionPage:
    rows: list[RevisionRow]
    page: int
    has_next: bool


def _row(revision: Revision, publisher: str) -> RevisionRow:
    return RevisionRow(id=revision.id or 0, published_at=revision.published_at,
                       published_by=publisher, file_names=[f["name"] for f in revision.files],
                       parts=[Part.from_json(p) for p in revision.summary])


def revisions(session: Session, *, program: Program, page: int = 1) -> RevisionPage:
    """The programme's revisions, newest first, a page at a time."""
    page = max(page, 1)
    rows = session.exec(
        select(Revision, User.name)
        .join(RevisionProgram, col(RevisionProgram.revision_id) == col(Revision.id))
        .join(User, col(User.id) == col(Revision.published_by_id))
        .where(RevisionProgram.program_id == program.id)
        .order_by(col(Revision.id).desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return RevisionPage([_row(r, name) for r, name in rows[:PAGE_SIZE]], page,
                        has_next=len(rows) > PAGE_SIZE)


def revision(session: Session, *, program: Program, revision_id: int) -> RevisionRow:
    found = session.exec(
        select(Revision, User.name)
        .join(RevisionProgram, col(RevisionProgram.revision_id) == col(Revision.id))
        .join(User, col(User.id) == col(Revision.published_by_id))
        .where(RevisionProgram.program_id == program.id, Revision.id == revision_id)).first()
    if found is None:
        raise NotFound(_("Programme '{key}' has no revision {n}.").format(key=program.key,
                                                                        n=revision_id))
    return _row(*found)


def files_of(session: Session, *, program: Program, revision_id: int) -> list[tuple[str, str]]:
    """A revision's files as they were published: (name, text)."""
    revision(session, program=program, revision_id=revision_id)  # of this programme, or 404
    kept = session.get(Revision, revision_id)
    assert kept is not None
    return [(f["name"], f["text"]) for f in kept.files]


class RowKind(StrEnum):
    same = "same"
    changed = "changed"
    removed = "removed"
    added = "added"
    gap = "gap"  # a run of unchanged lines left out; the row's `left` says how many


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side comparison."""

    kind: RowKind
    left_number: int | None = None
    left: str = ""
    right_number: int | None = None
    right: str = ""


@dataclass
class FileComparison:
    name: str
    rows: list[Row] = field(default_factory=list)
    only_left: bool = False
    only_right: bool = False

    @property
    def same(self) -> bool:
        return all(r.kind in (RowKind.same, RowKind.gap) for r in self.rows)


def side_by_side(left: list[tuple[str, str]], right: list[tuple[str, str]]) -> list[FileComparison]:
    """The files of two revisions, line against line, by name."""
    old, new = dict(left), dict(right)
    names = list(dict.fromkeys([n for n, _t in left] + [n for n, _t in right]))
    return [_compare_file(name, old.get(name), new.get(name)) for name in names]


def _compare_file(name: str, old: str | None, new: str | None) -> FileComparison:
    a, b = (old or "").splitlines(), (new or "").splitlines()
    comparison = FileComparison(name, only_left=new is None, only_right=old is None)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            comparison.rows += _unchanged(a, i1, i2, j1, first=number == 0,
                                          last=number == len(opcodes) - 1)
            continue
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            has_left, has_right = i < i2, j < j2
            kind = (RowKind.changed if has_left and has_right
                    else RowKind.removed if has_left else RowKind.added)
            comparison.rows.append(Row(kind, i + 1 if has_left else None,
                                       a[i] if has_left else "",
                                       j + 1 if has_right else None, b[j] if has_right else ""))
    return comparison


def _unchanged(a: list[str], i1: int, i2: int, j1: int, *, first: bool, last: bool) -> list[Row]:
    """Unchanged lines: those near a change, and the rest counted as one gap."""
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    count = i2 - i1
    if count <= keep_head + keep_tail + 1:
        shown = range(count)
        return [Row(RowKind.same, i1 + k + 1, a[i1 + k], j1 + k + 1, a[i1 + k]) for k in shown]
    rows = [Row(RowKind.same, i1 + k + 1, a[i1 + k], j1 + k + 1, a[i1 + k]) for k in range(keep_head)]
    rows.append(Row(RowKind.gap, left=str(count - keep_head - keep_tail)))
    rows += [Row(RowKind.same, i1 + k + 1, a[i1 + k], j1 + k + 1, a[i1 + k])
             for k in range(count - keep_tail, count)]
    return rows
