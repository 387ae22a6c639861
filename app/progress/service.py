"""My Things: statuses, the completion rule, marking done and undoing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.cohorts.models import Member, require_participant
from app.db import id_of, insert_or_ignore
from app.errors import Conflict, InvalidInput
from app.i18n import _, locale, ngettext
from app.limits import URL_CHARS
from app.posts import service as posts_service
from app.posts.models import Post
from app.programs import service as programs_service
from app.programs.models import BadgeFacts, Evidence, Program, ThemeFacts, ThingFacts, ThingKind
from app.programs.schedule import Window, thing_window, zone
from app.progress import awards
from app.progress.models import (
    Approval,
    Completion,
    CompletionLike,
    CompletionRecord,
    ThingStatus,
)


@dataclass(slots=True)
class ThingView:
    """One Thing for one participant: its dates in the cohort, status and completion."""

    thing: ThingFacts
    number: int
    window: Window
    status: ThingStatus
    completion: CompletionLike | None
    today: date | None = None  # in the cohort's time zone: what "due in 3 days" counts from
    badges_earned: tuple[BadgeFacts, ...] = ()  # by marking it done just now

    @property
    def is_locked(self) -> bool:
        return self.status == ThingStatus.locked

    @property
    def is_done(self) -> bool:
        return self.status == ThingStatus.done

    @property
    def takes_reflection(self) -> bool:
        """Whether the Thing page offers a reflection box."""
        return bool(self.thing.reflection_prompt) or self.thing.reflection_required

    @property
    def words_needed(self) -> int:
        """Words a reflection needs before the Thing can be marked done (0: none needed)."""
        return max(self.thing.reflection_min_words, 1) if self.thing.reflection_required else 0

    @property
    def asks_for_link(self) -> bool:
        return self.thing.evidence == Evidence.url

    @property
    def needs_approval(self) -> bool:
        return self.thing.evidence == Evidence.approval

    # what the API shows (app.progress.schemas.ThingPublic)
    @property
    def opens(self) -> date | None:
        return self.window.opens_on

    @property
    def due(self) -> date | None:
        return self.window.due_on

    @property
    def completed_at(self) -> datetime | None:
        return self.completion.completed_at if self.completion else None

    @property
    def evidence_url(self) -> str | None:
        return self.completion.evidence_url if self.completion else None

    @property
    def approval(self) -> Approval | None:
        return self.completion.approval if self.completion else None

    @property
    def is_returned(self) -> bool:
        """The trainer did not approve it: the participant has more to do."""
        return self.completion is not None and self.completion.approval == Approval.rejected

    @property
    def is_waiting_for_trainer(self) -> bool:
        return self.completion is not None and self.completion.approval == Approval.pending

    @property
    def is_to_do(self) -> bool:
        """Open or overdue: something the participant can work on now."""
        return self.status in (ThingStatus.open, ThingStatus.overdue)

    @property
    def when(self) -> str:
        """The next date that matters, counted from today: "due in 3 days", "8 days late"."""
        today, window = self.today, self.window
        if today is None or self.is_done:
            return ""
        if self.is_locked and window.opens_on is not None:
            days = (window.opens_on - today).days
            if days <= 1:
                return _("opens tomorrow")
            return ngettext("opens in %(num)d day", "opens in %(num)d days", days) % {"num": days}
        if window.due_on is None:
            return ""
        days = (window.due_on - today).days
        if self.status == ThingStatus.overdue:
            late = max(-days, 1)
            return ngettext("%(num)d day late", "%(num)d days late", late) % {"num": late}
        if days <= 0:
            return _("due today")
        if days == 1:
            return _("due tomorrow")
        return ngettext("due in %(num)d day", "due in %(num)d days", days) % {"num": days}


@dataclass
class Summary:
    must_all: bool  # the rule asks for every must-do Thing
    must_done: int
    must_needed: int
    must_total: int
    can_done: int
    can_needed: int
    can_total: int
    optional_done: int
    optional_total: int
    waiting_for_trainer: int
    overdue: int  # every Thing shown as overdue, whatever its kind

    @property
    def is_complete(self) -> bool:
        return self.must_done >= self.must_needed and self.can_done >= self.can_needed

    @property
    def can_counted(self) -> int:
        """Can-do Things done, up to what the rule asks (more do not count twice)."""
        return min(self.can_done, self.can_needed)

    @property
    def rule(self) -> str:
        """The completion rule as one sentence (whole sentences translate well)."""
        if self.must_all and self.can_needed:
            return _("To complete the programme: every must-do Thing and {can} can-do "
                     "Things.").format(can=self.can_needed)
        if self.must_all:
            return _("To complete the programme: every must-do Thing.")
        if self.can_needed:
            return _("To complete the programme: {must} must-do Things and {can} can-do "
                     "Things.").format(must=self.must_needed, can=self.can_needed)
        return _("To complete the programme: {must} must-do Things.").format(must=self.must_needed)


@dataclass
class ThemeSection:
    key: str | None
    title: str | None
    things: list[ThingView]


@dataclass
class MyThings:
    member: Member
    things: list[ThingView]
    # in programme order: one section per theme when each theme's Things follow each other,
    # else one section, each Thing labelled with its theme
    sections: list[ThemeSection]
    summary: Summary
    theme_titles: dict[str, str]
    labels_themes: bool = False
    badges: list[awards.BadgeProgress] = field(default_factory=list)

    @cached_property
    def next_up(self) -> ThingView | None:
        """What to continue with: the open Thing due soonest, must-do before can-do."""
        return next_to_do(self.things)

    @property
    def next_opening(self) -> ThingView | None:
        """When nothing is open: the Thing that opens next."""
        if self.next_up is not None:
            return None
        locked = [v for v in self.things if v.is_locked and v.window.opens_on is not None]
        return min(locked, key=lambda v: (v.window.opens_on, v.number), default=None)


KIND_ORDER = {ThingKind.must: 0, ThingKind.can: 1, ThingKind.optional: 2}


def next_to_do(views: list[ThingView]) -> ThingView | None:
    to_do = [v for v in views if v.is_to_do]
    return min(to_do, key=lambda v: (v.window.due_on or date.max, KIND_ORDER[v.thing.kind],
                                     v.number), default=None)


@dataclass(frozen=True)
class Neighbours:
    """The Things before and after one, in programme order (a Thing page's previous / next)."""

    previous: ThingFacts | None
    next: ThingFacts | None


def status_of(window: Window, completion: CompletionLike | None, now: datetime) -> ThingStatus:
    if completion is not None and completion.approval != Approval.rejected:
        return ThingStatus.done
    if window.opens_at is not None and now < window.opens_at:
        return ThingStatus.locked
    if window.due_at is not None and now >= window.due_at:
        return ThingStatus.overdue
    return ThingStatus.open


def _window(member: Member, thing: ThingFacts) -> Window:
    cohort = member.cohort
    return thing_window(opens=thing.opens, due=thing.due,
                        override=cohort.due_overrides.get(thing.key),
                        starts=cohort.starts_on, timezone=cohort.timezone)


_windows: dict[tuple[object, ...], tuple[Window, ...]] = {}


def windows_of(member: Member, curriculum: programs_service.Curriculum) -> tuple[Window, ...]:
    """Every Thing's dates in the member's cohort, in programme order. They change only when
    the programme or the cohort is imported again, so they are kept under both stamps."""
    cohort = member.cohort
    key = (cohort.id, cohort.updated_at, curriculum.program_id, curriculum.stamp)
    windows = _windows.get(key)
    if windows is None:
        windows = tuple(_window(member, thing) for thing in curriculum.things)
        if len(_windows) >= 10_000:  # a bound far above the cohorts of one installation
            _windows.clear()
        _windows[key] = windows
    return windows


def local_today(member: Member, now: datetime) -> date:
    return now.astimezone(zone(member.cohort.timezone)).date()


def _view(
    member: Member, thing: ThingFacts, completion: CompletionLike | None, now: datetime,
    window: Window | None = None, today: date | None = None,
) -> ThingView:
    window = window or _window(member, thing)
    return ThingView(thing=thing, number=thing.position, window=window,
                     status=status_of(window, completion, now), completion=completion,
                     today=today or local_today(member, now))


def summarise(program: Program, views: list[ThingView]) -> Summary:
    def total(kind: ThingKind) -> int:
        return sum(1 for v in views if v.thing.kind == kind)

    def counted(kind: ThingKind) -> int:
        return sum(1 for v in views if v.thing.kind == kind and v.completion and v.completion.counts)

    must_total = total(ThingKind.must)
    return Summary(
        must_all=program.completion_must is None,
        must_done=counted(ThingKind.must),
        must_needed=must_total if program.completion_must is None else program.completion_must,
        must_total=must_total,
        can_done=counted(ThingKind.can),
        can_needed=program.completion_can,
        can_total=total(ThingKind.can),
        optional_done=counted(ThingKind.optional),
        optional_total=total(ThingKind.optional),
        waiting_for_trainer=sum(1 for v in views if v.is_waiting_for_trainer),
        overdue=sum(1 for v in views if v.status == ThingStatus.overdue),
    )


# Built once; a list needs only these columns of each completion.
_COMPLETION_COLUMNS = (col(Completion.thing_id), col(Completion.completed_at),
                       col(Completion.evidence_url), col(Completion.approval))
_MY_COMPLETIONS = sa.select(*_COMPLETION_COLUMNS).where(
    col(Completion.membership_id) == bindparam("membership_id"))


def my_things(session: Session, *, member: Member, now: datetime | None = None) -> MyThings:
    """Every current Thing with its status for this participant; one query when the
    programme is cached, and the same count for a cohort of any size."""
    now = now or datetime.now(UTC)
    curriculum = programs_service.curriculum(session, program=member.program)
    rows = session.connection().execute(_MY_COMPLETIONS, {"membership_id": member.membership.id})
    completions = {row[0]: CompletionRecord(*row) for row in rows}
    today = local_today(member, now)
    views = [_view(member, thing, completions.get(thing.id), now, window, today)
             for thing, window in zip(curriculum.things, windows_of(member, curriculum),
                                      strict=True)]
    sections = _sections(curriculum.themes, views)
    badges = awards.badges_of(  # one query more, for a programme with badges
        session, membership_id=id_of(member.membership), program=member.program,
        done={t for t, c in completions.items() if c.counts}) if (
            curriculum.badges and member.is_participant) else []
    return MyThings(member=member, things=views, sections=sections or [ThemeSection(None, None, views)],
                    summary=summarise(member.program, views),
                    theme_titles={t.key: t.title for t in curriculum.themes},
                    labels_themes=not sections and bool(curriculum.themes), badges=badges)


def _sections(themes: tuple[ThemeFacts, ...], views: list[ThingView]) -> list[ThemeSection]:
    """Runs of Things of one theme, in programme order, when each theme is one run (then its
    title heads it); none when a theme's Things are spread out (then each Thing is labelled)."""
    titles = {t.key: t.title for t in themes}
    runs: list[ThemeSection] = []
    for view in views:
        key = view.thing.theme_key if view.thing.theme_key in titles else None
        if runs and runs[-1].key == key:
            runs[-1].things.append(view)
        else:
            runs.append(ThemeSection(key=key, title=titles.get(key or ""), things=[view]))
    keys = [run.key for run in runs if run.key is not None]
    return runs if len(keys) == len(set(keys)) else []


def neighbours(session: Session, *, member: Member, thing: ThingFacts) -> Neighbours:
    things = programs_service.curriculum(session, program=member.program).things
    index = next((i for i, t in enumerate(things) if t.key == thing.key), None)
    if index is None:
        return Neighbours(None, None)
    return Neighbours(things[index - 1] if index > 0 else None,
                      things[index + 1] if index + 1 < len(things) else None)


def thing_view(session: Session, *, member: Member, key: str, now: datetime | None = None) -> ThingView:
    now = now or datetime.now(UTC)
    thing = programs_service.get_thing(session, program=member.program, key=key)
    completion = _completion(session, member, thing)
    return _view(member, thing, completion, now)


def _completion(session: Session, member: Member, thing: ThingFacts) -> Completion | None:
    return session.exec(
        select(Completion).where(Completion.membership_id == member.membership.id,
                                 Completion.thing_id == thing.id)
    ).first()


def _check_evidence_url(thing: ThingFacts, evidence_url: str | None) -> str | None:
    value = normal_link(evidence_url)
    if value is not None:
        try:
            parts = urlsplit(value)
            valid = parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value
        except ValueError:  # e.g. an unclosed [ in the host
            valid = False
        if not valid:
            raise InvalidInput(_("The link to your work must be a web address, like "
                                 "https://example.org/my-work."), field=LINK_FIELD)
        if len(value) > URL_CHARS:
            raise InvalidInput(_("The link to your work is too long: at most {n} characters.")
                               .format(n=URL_CHARS), field=LINK_FIELD)
    elif thing.evidence == Evidence.url:
        raise InvalidInput(_("This Thing asks for a link to your work: add it, then mark the "
                             "Thing done."), field=LINK_FIELD)
    return value


LINK_FIELD, REFLECTION_FIELD = "evidence_url", "reflection"
_BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


def normal_link(text: str | None) -> str | None:
    """A typed link, trimmed; "example.org/x" (as people type it) means https://example.org/x."""
    value = (text or "").strip() or None
    if value is not None and "://" not in value and _BARE_HOST.match(value):
        value = "https://" + value
    return value


def complete_thing(
    session: Session, *, member: Member, key: str, evidence_url: str | None = None,
    now: datetime | None = None,
) -> ThingView:
    """Mark a Thing done; idempotent. Refused while locked or without the reflection it needs."""
    require_participant(member)
    now = now or datetime.now(UTC)
    view = thing_view(session, member=member, key=key, now=now)
    thing = view.thing
    if view.is_locked:
        assert view.window.opens_on is not None
        raise Conflict(_("“{title}” opens on {date}; you can mark it done from then.").format(
            title=thing.title, date=format_date(view.window.opens_on, "long", locale=locale())))
    if view.completion is not None and not (evidence_url or "").strip():
        evidence_url = view.completion.evidence_url  # marking done again keeps the link given
    evidence_url = _check_evidence_url(thing, evidence_url)
    if view.words_needed:
        needed = view.words_needed
        words = posts_service.best_reflection_words(session, member=member, thing=thing)
        if words == 0:
            raise Conflict(_("“{title}” needs your reflection before it can be marked done: "
                             "write at least {needed} words.").format(title=thing.title, needed=needed),
                           field=REFLECTION_FIELD)
        if words < needed:
            raise Conflict(_("“{title}” needs a reflection of at least {needed} words before it "
                             "can be marked done; yours has {words}.").format(
                                 title=thing.title, needed=needed, words=words),
                           field=REFLECTION_FIELD)
    if view.completion is not None:
        completion = view.completion
        assert isinstance(completion, Completion)  # thing_view reads the row, to change it
        if (completion.approval == Approval.approved
                and evidence_url != completion.evidence_url):
            raise Conflict(_("Your trainer has approved “{title}” with the link you gave then; "
                             "ask them before you change it.").format(title=thing.title),
                           field=LINK_FIELD)
        if view.is_returned:  # done again after the trainer returned it: ask them again
            completion.approval = Approval.pending
            completion.completed_at = now
            completion.reviewed_at = None
            completion.reviewed_by_id = None
        completion.evidence_url = evidence_url
        session.flush()
        return _view(member, thing, completion, now)
    completion = Completion(
        membership_id=id_of(member.membership), thing_id=id_of(thing), completed_at=now,
        evidence_url=evidence_url,
        approval=Approval.pending if view.needs_approval else Approval.not_needed,
    )
    # the same participant may mark it done at the same moment elsewhere: then theirs stands
    insert_or_ignore(session, completion)
    done = thing_view(session, member=member, key=key, now=now)
    if completion.counts:
        done.badges_earned = tuple(awards.award_earned(
            session, membership_id=id_of(member.membership), program=member.program, now=now))
    return done


def submit(
    session: Session, *, member: Member, key: str, reflection: str | None,
    evidence_url: str | None, now: datetime | None = None,
) -> ThingView:
    """The Thing page's form: the reflection typed there is saved first, so nothing typed is
    lost when marking the Thing done is then refused."""
    if reflection is not None:
        posts_service.save_reflection(session, member=member, key=key, body=reflection, now=now)
    return complete_thing(session, member=member, key=key, evidence_url=evidence_url, now=now)


def undo_completion(
    session: Session, *, member: Member, key: str, now: datetime | None = None
) -> ThingView:
    """Take back "done". An approved Thing stays done: the trainer signed it off."""
    require_participant(member)
    now = now or datetime.now(UTC)
    view = thing_view(session, member=member, key=key, now=now)
    if view.completion is None:
        return view
    if view.completion.approval == Approval.approved:
        raise Conflict(_("Your trainer has approved “{title}”; ask them if it should be "
                         "reopened.").format(title=view.thing.title))
    session.delete(view.completion)
    session.flush()
    return _view(member, view.thing, None, now)


@dataclass(frozen=True)
class CohortProgress:
    """A participant's progress in one cohort, as My cohorts shows it."""

    summary: Summary
    next_up: ThingView | None


def summaries_for(
    session: Session, *, members: list[Member], now: datetime | None = None
) -> dict[int, CohortProgress]:
    """Progress in several cohorts at once (My cohorts): two queries in all."""
    now = now or datetime.now(UTC)
    participating = [m for m in members if m.is_participant]
    if not participating:
        return {}
    curricula = {m.program.id: programs_service.curriculum(session, program=m.program)
                 for m in participating}
    rows = session.connection().execute(
        sa.select(col(Completion.membership_id), *_COMPLETION_COLUMNS)
        .where(col(Completion.membership_id).in_([m.membership.id for m in participating])))
    completions = {(row[0], row[1]): CompletionRecord(*row[1:]) for row in rows}
    progress: dict[int, CohortProgress] = {}
    for member in participating:
        assert member.membership.id is not None and member.cohort.id is not None
        curriculum = curricula[member.program.id]
        today = local_today(member, now)
        views = [_view(member, thing, completions.get((member.membership.id, thing.id)), now,
                       window, today)
                 for thing, window in zip(curriculum.things, windows_of(member, curriculum),
                                          strict=True)]
        progress[member.cohort.id] = CohortProgress(summarise(member.program, views),
                                                    next_to_do(views))
    return progress


@dataclass(frozen=True)
class PostRemoval:
    """What deleting one of my posts does: when it is the required reflection of a Thing I
    marked done (and no other post of mine meets the rule), that Thing goes back to open."""

    post: Post
    reopens: ThingFacts | None
    is_approved: bool = False  # then it may not be deleted: the trainer signed it off


def removal_of(session: Session, *, member: Member, post_id: int) -> PostRemoval:
    post = posts_service.own_post(session, member=member, post_id=post_id)
    thing = next((t for t in programs_service.curriculum(session, program=member.program).things
                  if t.id == post.thing_id), None)
    if thing is None or not thing.reflection_required:
        return PostRemoval(post=post, reopens=None)
    view = thing_view(session, member=member, key=thing.key)
    left = posts_service.best_reflection_words(session, member=member, thing=thing, excluding=post.id)
    if view.completion is None or view.is_returned or left >= view.words_needed:
        return PostRemoval(post=post, reopens=None)
    return PostRemoval(post=post, reopens=thing,
                       is_approved=view.completion.approval == Approval.approved)


def delete_post(session: Session, *, member: Member, post_id: int, reopen: bool = False) -> PostRemoval:
    """Delete one of my posts. If that reopens a done Thing, only when `reopen` says the
    person agreed to it; never a reflection the trainer approved."""
    removal = removal_of(session, member=member, post_id=post_id)
    if removal.reopens is not None:
        title = removal.reopens.title
        if removal.is_approved:
            raise Conflict(_("Your trainer approved “{title}” with this reflection; ask them "
                             "before you delete it.").format(title=title))
        if not reopen:
            raise Conflict(_("This post is your reflection on “{title}”, which you marked done. "
                             "Deleting it puts the Thing back to open; confirm that you want "
                             "this.").format(title=title))
        undo_completion(session, member=member, key=removal.reopens.key)
    posts_service.delete_post(session, member=member, post_id=post_id)
    return removal
