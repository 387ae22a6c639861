"""Import: an idempotent upsert of validated programmes and cohorts, in the caller's transaction.

Keyed by programme and cohort ids, Thing keys and e-mail addresses. Nothing is lost: a Thing
that leaves the YAML is archived with its progress, a person who leaves a cohort is
deactivated, a group that leaves is archived. Unchanged rows are not written at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app import markdown
from app.auth.models import User
from app.cohorts.models import Cohort, CohortGroup, Membership, Role
from app.db import id_of
from app.programs.models import Badge, BadgeImage, Program, Theme, Thing
from app.programs.schedule import zone
from app.sync.cohorts import CohortSpec, PersonSpec, ProgramFacts
from app.sync.images import BadgeImage as BadgeImageSpec
from app.sync.programs import ProgramSpec
from app.sync.validate import Bundle

CHUNK = 500


@dataclass(frozen=True)
class Change:
    verb: str  # add, update, archive, restore, remove, deactivate, reactivate
    what: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.verb} {self.what} {self.name}{tail}"


def apply_bundle(session: Session, *, bundle: Bundle, now: datetime | None = None) -> list[Change]:
    """Write a valid bundle; the caller commits (import) or rolls back (dry run)."""
    assert bundle.ok, "apply_bundle needs a bundle without problems"
    now = now or datetime.now(UTC)
    changes: list[Change] = []
    for program in bundle.programs:
        _sync_program(session, program, changes, now)
    for cohort in bundle.cohorts:
        _sync_cohort(session, cohort, changes, now)
    session.flush()
    return changes


def program_facts(session: Session, key: str) -> ProgramFacts | None:
    """A stored programme, as a cohort being validated needs it."""
    program = session.exec(select(Program).where(Program.key == key)).first()
    if program is None:
        return None
    things = session.exec(
        select(Thing).where(Thing.program_id == program.id, col(Thing.archived_at).is_(None))
    ).all()
    return ProgramFacts(
        key=key,
        things={t.key: (t.opens, t.due) for t in things},
        groups_max_size=program.groups_max_size,
    )


def summarise(changes: Iterable[Change], *, detail_limit: int = 20) -> list[str]:
    """Lines for people: each change, but long runs of one kind are counted, not listed."""
    lines: list[str] = []
    shown: Counter[tuple[str, str]] = Counter()
    hidden: Counter[tuple[str, str]] = Counter()
    for change in changes:
        kind = (change.verb, change.what)
        if shown[kind] < detail_limit:
            shown[kind] += 1
            lines.append(str(change))
        else:
            hidden[kind] += 1
    for (verb, what), count in hidden.items():
        lines.append(f"... and {count} more: {verb} {what}")
    return lines


def _assign(row: Any, values: dict[str, Any]) -> list[str]:
    """Set the attributes that differ; returns their names (empty when nothing changed)."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _sync_program(session: Session, spec: ProgramSpec, changes: list[Change], now: datetime) -> None:
    values: dict[str, Any] = {
        "title": spec.title, "version": spec.version, "language": spec.language,
        "summary": spec.summary, "description": spec.description,
        "description_html": markdown.render(spec.description), "purpose": spec.purpose,
        "purpose_html": markdown.render(spec.purpose), "completion_must": spec.completion_must,
        "completion_can": spec.completion_can, "groups_max_size": spec.groups_max_size,
        "groups_self_select": spec.groups_self_select,
        "pitch_votes_per_participant": spec.pitch_votes_per_participant,
        "pitch_self_vote": spec.pitch_self_vote, "pitch_tie_break": spec.pitch_tie_break,
        "forum_categories": spec.forum_categories, "translations": spec.translations,
    }
    program = session.exec(select(Program).where(Program.key == spec.key)).first()
    before = len(changes)
    if program is None:
        program = Program(key=spec.key, created_at=now, updated_at=now, **values)
        session.add(program)
        session.flush()
        changes.append(Change("add", "programme", spec.key, f"{len(spec.things)} Things"))
    elif changed := _assign(program, values):
        program.updated_at = now
        changes.append(Change("update", "programme", spec.key, ", ".join(_public(changed))))

    themes = {t.key: t for t in session.exec(select(Theme).where(Theme.program_id == program.id))}
    for position, theme_spec in enumerate(spec.themes, start=1):
        theme_values: dict[str, Any] = {"title": theme_spec.title, "position": position,
                        "translations": theme_spec.translations}
        theme = themes.pop(theme_spec.key, None)
        if theme is None:
            session.add(Theme(program_id=id_of(program), key=theme_spec.key, **theme_values))
            changes.append(Change("add", "theme", f"{spec.key}/{theme_spec.key}"))
        elif changed := _assign(theme, theme_values):
            changes.append(Change("update", "theme", f"{spec.key}/{theme_spec.key}",
                                  ", ".join(_public(changed))))
    for theme in themes.values():  # a theme is only a heading; its Things keep their key
        session.delete(theme)
        changes.append(Change("remove", "theme", f"{spec.key}/{theme.key}"))

    things = {t.key: t for t in session.exec(select(Thing).where(Thing.program_id == program.id))}
    # a move is news when Things kept in both versions stand in another order; renumbering
    # because a Thing was added or removed is not
    listed = [t.key for t in spec.things]
    before_order = [t.key for t in sorted(things.values(), key=lambda t: t.position)
                    if t.archived_at is None and t.key in listed]
    after_order = [key for key in listed if key in before_order]
    reordered = before_order != after_order
    for position, thing_spec in enumerate(spec.things, start=1):
        thing_values: dict[str, Any] = {
            "position": position, "title": thing_spec.title, "kind": thing_spec.kind,
            "theme_key": thing_spec.theme, "opens": thing_spec.opens, "due": thing_spec.due,
            "minutes": thing_spec.minutes, "body": thing_spec.body,
            "body_html": markdown.render(thing_spec.body), "links": thing_spec.links,
            "reflection_prompt": thing_spec.reflection_prompt,
            "reflection_required": thing_spec.reflection_required,
            "reflection_min_words": thing_spec.reflection_min_words,
            "evidence": thing_spec.evidence, "translations": _with_html(thing_spec.translations),
            "forum": thing_spec.forum,
        }
        name = f"{spec.key}/{thing_spec.key}"
        thing = things.pop(thing_spec.key, None)
        if thing is None:
            session.add(Thing(program_id=id_of(program), key=thing_spec.key, **thing_values))
            changes.append(Change("add", "Thing", name, thing_spec.title))
            continue
        if thing.archived_at is not None:
            thing.archived_at = None
            changes.append(Change("restore", "Thing", name, "its progress is back"))
        changed = _assign(thing, thing_values)
        if changed and changed != ["position"]:  # moves are reported once, below
            changes.append(Change("update", "Thing", name, ", ".join(_public(changed))))
    for thing in things.values():
        if thing.archived_at is None:
            thing.archived_at = now
            changes.append(Change("archive", "Thing", f"{spec.key}/{thing.key}",
                                  "no longer in the file; its progress is kept"))
    if reordered:
        changes.append(Change("update", "programme", spec.key, "order of Things"))
    _sync_badges(session, spec, id_of(program), changes, now)
    if len(changes) > before:
        program.updated_at = now  # the stamp that tells every process to reload its Things
    session.flush()


