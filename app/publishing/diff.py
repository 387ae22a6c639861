"""What a publish changes, in a trainer's words: Things added, changed, archived and reordered;
people added, deactivated and moved between groups; dates that move in each cohort, and for whom
a Thing becomes overdue.

The database is read before the import and again after it (inside the dry run's savepoint), and
the two snapshots compared; so this says what the import does, whatever path it took.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, or_, select

from app.auth.models import User
from app.cohorts.models import Cohort, CohortGroup, Membership, Role
from app.programs.models import Program, Thing
from app.programs.schedule import Window, thing_window
from app.progress.models import Approval, Completion

NAMES_SHOWN = 10  # people named in one line; the rest are counted

# A row's columns by the key the YAML gives them, for "changed: title, due"
_PROGRAM_FIELDS = {
    "title": "title", "version": "version", "language": "language", "summary": "summary",
    "description": "description", "purpose": "purpose", "completion_must": "completion",
    "completion_can": "completion", "groups_max_size": "groups", "groups_self_select": "groups",
    "pitch_votes_per_participant": "pitch", "pitch_self_vote": "pitch",
    "pitch_tie_break": "pitch", "forum_categories": "forum", "translations": "translations",
}
_THING_FIELDS = {
    "title": "title", "kind": "kind", "theme_key": "theme", "opens": "opens", "due": "due",
    "minutes": "minutes", "body": "body", "links": "links", "reflection_prompt": "reflection",
    "reflection_required": "reflection", "reflection_min_words": "reflection",
    "evidence": "evidence", "translations": "translations", "forum": "forum",
}
_COHORT_FIELDS = {
    "title": "title", "timezone": "timezone", "starts_on": "starts", "ends_on": "ends",
    "final_session_at": "final_session", "organizations": "organizations",
    "due_overrides": "due_overrides", "enrolment": "enrolment", "pitch_due_at": "pitch_due",
    "posts_default_visibility": "posts", "posts_allow_public": "posts",
    "benchmark": "benchmark", "language": "language", "translations": "translations",
    "signatory": "signatory",
}


class Topic(StrEnum):
    program_added = "program_added"
    cohort_added = "cohort_added"
    settings_changed = "settings_changed"  # subject: the fields, as the YAML names them
    thing_added = "thing_added"
    thing_changed = "thing_changed"
    thing_archived = "thing_archived"
    thing_restored = "thing_restored"
    thing_moved = "thing_moved"  # before/after: its place among the Things kept
    date_moved = "date_moved"  # subject: the Thing; what: opens or due; before/after: ISO days
    overdue = "overdue"  # subject: the Thing; names: the people it is now overdue for
    person_added = "person_added"  # what: the role
    person_deactivated = "person_deactivated"
    person_reactivated = "person_reactivated"
    person_moved = "person_moved"  # subject: the person; before/after: group names ("" none)
    group_added = "group_added"
    group_archived = "group_archived"


@dataclass(frozen=True)
class Item:
    topic: Topic
    subject: str = ""
    what: str = ""
    before: str = ""
    after: str = ""
    names: list[str] = field(default_factory=list)
    count: int = 0  # people in all, when `names` shows only the first few


@dataclass
class Part:
    """The changes to one programme or one cohort."""

    kind: str  # "programme" or "cohort"
    key: str
    title: str
    items: list[Item] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        items = [Item(**{**i, "topic": Topic(i["topic"])}) for i in data.get("items", [])]
        return cls(kind=data["kind"], key=data["key"], title=data["title"], items=items)


@dataclass(frozen=True)
class _ThingState:
    id: int
    key: str
    title: str
    position: int
    archived: bool
    opens: str | None
    due: str | None
    values: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class _PersonState:
    membership_id: int
    label: str
    role: Role
    active: bool
    group: str | None


@dataclass(frozen=True)
class _CohortState:
    id: int
    key: str
    title: str
    program: str
    starts_on: date
    timezone: str
    due_overrides: dict[str, str]
    values: tuple[tuple[str, Any], ...]
    groups: dict[str, tuple[str, bool]]  # key: (name, archived)
    people: dict[tuple[int, Role], _PersonState]


@dataclass
class Snapshot:
    programs: dict[str, tuple[str, tuple[tuple[str, Any], ...]]]  # key: (title, values)
    things: dict[str, dict[str, _ThingState]]  # programme key: Thing key: state
    cohorts: dict[str, _CohortState]


def snapshot(session: Session, *, programs: list[str], cohorts: list[str]) -> Snapshot:
    """The programmes and cohorts named, and every cohort of those programmes, as they are."""
    shot = Snapshot({}, {}, {})
    cohort_rows = session.exec(
        select(Cohort, Program.key).join(Program, col(Program.id) == col(Cohort.program_id))
        .where(or_(col(Cohort.key).in_(cohorts), col(Program.key).in_(programs)))
    ).all()
    # a cohort's dates come from its programme's Things, whether or not it is published too
    program_keys = set(programs) | {key for _cohort, key in cohort_rows}
    program_rows = session.exec(select(Program).where(col(Program.key).in_(program_keys))).all()
    keys_by_id = {p.id: p.key for p in program_rows}
    for program in program_rows:
        shot.programs[program.key] = (program.title, _values(program, _PROGRAM_FIELDS))
        shot.things[program.key] = {}
    for thing in session.exec(select(Thing).where(col(Thing.program_id).in_(list(keys_by_id)))):
        shot.things[keys_by_id[thing.program_id]][thing.key] = _ThingState(
            id=thing.id or 0, key=thing.key, title=thing.title, position=thing.position,
            archived=thing.archived_at is not None, opens=thing.opens, due=thing.due,
            values=_values(thing, _THING_FIELDS))
    ids = [c.id for c, _key in cohort_rows]
    groups: dict[int, dict[str, tuple[str, bool]]] = defaultdict(dict)
    group_names: dict[int, str] = {}
    for group in session.exec(select(CohortGroup).where(col(CohortGroup.cohort_id).in_(ids))):
        groups[group.cohort_id][group.key] = (group.name, group.archived_at is not None)
        group_names[group.id or 0] = group.name
    people: dict[int, dict[tuple[int, Role], _PersonState]] = defaultdict(dict)
    rows = session.exec(
        select(Membership, User.name, User.email)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(Membership.cohort_id).in_(ids)))
    for membership, name, email in rows:
        role = Role(membership.role)
        people[membership.cohort_id][(membership.user_id, role)] = _PersonState(
            membership_id=membership.id or 0, label=f"{name} <{email}>" if name else email,
            role=role, active=membership.is_active,
            group=group_names.get(membership.group_id) if membership.group_id else None)
    for cohort, program_key in cohort_rows:
        shot.cohorts[cohort.key] = _CohortState(
            id=cohort.id or 0, key=cohort.key, title=cohort.title, program=program_key,
            starts_on=cohort.starts_on, timezone=cohort.timezone,
            due_overrides=dict(cohort.due_overrides or {}), values=_values(cohort, _COHORT_FIELDS),
            groups=groups[cohort.id or 0], people=people[cohort.id or 0])
    return shot


def compare(session: Session, before: Snapshot, after: Snapshot,
            now: datetime | None = None) -> list[Part]:
    """The changes from `before` to `after`, a part per programme and cohort that changed.
    `session` reads the completions that decide for whom a Thing becomes overdue."""
    now = now or datetime.now(UTC)
    parts = [_program_part(key, before, after) for key in after.programs]
    parts += [_cohort_part(session, key, before, after, now) for key in sorted(after.cohorts)]
    return [p for p in parts if p.items]


def _values(row: Any, fields: dict[str, str]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, getattr(row, name)) for name in fields)


def _changed(before: tuple[tuple[str, Any], ...], after: tuple[tuple[str, Any], ...],
             fields: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> str:
    names = [fields[a[0]] for a, b in zip(before, after, strict=True) if a[1] != b[1]]
    return ", ".join(dict.fromkeys(n for n in names if n not in leave_out))


def _program_part(key: str, before: Snapshot, after: Snapshot) -> Part:
    title, values = after.programs[key]
    part = Part("programme", key, title)
    old = before.programs.get(key)
    if old is None:
        part.items.append(Item(Topic.program_added, count=len(after.things[key])))
    elif fields := _changed(old[1], values, _PROGRAM_FIELDS):
        part.items.append(Item(Topic.settings_changed, subject=fields))
    then, now = before.things.get(key, {}), after.things[key]
    for thing in sorted(now.values(), key=lambda t: t.position):
        was = then.get(thing.key)
        if thing.archived:
            if was is not None and not was.archived:
                part.items.append(Item(Topic.thing_archived, subject=thing.title))
            continue
        if old is not None and was is None:
            part.items.append(Item(Topic.thing_added, subject=thing.title))
            continue
        if was is None:
            continue
        if was.archived:
            part.items.append(Item(Topic.thing_restored, subject=thing.title))
        for what in ("opens", "due"):
            if getattr(was, what) != getattr(thing, what):
                part.items.append(Item(Topic.date_moved, subject=thing.title, what=what,
                                       before=getattr(was, what) or "", after=getattr(thing, what) or ""))
        if fields := _changed(was.values, thing.values, _THING_FIELDS, leave_out=("opens", "due")):
            part.items.append(Item(Topic.thing_changed, subject=thing.title, what=fields))
    part.items += _moves(then, now)
    return part


def _moves(then: dict[str, _ThingState], now: dict[str, _ThingState]) -> list[Item]:
    """Things that moved: of those kept in both versions, the fewest that, taken out and put
    back, give the new order (a Thing added or archived renumbers the rest, which is no move;
    one Thing moved to the end is one move, not a shift of all the others)."""
    kept = [k for k, t in now.items() if not t.archived and k in then and not then[k].archived]
    old_order = sorted(kept, key=lambda k: then[k].position)
    new_order = sorted(kept, key=lambda k: now[k].position)
    old_place = {k: n for n, k in enumerate(old_order, start=1)}
    staying = _longest_rising([old_place[k] for k in new_order])
    return [Item(Topic.thing_moved, subject=now[k].title, before=str(old_place[k]), after=str(place))
            for place, k in enumerate(new_order, start=1) if old_place[k] not in staying]


def _longest_rising(values: list[int]) -> set[int]:
    """The values of a longest increasing subsequence (patience sorting)."""
    tails: list[int] = []  # index into values of the smallest tail of each length
    previous: list[int] = [-1] * len(values)
    for i, value in enumerate(values):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if values[tails[middle]] < value:
                low = middle + 1
            else:
                high = middle
        previous[i] = tails[low - 1] if low else -1
        if low == len(tails):
            tails.append(i)
        else:
            tails[low] = i
    chosen: set[int] = set()
    at = tails[-1] if tails else -1
    while at != -1:
        chosen.add(values[at])
        at = previous[at]
    return chosen


def _named(labels: list[str]) -> tuple[list[str], int]:
    ordered = sorted(labels, key=str.casefold)
    return ordered[:NAMES_SHOWN], len(ordered)


def _cohort_part(session: Session, key: str, before: Snapshot, after: Snapshot,
                 now: datetime) -> Part:
    cohort = after.cohorts[key]
    old = before.cohorts.get(key)
    part = Part("cohort", key, cohort.title)
    if old is None:
        part.items.append(Item(Topic.cohort_added, subject=cohort.program))
    elif fields := _changed(old.values, cohort.values, _COHORT_FIELDS):
        part.items.append(Item(Topic.settings_changed, subject=fields))
    old_groups = old.groups if old else {}
    for group_key, (name, archived) in sorted(cohort.groups.items()):
        was = old_groups.get(group_key)
        if not archived and (was is None or was[1]):
            part.items.append(Item(Topic.group_added, subject=name))
        elif archived and was is not None and not was[1]:
            part.items.append(Item(Topic.group_archived, subject=name))
    part.items += _people_items(old, cohort)
    if old is not None:
        part.items += _date_items(before, after, old, cohort)
    part.items += _overdue_items(session, before, after, old, cohort, now)
    return part


def _people_items(old: _CohortState | None, cohort: _CohortState) -> list[Item]:
    added: dict[Role, list[str]] = defaultdict(list)
    gone: dict[Role, list[str]] = defaultdict(list)
    back: dict[Role, list[str]] = defaultdict(list)
    moved: list[Item] = []
    then = old.people if old else {}
    for person_key, person in cohort.people.items():
        was = then.get(person_key)
        if was is None:
            if person.active:
                added[person.role].append(person.label)
        elif was.active and not person.active:
            gone[person.role].append(person.label)
        elif person.active and not was.active:
            back[person.role].append(person.label)
        elif person.active and was.group != person.group:
            moved.append(Item(Topic.person_moved, subject=person.label, before=was.group or "",
                              after=person.group or ""))
    items = []
    for topic, lists in ((Topic.person_added, added), (Topic.person_deactivated, gone),
                         (Topic.person_reactivated, back)):
        for role in Role:
            if lists.get(role):
                names, count = _named(lists[role])
                items.append(Item(topic, what=role.value, names=names, count=count))
    return items + sorted(moved, key=lambda i: i.subject.casefold())


def _windows(shot: Snapshot, cohort: _CohortState) -> dict[str, tuple[_ThingState, Window]]:
    """Each current Thing of the cohort's programme and when it opens and is due there."""
    return {key: (thing, thing_window(opens=thing.opens, due=thing.due,
                                      override=cohort.due_overrides.get(key),
                                      starts=cohort.starts_on, timezone=cohort.timezone))
            for key, thing in shot.things.get(cohort.program, {}).items() if not thing.archived}


