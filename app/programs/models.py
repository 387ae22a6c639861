from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import StrEnumType, UTCDateTime, enum_check, utcnow
from app.i18n import locale, text_in


class ThingKind(StrEnum):
    must = "must"
    can = "can"
    optional = "optional"


class Evidence(StrEnum):
    none = "none"
    url = "url"
    approval = "approval"


class BadgeRule(StrEnum):
    """What earns a badge: the programme's completion rule, or a theme's Things."""

    programme = "programme"
    theme = "theme"


class TieBreak(StrEnum):
    """How a tied vote ends: the trainer chooses, or the tied groups win together."""

    trainer = "trainer"
    shared = "shared"


class Program(SQLModel, table=True):
    __tablename__ = "programs"
    __table_args__ = (enum_check("pitch_tie_break", TieBreak),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)
    title: str = Field(max_length=300)
    version: int = 1
    language: str = Field(default="en", max_length=20)
    summary: str = ""
    description: str = ""
    description_html: str = ""
    purpose: str = ""
    purpose_html: str = ""
    # completion rule: None means "all must-do Things"
    completion_must: int | None = None
    completion_can: int = 0
    # None: the programme has no groups / pitch / forum
    groups_max_size: int | None = None
    groups_self_select: bool = False
    pitch_votes_per_participant: int | None = None
    pitch_self_vote: bool = False
    pitch_tie_break: TieBreak = Field(default=TieBreak.trainer, sa_type=StrEnumType(TieBreak, 20))
    forum_categories: list[str] | None = Field(default=None, sa_column=Column(JSON))
    # per-language variants of text fields: {"title": {"da": "..."}}
    translations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

    def text(self, name: str) -> str:
        """A text field in the reader's language, else as the file gives it first."""
        return text_in((self.translations or {}).get(name), str(getattr(self, name) or ""))


class Badge(SQLModel, table=True):
    """A badge a programme awards: for its completion rule, or for a theme's Things. One that
    leaves the YAML is archived; what it awarded stays."""

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("program_id", "key"), enum_check("rule", BadgeRule))

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="programs.id", index=True)
    key: str = Field(max_length=100)
    position: int
    name: str = Field(max_length=300)
    rule: BadgeRule = Field(sa_type=StrEnumType(BadgeRule, 12))
    theme_key: str | None = Field(default=None, max_length=100)
    things_needed: int | None = None  # of the theme's Things; None: all its must-do Things
    description: str = ""
    criteria: str = ""  # Markdown
    criteria_html: str = ""
    hours: float | None = None  # CPD hours as the YAML gives them; None: from the minutes
    # a picture shipped beside the YAML (its bytes in badge_images); None: drawn from the name
    image_type: str | None = Field(default=None, max_length=20)
    image_sha256: str | None = Field(default=None, max_length=64)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    translations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


PNG_TYPE = "image/png"
SVG_TYPE = "image/svg+xml"


class BadgeImage(SQLModel, table=True):
    """A badge's picture, apart from the badge so that reading badges never reads pictures."""

    __tablename__ = "badge_images"

    badge_id: int = Field(foreign_key="badges.id", primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)


class Theme(SQLModel, table=True):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("program_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="programs.id", index=True)
    key: str = Field(max_length=100)
    title: str = Field(max_length=300)
    position: int
    translations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Thing(SQLModel, table=True):
    __tablename__ = "things"
    __table_args__ = (
        UniqueConstraint("program_id", "key"),
        enum_check("kind", ThingKind),
        enum_check("evidence", Evidence),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="programs.id", index=True)
    key: str = Field(max_length=100)
    position: int  # 1-based among the programme's current Things
    title: str = Field(max_length=300)
    kind: ThingKind = Field(sa_type=StrEnumType(ThingKind, 10))
    theme_key: str | None = Field(default=None, max_length=100)
    opens: str | None = Field(default=None, max_length=40)  # date rule as written in YAML
    due: str | None = Field(default=None, max_length=40)
    minutes: int | None = None
    body: str = ""
    body_html: str = ""
    links: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON))
    reflection_prompt: str | None = None
    reflection_required: bool = False
    reflection_min_words: int = 0
    evidence: Evidence = Field(default=Evidence.none, sa_type=StrEnumType(Evidence, 10))
    # where the Thing is talked about in the forum: {"category": ..., "topic": ...}
    forum: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    translations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