def _sync_badges(session: Session, spec: ProgramSpec, program_id: int, changes: list[Change],
                 now: datetime) -> None:
    """Badges by key; one that leaves the file is archived, and what it awarded stays."""
    badges = {b.key: b for b in session.exec(select(Badge).where(Badge.program_id == program_id))}
    for position, badge_spec in enumerate(spec.badges, start=1):
        values: dict[str, Any] = {
            "position": position, "name": badge_spec.name, "rule": badge_spec.rule,
            "theme_key": badge_spec.theme, "things_needed": badge_spec.things,
            "description": badge_spec.description, "criteria": badge_spec.criteria,
            "criteria_html": markdown.render(badge_spec.criteria), "hours": badge_spec.hours,
            "translations": _with_criteria_html(badge_spec.translations),
            "image_type": badge_spec.image.media_type if badge_spec.image else None,
            "image_sha256": badge_spec.image.sha256 if badge_spec.image else None,
        }
        name = f"{spec.key}/{badge_spec.key}"
        badge = badges.pop(badge_spec.key, None)
        if badge is None:
            badge = Badge(program_id=program_id, key=badge_spec.key, **values)
            session.add(badge)
            _keep_image(session, badge, badge_spec.image)
            changes.append(Change("add", "badge", name, badge_spec.name))
            continue
        if badge.archived_at is not None:
            badge.archived_at = None
            changes.append(Change("restore", "badge", name, "its awards are back"))
        changed = [c for c in _assign(badge, values) if c != "position"]
        if "image_sha256" in changed:
            _keep_image(session, badge, badge_spec.image)
        if changed:
            changes.append(Change("update", "badge", name, ", ".join(_public(changed))))
    for badge in badges.values():
        if badge.archived_at is None:
            badge.archived_at = now
            changes.append(Change("archive", "badge", f"{spec.key}/{badge.key}",
                                  "no longer in the file; what it awarded stays"))