def _date_items(before: Snapshot, after: Snapshot, old: _CohortState,
                cohort: _CohortState) -> list[Item]:
    """The days a Thing opens or is due in this cohort, where they move."""
    if old.program != cohort.program:
        return []
    then = _windows(before, old)
    items = []
    for key, (thing, window) in sorted(_windows(after, cohort).items(), key=lambda i: i[1][0].position):
        if key not in then:
            continue
        was = then[key][1]
        for what, old_day, new_day in (("opens", was.opens_on, window.opens_on),
                                       ("due", was.due_on, window.due_on)):
            if old_day != new_day:
                items.append(Item(Topic.date_moved, subject=thing.title, what=what,
                                  before=old_day.isoformat() if old_day else "",
                                  after=new_day.isoformat() if new_day else ""))
    return items


def _overdue_items(session: Session, before: Snapshot, after: Snapshot, old: _CohortState | None,
                   cohort: _CohortState, now: datetime) -> list[Item]:
    """For whom a Thing is overdue after publishing that was not before: its due day moved
    into the past, or they join a cohort whose Thing is past due (unless they have done it)."""
    was_overdue = {key for key, (_t, w) in (_windows(before, old) if old else {}).items()
                   if w.due_at is not None and w.due_at <= now}
    overdue = {key: thing for key, (thing, w) in _windows(after, cohort).items()
               if w.due_at is not None and w.due_at <= now}
    if not overdue:
        return []
    then = old.people if old else {}
    participants = {p.membership_id: (p, then.get(k)) for k, p in cohort.people.items()
                    if p.role == Role.participant and p.active}
    if not participants:
        return []
    done = set(session.exec(
        select(Completion.membership_id, Completion.thing_id)
        .join(Membership, col(Membership.id) == col(Completion.membership_id))
        .where(Membership.cohort_id == cohort.id, Completion.approval != Approval.rejected,
               col(Completion.thing_id).in_([t.id for t in overdue.values()]))).all())
    items = []
    for key, thing in sorted(overdue.items(), key=lambda i: i[1].position):
        labels = [person.label for membership_id, (person, was) in participants.items()
                  if (membership_id, thing.id) not in done
                  and (key not in was_overdue or was is None or not was.active)]
        if labels:
            names, count = _named(labels)
            items.append(Item(Topic.overdue, subject=thing.title, names=names, count=count))
    return items
