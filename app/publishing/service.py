"""Publishing programmes and cohorts without a shell: the files are validated exactly as
`ting validate` does, the changes shown as a dry run, and only that reviewed diff applied.

The dry run writes inside a savepoint and rolls it back, so what is shown is what the import
would do to the database as it is. Publishing runs the dry run again and compares: if anything
changed meanwhile, nothing is applied and the new diff is shown instead.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path, PurePath

from sqlmodel import Session, col, select

from app import limits
from app.auth.models import User
from app.cohorts.models import Cohort, Membership, Role
from app.db import id_of
from app.errors import Forbidden, InvalidInput
from app.i18n import _
from app.progress import awards
from app.publishing import diff, history
from app.publishing.diff import Part
from app.publishing.models import Revision
from app.sync import service as sync_service
from app.sync import skeletons
from app.sync.reader import Problem
from app.sync.validate import YAML_SUFFIXES, Bundle, validate_texts

MAX_FILES = 20
CSV_SUFFIX = ".csv"
PNG_SUFFIX = ".png"
IMAGE_SUFFIXES = (".svg", PNG_SUFFIX)  # badges' pictures, beside the programme
PNG_DATA = "data:image/png;base64,"
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._ -]{0,99}")


@dataclass(frozen=True)
class Upload:
    """One file as given: uploaded, pasted, or carried from the review to the publish button.
    Line breaks are kept as \\n: a browser sends a form's text back with \\r\\n."""

    name: str
    text: str
    unreadable: str | None = None  # why the bytes could not be read as text

    @classmethod
    def of(cls, name: str, text: str) -> Upload:
        parts = [p.strip() for p in name.replace("\\", "/").split("/") if p.strip() not in ("", ".")]
        return cls("/".join(parts), text.replace("\r\n", "\n").replace("\r", "\n"))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Upload:
        if PurePath(name).suffix.lower() == PNG_SUFFIX:  # a picture travels as a data: URL
            return cls.of(name, PNG_DATA + base64.b64encode(data).decode("ascii"))
        try:
            return cls.of(name, data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return cls(cls.of(name, "").name, "", _("Not UTF-8 text: save the file as UTF-8."))

    @property
    def data(self) -> bytes | None:
        """The file's bytes as it goes beside the others; None for a PNG that is not one."""
        if PurePath(self.name).suffix.lower() != PNG_SUFFIX:
            return self.text.encode("utf-8", "surrogatepass")
        if not self.text.startswith(PNG_DATA):
            return None
        try:
            return base64.b64decode(self.text.removeprefix(PNG_DATA), validate=True)
        except ValueError:
            return None


@dataclass(frozen=True)
class QuotedProblem:
    """A problem with the lines it is about, quoted, and where in the last one it starts."""

    problem: Problem
    lines: list[tuple[int, str]]  # (line number, text): the line before, for context, and it
    caret: int  # the column marked (from 1), 0 for none

    def __str__(self) -> str:
        return str(self.problem)


@dataclass
class Review:
    uploads: list[Upload]
    problems: list[QuotedProblem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # as `ting import` prints them
    parts: list[Part] = field(default_factory=list)  # the same, in a trainer's words
    programs: list[str] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)
    forbidden: bool = False  # the problems are files the caller may not publish
    count: int = 0  # changes in all (`changes` counts long runs of one kind in a line)
    stale: bool = False  # valid, but no longer the diff that was reviewed: nothing was applied

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fingerprint(self) -> str:
        """Names the files and the diff they make: the publish button applies this or nothing."""
        payload = json.dumps([[u.name, u.text] for u in self.uploads] + [self.changes])
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def may_publish_somewhere(session: Session, *, user: User) -> bool:
    """Authors publish anything; a cohort's trainers publish that cohort's file again."""
    return user.is_author or bool(_trained_cohorts(session, user=user))


def require_publisher(session: Session, *, user: User) -> None:
    if not may_publish_somewhere(session, user=user):
        raise Forbidden(_("Only programme authors and cohorts' trainers publish; a site admin "
                          "makes people authors."))


def review(session: Session, *, user: User, uploads: list[Upload]) -> Review:
    """Validate the files and, when they are valid and the caller may publish them, the
    changes they would make (a dry run: nothing stays written)."""
    return _review(session, user=user, uploads=uploads)[0]


def _review(session: Session, *, user: User, uploads: list[Upload]) -> tuple[Review, Bundle | None]:
    """The review, and the validated files when they may be published."""
    outcome = Review(uploads=uploads)
    problems = _problems_of_names(uploads)
    if problems:
        outcome.problems = _quoted(problems, uploads)
        return outcome, None
    bundle = _validate(session, uploads)
    if not bundle.ok:
        outcome.problems = _quoted(bundle.problems, uploads)
        return outcome, None
    outcome.programs = [p.key for p in bundle.programs]
    outcome.cohorts = [c.key for c in bundle.cohorts]
    refused = _refusals(session, user=user, bundle=bundle)
    if refused:
        outcome.problems, outcome.forbidden = _quoted(refused, uploads), True
        return outcome, None
    before = diff.snapshot(session, programs=outcome.programs, cohorts=outcome.cohorts)
    nested = session.begin_nested()
    try:
        applied = sync_service.apply_bundle(session, bundle=bundle)
        outcome.changes, outcome.count = sync_service.summarise(applied), len(applied)
        if applied:
            after = diff.snapshot(session, programs=outcome.programs, cohorts=outcome.cohorts)
            outcome.parts = diff.compare(session, before, after)
    finally:
        nested.rollback()
    return outcome, bundle


def publish(session: Session, *, user: User, uploads: list[Upload],
            fingerprint: str | None) -> tuple[Review, Revision | None]:
    """Apply the reviewed files, if they still make the diff that was reviewed (any diff, when
    no fingerprint is given); the review as it stands now, and the revision kept (None when
    nothing was applied)."""
    outcome, bundle = _review(session, user=user, uploads=uploads)
    outcome.stale = bool(outcome.changes) and fingerprint not in (None, outcome.fingerprint)
    if bundle is None or outcome.stale or not outcome.changes:
        return outcome, None
    sync_service.apply_bundle(session, bundle=bundle)
    awards.award_all(session, program_keys=bundle.program_keys)  # rules people already meet
    revision = Revision(published_by_id=id_of(user), files=[{"name": u.name, "text": u.text}
                                                            for u in uploads],
                        changes=outcome.changes, summary=[p.as_json() for p in outcome.parts],
                        programs=outcome.programs, cohorts=outcome.cohorts)
    session.add(revision)
    session.flush()
    history.record(session, revision=revision, programs=outcome.programs, cohorts=outcome.cohorts)
    return outcome, revision


class NewFile(StrEnum):
    programme = "programme"
    cohort = "cohort"


def skeleton(*, kind: NewFile, key: str, program: str = "", today: date,
             base_url: str | None) -> Upload:
    """A commented starting point, valid as it stands (as `ting new` writes it)."""
    try:
        if kind == NewFile.programme:
            text = skeletons.program_skeleton(key, base_url=base_url)
        else:
            text = skeletons.cohort_skeleton(key, program=program, today=today, base_url=base_url)
    except ValueError:
        raise InvalidInput(_("Ids are lower-case letters, digits and hyphens, like "
                             "'digital-skills-2027'.")) from None
    return Upload.of(f"{key}.yaml", text)


def _validate(session: Session, uploads: list[Upload]) -> Bundle:
    """As `ting validate` does, with the files side by side in a folder of their own (a roster
    CSV is read next to its cohort), each named as it was given."""
    with tempfile.TemporaryDirectory(prefix="ting-publish-") as folder:
        sources = []
        for upload in uploads:
            path = Path(folder) / upload.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(upload.data or b"")
            if path.suffix.lower() in YAML_SUFFIXES:
                sources.append((path, upload.name, upload.text))
        return validate_texts(sources, lookup=lambda key: sync_service.program_facts(session, key))


def _problems_of_names(uploads: list[Upload]) -> list[Problem]:
    problems: list[Problem] = []
    if not uploads:
        problems.append(Problem(_("(no file)"), 0, 0, _("Choose a YAML file, or paste YAML.")))
    if len(uploads) > MAX_FILES:
        problems.append(Problem(_("(files)"), 0, 0, _("At most {n} files at once.").format(
            n=MAX_FILES)))
    seen: set[str] = set()
    for upload in uploads:
        suffix = PurePath(upload.name).suffix.lower()
        segments = upload.name.split("/")
        if (len(segments) > 5 or not all(_SEGMENT.fullmatch(p) for p in segments)
                or suffix not in (*YAML_SUFFIXES, CSV_SUFFIX, *IMAGE_SUFFIXES)):
            problems.append(Problem(upload.name or _("(no name)"), 0, 0, _(
                "Expected a file name ending in .yaml, .yml, .csv, .svg or .png, of letters, "
                "digits, dots, hyphens and spaces.")))
        elif upload.name.lower() in seen:
            problems.append(Problem(upload.name, 0, 0, _("Two files have this name.")))
        seen.add(upload.name.lower())
        if upload.unreadable:
            problems.append(Problem(upload.name, 0, 0, upload.unreadable))
        most = {CSV_SUFFIX: limits.ROSTER_CSV_BYTES}.get(
            suffix, limits.BADGE_IMAGE_BYTES if suffix in IMAGE_SUFFIXES else limits.YAML_FILE_BYTES)
        if upload.data is None:
            problems.append(Problem(upload.name, 0, 0, _(
                "Expected a PNG image, as uploaded (or as a data:image/png;base64 address).")))
        elif len(upload.data) > most:
            problems.append(Problem(upload.name, 0, 0, _("Too large: at most {mb:g} MB.").format(
                mb=most / 1_000_000)))
    return problems


def _trained_cohorts(session: Session, *, user: User) -> set[str]:
    statement = (select(Cohort.key).join(Membership, col(Membership.cohort_id) == col(Cohort.id))
                 .where(Membership.user_id == user.id, Membership.role == Role.trainer,
                        col(Membership.is_active)))
    return set(session.exec(statement))


def _refusals(session: Session, *, user: User, bundle: Bundle) -> list[Problem]:
    """Who may publish what: authors everything; trainers their own cohorts' files, once the
    cohort exists (a new cohort, or any programme, needs an author)."""
    if user.is_author:
        return []
    trained = _trained_cohorts(session, user=user)
    refused = [Problem(p.file, p.position.line, p.position.col,
                       _("Only programme authors publish programmes.")) for p in bundle.programs]
    refused += [Problem(c.file, c.position.line, c.position.col,
                        _("You may publish only the files of cohorts you train; a programme "
                          "author publishes this one.")) for c in bundle.cohorts
                if c.key not in trained]
    return refused


def _quoted(problems: list[Problem], uploads: list[Upload]) -> list[QuotedProblem]:
    texts = {u.name: u.text.splitlines() for u in uploads}
    quoted = []
    for problem in sorted(problems):
        lines = texts.get(problem.file, [])
        if 1 <= problem.line <= len(lines):
            first = max(1, problem.line - 1)
            shown = [(n, lines[n - 1]) for n in range(first, problem.line + 1)]
            quoted.append(QuotedProblem(problem, shown, max(problem.col, 0)))
        else:
            quoted.append(QuotedProblem(problem, [], 0))
    return quoted