def _keep_image(session: Session, badge: Badge, image: BadgeImageSpec | None) -> None:
    """Store the badge's shipped picture, or drop the one it had."""
    session.flush()  # a new badge's id
    stored = session.get(BadgeImage, badge.id)
    if image is None:
        if stored is not None:
            session.delete(stored)
    elif stored is None:
        assert badge.id is not None
        session.add(BadgeImage(badge_id=badge.id, data=image.data))
    else:
        stored.data = image.data


def _with_criteria_html(translations: dict[str, Any]) -> dict[str, Any]:
    criteria: dict[str, str] = translations.get("criteria") or {}
    if not criteria:
        return translations
    return {**translations,
            "criteria_html": {code: markdown.render(text) for code, text in criteria.items()}}


def _public(names: list[str]) -> list[str]:
    """Field names as trainers wrote them, without derived columns."""
    hidden = {"description_html", "purpose_html", "body_html", "criteria_html", "position",
              "image_type"}
    shown = {"image_sha256": "image"}
    return [shown.get(n, n) for n in names if n not in hidden] or ["order"]


def _sync_cohort(session: Session, spec: CohortSpec, changes: list[Change], now: datetime) -> None:
    program = session.exec(select(Program).where(Program.key == spec.program)).one()
    tz = zone(spec.timezone)

    def instant(value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=tz).astimezone(UTC) if value else None

    values: dict[str, Any] = {
        "program_id": program.id, "title": spec.title, "timezone": spec.timezone,
        "starts_on": spec.starts, "ends_on": spec.ends,
        "final_session_at": instant(spec.final_session), "organizations": spec.organizations,
        "due_overrides": spec.due_overrides, "enrolment": spec.enrolment,
        "pitch_due_at": instant(spec.pitch_due),
        "posts_default_visibility": spec.posts_default_visibility,
        "posts_allow_public": spec.posts_allow_public, "benchmark": spec.benchmark,
        "language": spec.language, "translations": spec.translations,
        "signatory": spec.signatory,
    }
    cohort = session.exec(select(Cohort).where(Cohort.key == spec.key)).first()
    if cohort is None:
        cohort = Cohort(key=spec.key, created_at=now, updated_at=now, **values)
        session.add(cohort)
        session.flush()
        changes.append(Change("add", "cohort", spec.key, f"programme {spec.program}"))
    elif changed := _assign(cohort, values):
        cohort.updated_at = now
        changes.append(Change("update", "cohort", spec.key,
                              ", ".join(c.replace("program_id", "program") for c in changed)))

    users = _sync_users(session, spec, changes)
    groups = _sync_groups(session, cohort, spec, users, changes, now)
    _sync_memberships(session, cohort, spec, users, groups, changes,
                      keep_chosen_groups=program.groups_self_select)


