"""`kind: program` files: what they may say (DESIGN.md §3), read into a ProgramSpec."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any

from yaml.nodes import MappingNode, Node

from app import limits
from app.programs.models import BadgeRule, Evidence, ThingKind, TieBreak
from app.programs.schedule import parse_rule
from app.sync.files import NotAFile, Outside, TooLarge, read_beside, too_large
from app.sync.images import MEDIA_TYPES, BadgeImage
from app.sync.images import checked as checked_image
from app.sync.reader import LANGUAGE, Position, Source, listing, show

PROGRAM_KEYS = (
    "id", "title", "version", "language", "summary", "description", "purpose", "completion",
    "themes", "things", "groups", "pitch", "forum", "badges",
)
THING_KEYS = (
    "key", "title", "kind", "theme", "opens", "due", "minutes", "body", "links", "reflection",
    "evidence", "forum",
)
BADGE_KEYS = ("key", "name", "for", "description", "criteria", "hours", "image")
PROGRAMME_RULE = "programme"  # `for: programme`: the programme's completion rule
KINDS = tuple(ThingKind)
EVIDENCE = tuple(Evidence)


@dataclass
class ThemeSpec:
    key: str
    title: str
    translations: dict[str, Any] = field(default_factory=dict)


@dataclass
class ThingSpec:
    key: str
    title: str
    kind: ThingKind
    theme: str | None = None
    opens: str | None = None
    due: str | None = None
    minutes: int | None = None
    body: str = ""
    links: list[dict[str, str]] = field(default_factory=list)
    reflection_prompt: str | None = None
    reflection_required: bool = False
    reflection_min_words: int = 0
    evidence: Evidence = Evidence.none
    translations: dict[str, Any] = field(default_factory=dict)
    # where it is talked about: {"category": ..., "topic": ...} (either or both)
    forum: dict[str, str] | None = None
    forum_node: Node | None = field(default=None, repr=False, compare=False)


@dataclass
class BadgeSpec:
    """A badge: for completing the programme, or for a theme (all its must-do Things, or
    `things` of its Things)."""

    key: str
    name: str
    rule: BadgeRule
    theme: str | None = None
    things: int | None = None
    description: str = ""
    criteria: str = ""  # Markdown
    hours: float | None = None  # CPD hours; None: from the Things' minutes
    image: BadgeImage | None = None  # shipped beside the YAML; None: drawn from the name
    translations: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProgramSpec:
    file: str
    position: Position
    key: str
    title: str
    things: list[ThingSpec]
    version: int = 1
    language: str = "en"
    summary: str = ""
    description: str = ""
    purpose: str = ""
    completion_must: int | None = None  # None: all must-do Things
    completion_can: int = 0
    themes: list[ThemeSpec] = field(default_factory=list)
    groups_max_size: int | None = None
    groups_self_select: bool = False
    pitch_votes_per_participant: int | None = None
    pitch_self_vote: bool = False
    pitch_tie_break: TieBreak = TieBreak.trainer
    forum_categories: list[str] | None = None
    badges: list[BadgeSpec] = field(default_factory=list)
    translations: dict[str, Any] = field(default_factory=dict)


def read_program(src: Source, root: Node, keys: dict[str, Node], path: Path) -> ProgramSpec | None:
    """Read a programme from its top-level keys; returns None when anything is wrong."""
    before = len(src.problems)
    tr: dict[str, Any] = {}
    language = "en"
    if "language" in keys:
        value = src.text(keys["language"], "language")
        if value is not None and not LANGUAGE.fullmatch(value):
            src.error(keys["language"], "language",
                      f"expected a language code like en, da or nl; got {value!r}")
        elif value:
            language = value

    key = src.slug(keys["id"], "id") if "id" in keys else None
    title = src.localized(keys["title"], "title", tr, "title", language) if "title" in keys else None
    spec_kwargs: dict[str, Any] = {}
    if "version" in keys:
        spec_kwargs["version"] = src.integer(keys["version"], "version", minimum=1, maximum=1_000_000)
    for name in ("summary", "description", "purpose"):
        if name in keys:
            spec_kwargs[name] = src.localized(keys[name], name, tr, name, language,
                                              max_len=limits.LONG_TEXT_CHARS) or ""

    themes = _read_themes(src, keys.get("themes"), language)
    theme_keys = {t.key for t in themes}
    before_things = len(src.problems)
    things = _read_things(src, keys.get("things"), theme_keys, language)
    # counting against a list that lost invalid Things would only add false alarms
    countable = things if len(src.problems) == before_things else None

    if "completion" in keys:
        must, can = _read_completion(src, keys["completion"], countable)
        spec_kwargs["completion_must"], spec_kwargs["completion_can"] = must, can

    if "groups" in keys:
        groups = src.mapping(keys["groups"], "groups", optional=("max_size", "self_select"))
        if groups is not None:
            spec_kwargs["groups_max_size"] = 5
            if "max_size" in groups:
                spec_kwargs["groups_max_size"] = src.integer(
                    groups["max_size"], "groups.max_size", minimum=1, maximum=1000)
            if "self_select" in groups:
                spec_kwargs["groups_self_select"] = src.boolean(groups["self_select"], "groups.self_select")
    if "pitch" in keys:
        pitch = src.mapping(keys["pitch"], "pitch",
                            optional=("votes_per_participant", "self_vote", "tie_break"))
        if pitch is not None:
            if "groups" not in keys:
                src.error(keys["pitch"], "pitch", "a pitch needs groups: add 'groups: {max_size: 5}'")
            spec_kwargs["pitch_votes_per_participant"] = 1
            if "votes_per_participant" in pitch:
                spec_kwargs["pitch_votes_per_participant"] = src.integer(
                    pitch["votes_per_participant"], "pitch.votes_per_participant",
                    minimum=1, maximum=100)
            if "self_vote" in pitch:
                spec_kwargs["pitch_self_vote"] = src.boolean(pitch["self_vote"], "pitch.self_vote")
            if "tie_break" in pitch:
                spec_kwargs["pitch_tie_break"] = src.choice(
                    pitch["tie_break"], "pitch.tie_break", tuple(TieBreak))
    if "forum" in keys:
        forum = src.mapping(keys["forum"], "forum", optional=("categories",))
        if forum is not None:
            spec_kwargs["forum_categories"] = _read_categories(src, forum.get("categories"))
    _check_forum_links(src, things or [], spec_kwargs.get("forum_categories"))
    if "badges" in keys:
        spec_kwargs["badges"] = _read_badges(src, keys["badges"], theme_keys, countable, language,
                                           path)

    if len(src.problems) > before or key is None or title is None or things is None:
        return None
    return ProgramSpec(
        file=src.file, position=src.position(root), key=key, title=title, things=things,
        language=language, themes=themes, translations=tr, **spec_kwargs,
    )


def _read_themes(src: Source, node: Node | None, language: str) -> list[ThemeSpec]:
    if node is None:
        return []
    themes: list[ThemeSpec] = []
    seen: dict[str, int] = {}
    items = src.sequence(node, "themes", limit=limits.THEMES_PER_PROGRAM,
                         what="themes per programme")
    for i, item in enumerate(items or []):
        where = f"themes[{i}]"
        keys = src.mapping(item, where, required=("key", "title"), optional=())
        if keys is None or "key" not in keys or "title" not in keys:
            continue
        tr: dict[str, Any] = {}
        key = src.slug(keys["key"], f"{where}.key")
        title = src.localized(keys["title"], f"{where}.title", tr, "title", language)
        if key is not None and key in seen:
            src.error(keys["key"], f"{where}.key", f"theme '{key}' is already themes[{seen[key]}]")
            continue
        if key is not None and title is not None:
            seen[key] = i
            themes.append(ThemeSpec(key=key, title=title, translations=tr))
    return themes


def _read_things(
    src: Source, node: Node | None, theme_keys: set[str], language: str
) -> list[ThingSpec] | None:
    if node is None:
        return None
    items = src.sequence(node, "things", limit=limits.THINGS_PER_PROGRAM,
                         what="Things per programme")
    if items is None:
        return None
    if not items:
        src.error(node, "things", "a programme needs at least one Thing")
        return None
    things: list[ThingSpec] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        thing = _read_thing(src, item, f"things[{i}]", theme_keys, language)
        if thing is None:
            continue
        if thing.key in seen:
            key_node = next(v for k, v in item.value if k.value == "key")  # read, so it is there
            src.error(key_node, f"things[{i}].key",
                      f"Thing key '{thing.key}' is already used by things[{seen[thing.key]}]")
            continue
        seen[thing.key] = i
        things.append(thing)
    return things


def _read_thing(
    src: Source, node: Node, where: str, theme_keys: set[str], language: str
) -> ThingSpec | None:
    keys = src.mapping(node, where, required=("key", "title", "kind"), optional=THING_KEYS[3:])
    if keys is None:
        return None
    before = len(src.problems)
    tr: dict[str, Any] = {}
    key = src.slug(keys["key"], f"{where}.key") if "key" in keys else None
    title = src.localized(keys["title"], f"{where}.title", tr, "title", language) if "title" in keys else None
    kind = src.choice(keys["kind"], f"{where}.kind", KINDS) if "kind" in keys else None
    thing = ThingSpec(key=key or "", title=title or "", kind=ThingKind(kind or ThingKind.must),
                      translations=tr)
    if "theme" in keys:
        thing.theme = src.text(keys["theme"], f"{where}.theme")
        if thing.theme is not None and thing.theme not in theme_keys:
            known = listing(sorted(theme_keys)) or "none are defined under 'themes'"
            src.error(keys["theme"], f"{where}.theme",
                      f"no theme '{thing.theme}'; expected one of {known}")
    if "opens" in keys:
        thing.opens = src.date_rule(keys["opens"], f"{where}.opens")
    if "due" in keys:
        thing.due = src.date_rule(keys["due"], f"{where}.due")
    if thing.opens and thing.due and not opens_before_due(thing.opens, thing.due):
        src.error(keys["opens"], f"{where}.opens",
                  f"opens ({thing.opens}) after it is due ({thing.due})")
    if "minutes" in keys:
        thing.minutes = src.integer(keys["minutes"], f"{where}.minutes", minimum=1, maximum=10_000)
    if "body" in keys:
        thing.body = src.localized(keys["body"], f"{where}.body", tr, "body", language,
                                   max_len=limits.LONG_TEXT_CHARS) or ""
    if "links" in keys:
        thing.links = _read_links(src, keys["links"], f"{where}.links")
    if "reflection" in keys:
        _read_reflection(src, keys["reflection"], f"{where}.reflection", thing, tr, language)
    if "evidence" in keys:
        thing.evidence = Evidence(src.choice(keys["evidence"], f"{where}.evidence", EVIDENCE)
                                  or Evidence.none)
    if "forum" in keys:
        thing.forum = _read_forum_link(src, keys["forum"], f"{where}.forum")
        thing.forum_node = keys["forum"]
    if len(src.problems) > before or key is None or title is None or kind is None:
        return None
    return thing


def _read_forum_link(src: Source, node: Node, where: str) -> dict[str, str] | None:
    keys = src.mapping(node, where, optional=("category", "topic"))
    if keys is None:
        return None
    if not keys:
        src.error(node, where, "expected {category: NAME} or {topic: TITLE} (or both)")
        return None
    link = {name: src.text(keys[name], f"{where}.{name}", max_len=200) for name in keys}
    return {name: value for name, value in link.items() if value} or None


def _check_forum_links(src: Source, things: list[ThingSpec], categories: list[str] | None) -> None:
    """A Thing's forum link needs the programme's forum, and one of its categories."""
    for i, thing in enumerate(things):
        if thing.forum is None or thing.forum_node is None:
            continue
        if not categories:
            src.error(thing.forum_node, f"things[{i}].forum", "the programme has no forum; add "
                      "'forum: {categories: [General]}' to it")
        elif thing.forum.get("category", categories[0]) not in categories:
            src.error(thing.forum_node, f"things[{i}].forum.category",
                      f"no forum category '{thing.forum['category']}'; expected one of "
                      f"{listing(categories)}")


def opens_before_due(opens: str, due: str, starts: date | None = None) -> bool:
    """Whether `opens` is not after `due`; without a start date only like with like compares."""
    opens_rule, due_rule = parse_rule(opens), parse_rule(due)
    if starts is None:
        if opens_rule.is_relative != due_rule.is_relative:
            return True  # depends on the cohort; checked when a cohort is read
        starts = date(2000, 1, 3)
    return opens_rule.opens_on(starts) <= due_rule.due_on(starts)


def _read_links(src: Source, node: Node, where: str) -> list[dict[str, str]]:
    links = []
    items = src.sequence(node, where, limit=limits.LINKS_PER_THING, what="links per Thing")
    for i, item in enumerate(items or []):
        keys = src.mapping(item, f"{where}[{i}]", required=("title", "url"), optional=())
        if not keys or "title" not in keys or "url" not in keys:
            continue
        title = src.text(keys["title"], f"{where}[{i}].title")
        url = src.url(keys["url"], f"{where}[{i}].url")
        if title and url:
            links.append({"title": title, "url": url})
    return links


def _read_reflection(
    src: Source, node: Node, where: str, thing: ThingSpec, tr: dict[str, Any], language: str
) -> None:
    keys = src.mapping(node, where, optional=("prompt", "required", "min_words"))
    if keys is None:
        return
    if "prompt" in keys:
        thing.reflection_prompt = src.localized(keys["prompt"], f"{where}.prompt", tr,
                                                "reflection_prompt", language,
                                                max_len=limits.LONG_TEXT_CHARS)
    if "required" in keys:
        thing.reflection_required = bool(src.boolean(keys["required"], f"{where}.required"))
    if "min_words" in keys:
        thing.reflection_min_words = src.integer(
            keys["min_words"], f"{where}.min_words", minimum=0, maximum=10_000) or 0
        if thing.reflection_min_words and "required" not in keys:
            thing.reflection_required = True  # a word minimum only means something when required


def _read_completion(
    src: Source, node: Node, things: list[ThingSpec] | None
) -> tuple[int | None, int]:
    keys = src.mapping(node, "completion", optional=("must", "can"))
    if keys is None:
        return None, 0
    counts = {kind: sum(1 for t in things or [] if t.kind == kind) for kind in KINDS}
    must: int | None = None
    can = 0
    if "must" in keys:
        must_node = keys["must"]
        if getattr(must_node, "value", None) == "all":
            must = None
        else:
            must = src.integer(must_node, "completion.must", minimum=0, maximum=10_000)
            if must is not None and things is not None and must > counts[ThingKind.must]:
                src.error(must_node, "completion.must",
                          f"asks for {must} must-do Things but the programme has {counts[ThingKind.must]}")
    if "can" in keys:
        can_node = keys["can"]
        if getattr(can_node, "value", None) == "all":
            can = counts[ThingKind.can]
        else:
            can = src.integer(can_node, "completion.can", minimum=0, maximum=10_000) or 0
            if things is not None and can > counts[ThingKind.can]:
                src.error(can_node, "completion.can",
                          f"asks for {can} can-do Things but the programme has {counts[ThingKind.can]}")
    return must, can


def _read_categories(src: Source, node: Node | None) -> list[str]:
    if node is None:
        return ["General"]
    categories: dict[str, None] = {}  # in order, and quick to look up
    items = src.sequence(node, "forum.categories", limit=limits.FORUM_CATEGORIES,
                         what="forum categories")
    for i, item in enumerate(items or []):
        name = src.text(item, f"forum.categories[{i}]")
        if name is None:
            continue
        if name in categories:
            src.error(item, f"forum.categories[{i}]", f"category '{name}' is listed twice")
            continue
        categories[name] = None
    return list(categories)


def _read_badges(src: Source, node: Node, theme_keys: set[str], things: list[ThingSpec] | None,
                 language: str, path: Path) -> list[BadgeSpec]:
    badges: list[BadgeSpec] = []
    seen: dict[str, int] = {}
    programme_badge: int | None = None
    items = src.sequence(node, "badges", limit=limits.BADGES_PER_PROGRAM, what="badges per programme")
    for i, item in enumerate(items or []):
        where = f"badges[{i}]"
        badge = _read_badge(src, item, where, theme_keys, things, language, path)
        if badge is None:
            continue
        keys = {k.value: (k, v) for k, v in item.value}
        if badge.key in seen:
            src.error(keys["key"][1], f"{where}.key",
                      f"badge '{badge.key}' is already badges[{seen[badge.key]}]")
            continue
        if badge.rule == BadgeRule.programme:
            if programme_badge is not None:
                src.error(keys["for"][1], f"{where}.for",
                          f"badges[{programme_badge}] is already for completing the programme")
                continue
            programme_badge = i
        seen[badge.key] = i
        badges.append(badge)
    return badges


def _read_badge(src: Source, node: Node, where: str, theme_keys: set[str],
                things: list[ThingSpec] | None, language: str, path: Path) -> BadgeSpec | None:
    keys = src.mapping(node, where, required=("key", "name", "for"), optional=BADGE_KEYS[3:])
    if keys is None or not {"key", "name", "for"} <= set(keys):
        return None
    before = len(src.problems)
    tr: dict[str, Any] = {}
    key = src.slug(keys["key"], f"{where}.key")
    name = src.localized(keys["name"], f"{where}.name", tr, "name", language)
    badge = BadgeSpec(key=key or "", name=name or "", rule=BadgeRule.programme, translations=tr)
    _read_badge_rule(src, keys["for"], f"{where}.for", badge, theme_keys, things)
    for text_key in ("description", "criteria"):
        if text_key in keys:
            setattr(badge, text_key, src.localized(keys[text_key], f"{where}.{text_key}", tr,
                                                   text_key, language,
                                                   max_len=limits.LONG_TEXT_CHARS) or "")
    if "hours" in keys:
        badge.hours = src.number(keys["hours"], f"{where}.hours", minimum=0.5, maximum=10_000)
    if "image" in keys:
        badge.image = _read_badge_image(src, keys["image"], f"{where}.image", path)
    if len(src.problems) > before or key is None or name is None:
        return None
    return badge


def _read_badge_image(src: Source, node: Node, where: str, path: Path) -> BadgeImage | None:
    """A picture in the programme file's folder or below: an SVG or PNG of sensible size."""
    relative = src.text(node, where)
    if relative is None:
        return None
    shown = str(Path(src.file).parent / relative)
    suffix = PurePath(relative).suffix.lower()
    if suffix not in MEDIA_TYPES:
        src.error(node, where, f"expected an .svg or .png file; got {relative!r}")
        return None
    try:
        data = read_beside(path, relative, limits.BADGE_IMAGE_BYTES)
    except Outside:
        src.error(node, where, f"expected a file in this programme's folder or a folder below "
                               f"it, like badges/{PurePath(relative).name}; got {relative!r}")
        return None
    except NotAFile:
        src.error(node, where, f"cannot read {shown}: it is not a regular file")
        return None
    except TooLarge as exc:
        src.error(node, where, f"{shown} is {too_large(exc.size, limits.BADGE_IMAGE_BYTES)}")
        return None
    except (OSError, RuntimeError, ValueError):
        src.error(node, where, f"cannot read {shown}: no such file next to this programme")
        return None
    image = checked_image(data, suffix)
    if isinstance(image, str):
        src.error(node, where, f"{shown}: {image}")
        return None
    return image


