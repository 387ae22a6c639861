"""A group's pitch: title, summary, action plan (Markdown) and an optional link to slides.
The group's participants write it until the pitch is due; every save is a new version, kept,
so the group sees who changed what. The cohort reads the newest version; the history is for
those who may enter the group's space."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.auth.models import User
from app.cohorts.models import CohortGroup, Member, Membership
from app.db import id_of
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.forum import service as forum_service
from app.groups import service as groups_service
from app.i18n import _
from app.limits import POST_BODY_CHARS
from app.markdown import render_user_text
from app.pitches.models import PitchVersion
from app.progress.service import normal_link

TITLE_CHARS, SUMMARY_CHARS, URL_CHARS = 200, 2000, 2000
FIELDS = ("title", "summary", "plan", "slides_url")


@dataclass(frozen=True)
class VersionEntry:
    number: int
    author_name: str
    created_at: datetime
    changed: tuple[str, ...]  # the fields this version changed: title, summary, plan, slides_url

    @property
    def changed_text(self) -> str:
        return ", ".join(field_label(name) for name in self.changed)


@dataclass(frozen=True)
class PitchView:
    group: CohortGroup
    current: PitchVersion | None
    author_name: str | None  # of the current version
    history: list[VersionEntry] | None  # newest first; None for those outside the group
    may_edit: bool
    due: datetime | None
    is_open: bool


def field_label(name: str) -> str:
    return {"title": _("title"), "summary": _("summary"), "plan": _("action plan"),
            "slides_url": _("slides")}[name]


def _group(session: Session, member: Member, key: str) -> CohortGroup:
    if member.program.pitch_votes_per_participant is None:
        raise NotFound(_("This programme ends without a pitch."))
    return groups_service.get_group(session, member=member, key=key)


def _may_edit(member: Member, group: CohortGroup, now: datetime) -> bool:
    return (member.is_participant and not member.is_admin_view
            and member.membership.group_id == group.id and _is_open(member, now))


def _is_open(member: Member, now: datetime) -> bool:
    due = groups_service.open_until(member)
    return due is None or now < due


_VERSIONS = (
    sa.select(PitchVersion, col(User.name))
    .join(Membership, col(Membership.id) == col(PitchVersion.author_id))
    .join(User, col(User.id) == col(Membership.user_id))
)


def pitch_view(session: Session, *, member: Member, key: str,
               now: datetime | None = None) -> PitchView:
    """The group's pitch as the caller may see it: two queries for the group's own, one for
    everyone else."""
    now = now or datetime.now(UTC)
    group = _group(session, member, key)
    insider = forum_service.may_enter(member, group)
    statement = _VERSIONS.where(col(PitchVersion.group_id) == group.id).order_by(
        col(PitchVersion.number).desc())
    rows = session.exec(statement if insider else statement.limit(1)).all()  # type: ignore[call-overload]
    history = None
    if insider:
        versions = [version for version, _name in rows]
        history = [VersionEntry(number=v.number, author_name=name, created_at=v.created_at,
                                changed=_changes(v, versions[i + 1] if i + 1 < len(versions) else None))
                   for i, (v, name) in enumerate(rows)]
    current, author = (rows[0][0], rows[0][1]) if rows else (None, None)
    return PitchView(group=group, current=current, author_name=author, history=history,
                     may_edit=_may_edit(member, group, now), due=groups_service.open_until(member),
                     is_open=_is_open(member, now))


def _changes(version: PitchVersion, before: PitchVersion | None) -> tuple[str, ...]:
    return tuple(name for name in FIELDS
                 if before is None or getattr(version, name) != getattr(before, name))


def version_of(session: Session, *, member: Member, key: str,
               number: int) -> tuple[PitchVersion, str]:
    """One saved version with its author's name: for those who may enter the group's space."""
    group = _group(session, member, key)
    if not forum_service.may_enter(member, group):
        raise forum_service.group_not_found()
    row = session.exec(_VERSIONS.where(  # type: ignore[call-overload]
        col(PitchVersion.group_id) == group.id, col(PitchVersion.number) == number)).first()
    if row is None:
        raise forum_service.group_not_found()
    return row[0], row[1]


def save_pitch(session: Session, *, member: Member, key: str, title: str, summary: str,
               plan: str, slides_url: str | None = None,
               now: datetime | None = None) -> PitchVersion:
    """Save the group's pitch as a new version (nothing new when nothing changed)."""
    now = now or datetime.now(UTC)
    group = _group(session, member, key)
    if not forum_service.may_enter(member, group):
        raise forum_service.group_not_found()
    if not (member.is_participant and member.membership.group_id == group.id):
        raise Forbidden(_("Only the group's members write its pitch."))
    if not _is_open(member, now):
        raise Conflict(_("The pitches were due: yours can no longer change."))
    values = _checked(title=title, summary=summary, plan=plan, slides_url=slides_url)
    latest = session.exec(_VERSIONS.where(col(PitchVersion.group_id) == group.id)  # type: ignore[call-overload]
                          .order_by(col(PitchVersion.number).desc()).limit(1)).first()
    if latest is not None and all(getattr(latest[0], k) == v for k, v in values.items()):
        return latest[0]
    version = PitchVersion(group_id=id_of(group), number=latest[0].number + 1 if latest else 1,
                           title=title.strip(), summary=summary.strip(), plan=plan,
                           slides_url=values["slides_url"], plan_html=render_user_text(plan),
                           author_id=id_of(member.membership), created_at=now)
    try:
        with session.begin_nested():  # two members saving at once: one number each, or a refusal
            session.add(version)
    except IntegrityError:
        raise Conflict(_("Someone in your group saved the pitch at the same moment. Your text is "
                         "still here: look at their version, then save again.")) from None
    return version


def _checked(*, title: str, summary: str, plan: str, slides_url: str | None) -> dict[str, str | None]:
    title, summary = title.strip(), summary.strip()
    if not title:
        raise InvalidInput(_("A pitch needs a title."), field="title")
    if len(title) > TITLE_CHARS:
        raise InvalidInput(_("The title is too long: at most {limit} characters.")
                           .format(limit=TITLE_CHARS), field="title")
    if not summary:
        raise InvalidInput(_("Say in a few sentences what the idea is."), field="summary")
    if len(summary) > SUMMARY_CHARS:
        raise InvalidInput(_("The summary is too long: at most {limit} characters.")
                           .format(limit=f"{SUMMARY_CHARS:,}"), field="summary")
    if not plan.strip():
        raise InvalidInput(_("Write the action plan: who does what, by when."), field="plan")
    if len(plan) > POST_BODY_CHARS:
        raise InvalidInput(_("The action plan is too long: at most {limit} characters.")
                           .format(limit=f"{POST_BODY_CHARS:,}"), field="plan")
    link = normal_link(slides_url)
    if link is not None:
        try:
            parts = urlsplit(link)
            valid = parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in link
        except ValueError:
            valid = False
        if not valid or len(link) > URL_CHARS:
            raise InvalidInput(_("The link to the slides must be a web address, like "
                                 "https://example.org/slides."), field="slides_url")
    return {"title": title, "summary": summary, "plan": plan, "slides_url": link}
