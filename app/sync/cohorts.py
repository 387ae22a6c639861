"""`kind: cohort` files and their roster CSVs, read into a CohortSpec and checked against
the programme they run (from the same import or from the database)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yaml.nodes import MappingNode, Node, ScalarNode

from app import limits
from app.cohorts.models import Enrolment, PostVisibility, Role
from app.i18n import LOCALES
from app.programs.schedule import thing_window
from app.sync.files import NotAFile, Outside, TooLarge, read_beside, too_large
from app.sync.reader import EMAIL, NAME_TEXT, SLUG, Position, Problem, Source, clip, listing

COHORT_KEYS = (
    "id", "program", "title", "timezone", "starts", "ends", "final_session", "organizations",
    "trainers", "managers", "participants", "participants_csv", "groups", "due_overrides",
    "enrolment", "pitch_due", "posts", "benchmark", "language", "signatory",
)
CSV_COLUMNS = ("email", "name", "organization", "group")
ROSTER_INSIDE = ("expected a file in this cohort's folder or a folder below it, like roster.csv "
                 "or rosters/spring.csv")


@dataclass
class PersonSpec:
    email: str
    name: str | None
    position: Position
    organization: str | None = None
    group: str | None = None


@dataclass
class GroupSpec:
    key: str
    name: str
    position: Position
    resource: str | None = None  # the resource person's e-mail, someone in this file


@dataclass
class ProgramFacts:
    """What a cohort needs to know of its programme to be checked."""

    key: str
    things: dict[str, tuple[str | None, str | None]]  # key -> (opens, due)
    groups_max_size: int | None


@dataclass
class CohortSpec:
    file: str
    position: Position
    key: str
    program: str
    program_position: Position
    title: str
    timezone: str
    starts: date
    ends: date
    final_session: datetime | None = None
    organizations: list[str] = field(default_factory=list)
    trainers: list[PersonSpec] = field(default_factory=list)
    managers: list[PersonSpec] = field(default_factory=list)
    participants: list[PersonSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    due_overrides: dict[str, str] = field(default_factory=dict)
    due_override_positions: dict[str, Position] = field(default_factory=dict)
    enrolment: Enrolment = Enrolment.closed
    pitch_due: datetime | None = None
    posts_default_visibility: PostVisibility = PostVisibility.cohort
    posts_allow_public: bool = False
    benchmark: float = 0.7
    language: str | None = None  # None: the programme's
    signatory: str | None = None  # the line signed under a badge's certificate
    translations: dict[str, Any] = field(default_factory=dict)
    dates_known: bool = True  # starts and timezone were read, so Things can be dated


def read_cohort(
    src: Source, root: Node, keys: dict[str, Node], path: Path
) -> tuple[CohortSpec, bool]:
    """The cohort as far as it could be read, and whether it was read without problems.
    A spec with problems is still returned, so the checks against its programme can run
    too and every problem is reported at once."""
    before = len(src.problems)
    tr: dict[str, Any] = {}
    key = src.slug(keys["id"], "id") if "id" in keys else None
    program = src.slug(keys["program"], "program") if "program" in keys else None
    title = src.localized(keys["title"], "title", tr, "title") if "title" in keys else None
    timezone = _read_timezone(src, keys["timezone"]) if "timezone" in keys else None
    starts = src.date(keys["starts"], "starts") if "starts" in keys else None
    ends = src.date(keys["ends"], "ends") if "ends" in keys else None
    if starts and ends and ends < starts:
        src.error(keys["ends"], "ends", f"the cohort ends ({ends}) before it starts ({starts})")

    spec = CohortSpec(
        file=src.file, position=src.position(root), key=key or "", program=program or "",
        program_position=src.position(keys.get("program", root)), title=title or "",
        timezone=timezone or "UTC", starts=starts or date.min, ends=ends or date.min,
        translations=tr, dates_known=starts is not None and timezone is not None,
    )
    if "language" in keys:
        spec.language = _read_language(src, keys["language"])
    if "final_session" in keys:
        spec.final_session = src.local_datetime(keys["final_session"], "final_session")
        if spec.final_session and starts and ends and not starts <= spec.final_session.date() <= ends:
            src.error(keys["final_session"], "final_session",
                      f"expected a moment between starts ({starts}) and ends ({ends})")
    if "pitch_due" in keys:
        spec.pitch_due = src.local_datetime(keys["pitch_due"], "pitch_due")
    if "enrolment" in keys:
        spec.enrolment = Enrolment(src.choice(keys["enrolment"], "enrolment", tuple(Enrolment))
                                   or Enrolment.closed)
    if "benchmark" in keys:
        spec.benchmark = src.number(keys["benchmark"], "benchmark", minimum=0, maximum=1) or 0.7
    if "posts" in keys:
        _read_posts(src, keys["posts"], spec)
    if "signatory" in keys:
        spec.signatory = src.text(keys["signatory"], "signatory", max_len=300)

    organizations = _read_organizations(src, keys.get("organizations"))
    spec.organizations = organizations or []
    spec.trainers = _read_staff(src, keys.get("trainers"), "trainers")
    spec.managers = _read_staff(src, keys.get("managers"), "managers")
    groups = _read_groups(src, keys.get("groups"))
    spec.groups = groups or []
    spec.participants = _read_participants(src, keys.get("participants"))
    if "participants_csv" in keys:
        room = limits.PARTICIPANTS_PER_COHORT - len(spec.participants)
        spec.participants += _read_roster(src, keys["participants_csv"], path, room)
    # a list that could not be read is not listed as empty: checking people against it
    # would only add false alarms
    _check_people(src, spec, known_organizations=organizations is not None,
                  known_groups=groups is not None)
    if "due_overrides" in keys:
        _read_overrides(src, keys["due_overrides"], spec)

    ok = len(src.problems) == before and None not in (key, program, title, timezone, starts, ends)
    return spec, ok


def check_against_program(spec: CohortSpec, facts: ProgramFacts) -> list[Problem]:
    """The checks that need the programme: overrides, dates per Thing, group sizes."""
    problems: list[Problem] = []

    def add(position: Position, message: str) -> None:
        problems.append(Problem(position.file, position.line, position.col, message))

    for thing_key, position in spec.due_override_positions.items():
        if thing_key not in facts.things:
            known = listing(list(facts.things)) or "none"
            add(position, f"due_overrides.{thing_key}: programme '{facts.key}' has no Thing "
                          f"'{thing_key}'; expected one of {known}")
    for thing_key, (opens, due) in facts.things.items() if spec.dates_known else ():
        try:  # every window must be a real pair of instants in this cohort
            window = thing_window(opens=opens, due=due, override=spec.due_overrides.get(thing_key),
                                  starts=spec.starts, timezone=spec.timezone)
        except OverflowError:
            position = spec.due_override_positions.get(thing_key, spec.program_position)
            add(position, f"Thing '{thing_key}' would open or be due after the year 9999 in this "
                          "cohort; change its dates")
            continue
        opens_on, due_on = window.opens_on, window.due_on
        if opens_on is None or due_on is None:
            continue
        if opens_on > due_on:
            position = spec.due_override_positions.get(thing_key, spec.program_position)
            add(position, f"Thing '{thing_key}' would open on {opens_on} but be due on {due_on} "
                          f"in this cohort; change its due date")
    if spec.groups and facts.groups_max_size is None:
        add(spec.groups[0].position,
            f"groups: programme '{facts.key}' does not use groups; add 'groups:' to the programme "
            "or remove them here")
    elif facts.groups_max_size is not None:
        sizes = Counter(p.group for p in spec.participants if p.group)
        for group in spec.groups:
            if sizes[group.key] > facts.groups_max_size:
                add(group.position, f"group '{group.key}' has {sizes[group.key]} participants; "
                                    f"programme '{facts.key}' allows at most {facts.groups_max_size}")
    return problems


def _read_language(src: Source, node: Node) -> str | None:
    value = src.text(node, "language")
    if value is not None and value not in LOCALES:
        src.error(node, "language", f"expected one of {', '.join(LOCALES)} (the languages Ting's "
                                    f"pages speak); got {value!r}")
        return None
    return value


def _read_timezone(src: Source, node: Node) -> str | None:
    name = src.text(node, "timezone")
    if name is None:
        return None
    try:
        if name.startswith(("/", ".")) or ".." in name:
            raise ValueError
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder like 'Europe'
        src.error(node, "timezone", f"expected a time zone like Europe/Amsterdam; got {name!r}")
        return None
    return name


def _read_posts(src: Source, node: Node, spec: CohortSpec) -> None:
    keys = src.mapping(node, "posts", optional=("default_visibility", "allow_public"))
    if keys is None:
        return
    if "allow_public" in keys:
        spec.posts_allow_public = bool(src.boolean(keys["allow_public"], "posts.allow_public"))
    if "default_visibility" in keys:
        value = src.choice(keys["default_visibility"], "posts.default_visibility",
                           tuple(PostVisibility))
        if value == PostVisibility.public and not spec.posts_allow_public:
            src.error(keys["default_visibility"], "posts.default_visibility",
                      "'public' needs posts.allow_public: true")
        spec.posts_default_visibility = PostVisibility(value or PostVisibility.cohort)


def _read_organizations(src: Source, node: Node | None) -> list[str] | None:
    """The organisations listed; None when the list itself could not be read."""
    items = src.sequence(node, "organizations", limit=limits.ORGANIZATIONS_PER_COHORT,
                         what="organisations per cohort") if node else []
    if items is None:
        return None
    names: dict[str, None] = {}  # in order, and quick to look up
    for i, item in enumerate(items):
        name = src.text(item, f"organizations[{i}]", NAME_TEXT)
        if name is None:
            continue
        if name in names:
            src.error(item, f"organizations[{i}]", f"'{name}' is listed twice")
            continue
        names[name] = None
    return list(names)


def _read_staff(src: Source, node: Node | None, where: str) -> list[PersonSpec]:
    """Trainers and managers: e-mail addresses, or {email, name}."""
    people: list[PersonSpec] = []
    items = src.sequence(node, where, limit=limits.STAFF_PER_COHORT,
                         what=f"{where} per cohort") if node else []
    for i, item in enumerate(items or []):
        at = f"{where}[{i}]"
        name = None
        if getattr(item, "tag", "").endswith(":map"):
            keys = src.mapping(item, at, required=("email",), optional=("name",))
            if not keys or "email" not in keys:
                continue
            email = src.email(keys["email"], f"{at}.email")
            name = src.text(keys["name"], f"{at}.name", NAME_TEXT) if "name" in keys else None
        else:
            email = src.email(item, at)
        if email:
            people.append(PersonSpec(email=email, name=name, position=src.position(item)))
    return people


def _read_groups(src: Source, node: Node | None) -> list[GroupSpec] | None:
    """The groups listed; None when the list itself could not be read."""
    items = src.sequence(node, "groups", limit=limits.GROUPS_PER_COHORT,
                         what="groups per cohort") if node else []
    if items is None:
        return None
    groups: list[GroupSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        at = f"groups[{i}]"
        keys = src.mapping(item, at, required=("key",), optional=("name", "resource"))
        if not keys or "key" not in keys:
            continue
        key = src.slug(keys["key"], f"{at}.key")
        name = src.text(keys["name"], f"{at}.name") if "name" in keys else key
        if key is None or name is None:
            continue
        if key in seen:
            src.error(keys["key"], f"{at}.key", f"group '{key}' is listed twice")
            continue
        seen.add(key)
        resource = src.email(keys["resource"], f"{at}.resource") if "resource" in keys else None
        groups.append(GroupSpec(key=key, name=name, position=src.position(item), resource=resource))
    return groups


def _read_participants(src: Source, node: Node | None) -> list[PersonSpec]:
    people: list[PersonSpec] = []
    items = src.sequence(node, "participants", limit=limits.PARTICIPANTS_PER_COHORT,
                         what="participants per cohort") if node else []
    for i, item in enumerate(items or []):
        at = f"participants[{i}]"
        keys = src.mapping(item, at, required=("email",), optional=CSV_COLUMNS[1:])
        if not keys or "email" not in keys:
            continue
        email = src.email(keys["email"], f"{at}.email")
        person = PersonSpec(email=email or "", name=None, position=src.position(keys["email"]))
        if "name" in keys:
            person.name = src.text(keys["name"], f"{at}.name", NAME_TEXT)
        if "organization" in keys:
            person.organization = src.text(keys["organization"], f"{at}.organization", NAME_TEXT)
        if "group" in keys:
            person.group = src.slug(keys["group"], f"{at}.group")
        if email:
            people.append(person)
    return people


def _read_roster(src: Source, node: Node, cohort_path: Path, room: int) -> list[PersonSpec]:
    """A roster CSV (email,name,organization,group); its problems are `file:line: message`.
    It may add `room` participants to those listed in the cohort file."""
    relative = src.text(node, "participants_csv")
    if relative is None:
        return []
    shown = str(Path(src.file).parent / relative)
    raw = _roster_bytes(src, node, cohort_path, relative, shown)
    if raw is None:
        return []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        src.error(node, "participants_csv", f"{shown} is not UTF-8 text; save it as CSV UTF-8")
        return []

    def problem(line: int, message: str) -> None:
        src.problems.append(Problem(shown, line, 0, message))

    if "\x00" in text:  # no database stores it (PostgreSQL refuses it in text)
        before = text[:text.index("\x00")]
        src.problems.append(Problem(shown, before.count("\n") + 1, len(before) - before.rfind("\n"),
                                    "a NUL character (U+0000) is not allowed; remove it"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        problem(1, "the file is empty; expected a header line: email,name,organization,group")
        return []
    except csv.Error as exc:
        problem(1, f"could not read CSV: {exc}")
        return []
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown or "email" not in header or len(set(header)) != len(header):
        problem(1, f"expected the header email,name,organization,group (email required); "
                   f"got {_show_header(header)}")
        return []
    people: list[PersonSpec] = []
    line, rows = 1, 0
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if rows > room:
                problem(line, f"too many participants: at most {limits.PARTICIPANTS_PER_COHORT:,} "
                              "per cohort, with those under 'participants' counted too; the rest "
                              "of the file is not read")
                break
            if len(row) != len(header):
                problem(line, f"expected {len(header)} columns ({','.join(header)}); got {len(row)}")
                continue
            values = {h: (cell.strip() or None) for h, cell in zip(header, row, strict=True)}
            email = (values.get("email") or "").lower()
            if not EMAIL.fullmatch(email):
                problem(line, f"email: expected an e-mail address like name@example.org; "
                              f"got {clip(values.get('email') or '')!r}")
                continue
            too_long = [(h, n) for h, n in (("email", 320), ("name", NAME_TEXT),
                                             ("organization", NAME_TEXT), ("group", 100))
                        if len(values.get(h) or "") > n]
            if too_long:
                problem(line, f"{too_long[0][0]}: too long: at most {too_long[0][1]} characters")
                continue
            group = values.get("group")
            if group and not SLUG.fullmatch(group):
                problem(line, f"group: expected a group key like team-1; got {group!r}")
                continue
            people.append(PersonSpec(
                email=email, name=values.get("name"), position=Position(shown, line, 0),
                organization=values.get("organization"), group=group,
            ))
    except csv.Error as exc:
        problem(line + 1, f"could not read CSV: {exc}")
    return people


def _roster_bytes(
    src: Source, node: Node, cohort_path: Path, relative: str, shown: str
) -> bytes | None:
    """The roster's bytes, if it is a regular file of sensible size in the cohort file's
    folder or below. A cohort file may not reach any other file the process can read (nor
    have a message show it), nor make validation wait on a FIFO or read a device forever."""

    def refuse(message: str) -> None:
        src.error(node, "participants_csv", message)

    try:
        return read_beside(cohort_path, relative, limits.ROSTER_CSV_BYTES)
    except Outside as exc:
        refuse({"absolute": f"{ROSTER_INSIDE}; got the absolute path {relative!r}",
                "parent": f"{ROSTER_INSIDE}; got {relative!r}, which uses '..'",
                "link": f"{shown} leads to a file outside this cohort's folder; copy the file "
                        "into it"}[exc.how])
    except NotAFile:
        refuse(f"cannot read {shown}: it is not a regular file")
    except TooLarge as exc:
        refuse(f"{shown} is {too_large(exc.size, limits.ROSTER_CSV_BYTES)}")
    except (OSError, RuntimeError, ValueError):  # a link loop; a NUL character in the name
        refuse(f"cannot read {shown}: no such file next to this cohort")
    return None


def _show_header(header: list[str]) -> str:
    """The first few column names, each cut short: enough to see what is wrong, and never
    a whole line of a file that may not be a roster at all."""
    shown = [clip(name, 40) for name in header[:5]]
    if len(header) > 5:
        shown.append(f"... ({len(header):,} columns)")
    return ",".join(shown)


def _check_people(
    src: Source, spec: CohortSpec, *, known_organizations: bool, known_groups: bool
) -> None:
    def add(position: Position, message: str) -> None:
        src.problems.append(Problem(position.file, position.line, position.col, message))

    for role, people in ((Role.participant, spec.participants), (Role.trainer, spec.trainers),
                         (Role.manager, spec.managers)):
        first: dict[str, Position] = {}
        for person in people:
            if person.email in first:
                add(person.position, f"{person.email} is already listed as a {role} at "
                                     f"{first[person.email]}")
            else:
                first[person.email] = person.position
    organizations = set(spec.organizations) if known_organizations else None
    group_keys = {g.key for g in spec.groups} if known_groups else None
    for person in spec.participants:
        if person.organization and organizations is not None and (
            person.organization not in organizations
        ):
            listed = listing(spec.organizations) or "none are listed"
            add(person.position, f"{person.email}: organization '{person.organization}' is not "
                                 f"in organizations ({listed})")
        if person.group and group_keys is not None and person.group not in group_keys:
            listed = listing(sorted(group_keys)) or "none are listed"
            add(person.position, f"{person.email}: group '{person.group}' is not in groups "
                                 f"({listed})")
    everyone = {p.email for p in (*spec.participants, *spec.trainers, *spec.managers)}
    for group in spec.groups:
        if group.resource and group.resource not in everyone:
            add(group.position, f"group '{group.key}': resource {group.resource} is not listed in "
                                f"this cohort's participants, trainers or managers")


def _read_overrides(src: Source, node: Node, spec: CohortSpec) -> None:
    if not isinstance(node, MappingNode):
        src.error(node, "due_overrides", "expected a mapping of Thing key to due date")
        return
    if len(node.value) > limits.THINGS_PER_PROGRAM:
        src.too_many(node, "due_overrides", len(node.value), limits.THINGS_PER_PROGRAM,
                     "due dates, one per Thing")
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            src.error(key_node, "due_overrides", "keys must be Thing keys")
            continue
        thing_key = key_node.value
        if thing_key in spec.due_overrides:
            src.error(key_node, f"due_overrides.{thing_key}", "listed twice")
            continue
        rule = src.date_rule(value_node, f"due_overrides.{thing_key}")
        if rule is not None:
            spec.due_overrides[thing_key] = rule
            spec.due_override_positions[thing_key] = src.position(key_node)