def _read_badge_rule(src: Source, node: Node, where: str, badge: BadgeSpec, theme_keys: set[str],
                     things: list[ThingSpec] | None) -> None:
    """`for: programme`, `for: {theme: KEY}` (all its must-do Things) or `for: {theme: KEY,
    things: N}` (any N of its Things)."""
    expected = "expected 'programme' or {theme: KEY} (with things: N for any N of its Things)"
    if not isinstance(node, MappingNode):
        if getattr(node, "value", None) != PROGRAMME_RULE:
            src.error(node, where, f"{expected}; got {show(node)}")
        return
    keys = src.mapping(node, where, required=("theme",), optional=("things",))
    if keys is None or "theme" not in keys:
        return
    badge.rule = BadgeRule.theme
    badge.theme = src.text(keys["theme"], f"{where}.theme")
    if badge.theme is not None and badge.theme not in theme_keys:
        known = listing(sorted(theme_keys)) or "none are defined under 'themes'"
        src.error(keys["theme"], f"{where}.theme", f"no theme '{badge.theme}'; expected one of {known}")
        return
    if "things" in keys:
        badge.things = src.integer(keys["things"], f"{where}.things", minimum=1,
                                   maximum=limits.THINGS_PER_PROGRAM)
    if things is None or badge.theme is None:
        return  # the Things have problems of their own: counting them would only add noise
    in_theme = [t for t in things if t.theme == badge.theme]
    if badge.things is not None and badge.things > len(in_theme):
        src.error(keys["things"], f"{where}.things",
                  f"asks for {badge.things} Things but theme '{badge.theme}' has {len(in_theme)}")
    elif badge.things is None and not any(t.kind == ThingKind.must for t in in_theme):
        src.error(keys["theme"], f"{where}.theme",
                  f"theme '{badge.theme}' has no must-do Things; say how many of its Things "
                  "earn the badge with 'things: N'")