def _sync_groups(
    session: Session, cohort: Cohort, spec: CohortSpec, users: dict[str, User],
    changes: list[Change], now: datetime,
) -> dict[str, CohortGroup]:
    existing = {g.key: g for g in session.exec(
        select(CohortGroup).where(CohortGroup.cohort_id == cohort.id))}
    for group_spec in spec.groups:
        name = f"{spec.key}/{group_spec.key}"
        group = existing.get(group_spec.key)
        # a resource the file names wins; where it names none, the trainer's choice stays
        resource_id = id_of(users[group_spec.resource]) if group_spec.resource else None
        if group is None:
            group = CohortGroup(cohort_id=id_of(cohort), key=group_spec.key, name=group_spec.name,
                                resource_user_id=resource_id)
            session.add(group)
            existing[group.key] = group
            changes.append(Change("add", "group", name, group_spec.name))
            continue
        if resource_id is not None and group.resource_user_id != resource_id:
            group.resource_user_id = resource_id
            changes.append(Change("update", "group", name, f"resource is now {group_spec.resource}"))
        if group.archived_at is not None:
            group.archived_at = None
            changes.append(Change("restore", "group", name))
        if group.name != group_spec.name:
            group.name = group_spec.name
            changes.append(Change("update", "group", name, "name"))
    listed = {g.key for g in spec.groups}
    for group in existing.values():
        if group.key not in listed and group.archived_at is None:
            group.archived_at = now
            changes.append(Change("archive", "group", f"{spec.key}/{group.key}",
                                  "no longer in the file; its work is kept"))
    session.flush()
    return existing


def _people(spec: CohortSpec) -> list[tuple[Role, PersonSpec]]:
    return ([(Role.participant, p) for p in spec.participants]
            + [(Role.trainer, p) for p in spec.trainers]
            + [(Role.manager, p) for p in spec.managers])


def _sync_users(session: Session, spec: CohortSpec, changes: list[Change]) -> dict[str, User]:
    named: dict[str, str | None] = {}
    for _role, person in _people(spec):
        if person.name or person.email not in named:
            named[person.email] = person.name
    emails = list(named)
    users: dict[str, User] = {}
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start:start + CHUNK]
        users.update({u.email: u for u in session.exec(select(User).where(col(User.email).in_(chunk)))})
    for email, name in named.items():
        existing = users.get(email)
        if existing is None:
            created = User(email=email, name=name or email.split("@", 1)[0])
            session.add(created)
            users[email] = created
            changes.append(Change("add", "person", email, created.name))
        elif name and existing.name != name:
            existing.name = name
            changes.append(Change("update", "person", email, f"name is now {name}"))
    session.flush()
    return users


def _sync_memberships(
    session: Session, cohort: Cohort, spec: CohortSpec, users: dict[str, User],
    groups: dict[str, CohortGroup], changes: list[Change], *, keep_chosen_groups: bool,
) -> None:
    """Memberships as the file lists them. Where people choose their groups themselves, a person
    the file gives no group keeps the one they chose."""
    existing = {(m.user_id, m.role): m for m in session.exec(
        select(Membership).where(Membership.cohort_id == cohort.id))}
    listed: set[tuple[int, Role]] = set()
    for role, person in _people(spec):
        user = users[person.email]
        group = groups[person.group] if person.group else None
        values: dict[str, Any] = {"organization": person.organization,
                  "group_id": group.id if group else None, "is_active": True,
                  "self_enrolled": False}  # listed in the file now: on the roster
        if group is None and keep_chosen_groups:
            del values["group_id"]
        key = (id_of(user), role)
        listed.add(key)
        name = f"{person.email} in {spec.key}"
        membership = existing.get(key)
        if membership is None:
            session.add(Membership(cohort_id=id_of(cohort), user_id=id_of(user), role=role,
                                   **values))
            changes.append(Change("add", role.value, name))
            continue
        was_active = membership.is_active
        changed = _assign(membership, values)
        if not was_active:
            changes.append(Change("reactivate", role.value, name, "their progress is back"))
        elif changed:
            detail = ", ".join(c.replace("group_id", "group") for c in changed)
            changes.append(Change("update", role.value, name, detail))
    leaving = [m for key, m in existing.items()
               if key not in listed and m.is_active and not m.self_enrolled]
    emails = dict(session.exec(  # one query, however many people leave
        select(User.id, User.email).where(col(User.id).in_([m.user_id for m in leaving]))
    ).all()) if leaving else {}
    for membership in leaving:
        membership.is_active = False
        email = emails.get(membership.user_id, str(membership.user_id))
        changes.append(Change("deactivate", membership.role, f"{email} in {spec.key}",
                              "no longer in the file; their progress is kept"))


def _with_html(translations: dict[str, Any]) -> dict[str, Any]:
    """A Thing's per-language texts, with each language's instructions rendered once, here."""
    bodies: dict[str, str] = translations.get("body") or {}
    if not bodies:
        return translations
    return {**translations, "body_html": {code: markdown.render(text) for code, text in bodies.items()}}