@dataclass(frozen=True, slots=True)
class ThingFacts:
    """A Thing as pages and rules read it: a snapshot of the row, safe to share and cache."""

    id: int
    key: str
    position: int
    default_title: str  # in the programme's language
    kind: ThingKind
    theme_key: str | None
    opens: str | None
    due: str | None
    minutes: int | None
    default_body_html: str
    links: tuple[dict[str, str], ...]
    default_reflection_prompt: str | None
    reflection_required: bool
    reflection_min_words: int
    evidence: Evidence
    forum_category: str | None = None  # the forum category it is talked about in
    forum_topic: str | None = None  # the title of the topic it is talked about in
    # the YAML's per-language texts: {"title": {"da": ...}, "body_html": {"da": ...}}
    translated: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)

    # Texts in the reader's language (app.i18n), else the programme's own.
    @property
    def title(self) -> str:
        return text_in(self.translated.get("title"), self.default_title)

    @property
    def body_html(self) -> str:
        return text_in(self.translated.get("body_html"), self.default_body_html)

    @property
    def reflection_prompt(self) -> str | None:
        prompt = self.default_reflection_prompt
        return text_in(self.translated.get("reflection_prompt"), prompt) if prompt is not None else None

    def language_of(self, name: str, default: str) -> str:
        """The language a text is shown in: the reader's when the YAML gives it, else `default`
        (the programme's), so that pages can say so (`lang`) to screen readers."""
        return locale() if locale() in (self.translated.get(name) or {}) else default

    @classmethod
    def of(cls, thing: Thing) -> ThingFacts:
        assert thing.id is not None
        return cls(
            id=thing.id, key=thing.key, position=thing.position, default_title=thing.title,
            kind=ThingKind(thing.kind), theme_key=thing.theme_key, opens=thing.opens,
            due=thing.due, minutes=thing.minutes, default_body_html=thing.body_html,
            links=tuple(thing.links), default_reflection_prompt=thing.reflection_prompt,
            reflection_required=thing.reflection_required,
            reflection_min_words=thing.reflection_min_words, evidence=Evidence(thing.evidence),
            forum_category=(thing.forum or {}).get("category"),
            forum_topic=(thing.forum or {}).get("topic"),
            translated=dict(thing.translations or {}),
        )


@dataclass(frozen=True, slots=True)
class ThemeFacts:
    key: str
    default_title: str
    translated: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)

    @property
    def title(self) -> str:
        return text_in(self.translated.get("title"), self.default_title)

    @classmethod
    def of(cls, theme: Theme) -> ThemeFacts:
        return cls(key=theme.key, default_title=theme.title,
                   translated=dict(theme.translations or {}))


@dataclass(frozen=True, slots=True)
class BadgeFacts:
    """A current badge, as pages and the awarding rule read it."""

    id: int
    key: str
    default_name: str
    rule: BadgeRule
    theme_key: str | None
    things_needed: int | None
    default_description: str
    default_criteria_html: str
    hours: float | None
    translated: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)
    image_suffix: str = "svg"  # of its picture's address: a shipped PNG, else an SVG

    @property
    def name(self) -> str:
        return text_in(self.translated.get("name"), self.default_name)

    @property
    def description(self) -> str:
        return text_in(self.translated.get("description"), self.default_description)

    @property
    def criteria_html(self) -> str:
        return text_in(self.translated.get("criteria_html"), self.default_criteria_html)

    @classmethod
    def of(cls, badge: Badge) -> BadgeFacts:
        assert badge.id is not None
        return cls(id=badge.id, key=badge.key, default_name=badge.name, rule=BadgeRule(badge.rule),
                   theme_key=badge.theme_key, things_needed=badge.things_needed,
                   default_description=badge.description,
                   default_criteria_html=badge.criteria_html, hours=badge.hours,
                   translated=dict(badge.translations or {}),
                   image_suffix="png" if badge.image_type == PNG_TYPE else "svg")
