"""JSON Schemas (draft 2020-12) of `kind: program` and `kind: cohort` files, for editors.

Trainers write these files by hand (DESIGN.md §3). Given a schema, an editor (VS Code with the
YAML extension, for one) completes keys, shows what each one means and underlines a typo as it
is typed, long before `ting validate` runs.

The validator in app/sync stays the judge. The schemas are built from its key lists, enums,
patterns and limits, so the two cannot drift apart, and they refuse what the validator refuses
as far as a schema can say it. Some rules a schema cannot say (a Thing's theme must be one of the
`themes`, keys must not repeat, `ends` not before `starts`, anything that needs the programme
or a roster CSV), so a file the schema accepts may still be refused. A file the validator accepts
is not flagged, short of oddities like a date written 20270201 (a number to YAML) or 1_000.
tests/sync/test_schema.py checks both directions on examples.

An editor reads YAML 1.2, where `no`, `yes` and `2027-01-11` are text; the validator reads the
raw text of such values (`language: no` is Norwegian). So where the validator wants text, the
schema takes any scalar, and booleans may also be written the YAML 1.1 way (yes, no, on, off).

The schemas say they are draft 2020-12 but use only keywords draft 7 has, with the same
meaning, so that editors which know only draft 7 (the YAML language server, for now) read them
the same way.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from typing import Any

from app import limits
from app.cohorts.models import Enrolment, PostVisibility
from app.i18n import LOCALES
from app.programs.models import TieBreak
from app.sync.cohorts import COHORT_KEYS, CSV_COLUMNS
from app.sync.programs import BADGE_KEYS, EVIDENCE, KINDS, PROGRAM_KEYS, PROGRAMME_RULE, THING_KEYS
from app.sync.reader import EMAIL, LANGUAGE, NAME_TEXT, SHORT_TEXT, SLUG

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Date rules (app.programs.schedule.parse_rule) and dates (date.fromisoformat), loosely: every
# value the validator takes matches, and a few it refuses (like 2027-02-30) do too.
_DATE = r"\d{4}-?(?:\d{2}-?\d{2}|W\d{2}(?:-?\d)?)"
_WEEK = r"[Ww][Ee][Ee][Kk]\s+(?:0{0,2}[1-9]|0?[1-9]\d|[1-9]\d\d)"  # week 1 to week 999
_DAYS = r"\+\d{1,4}[Dd]"
_TIME = r"\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?"  # no offset: the cohort's zone applies
_ZONE = r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$"  # Europe/Amsterdam, Etc/GMT+1, UTC
_URL = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s][^ ]*\s*$"
_YAML11_TRUE = ("yes", "Yes", "YES", "on", "On", "ON")
_YAML11_WORDS = (*_YAML11_TRUE, "no", "No", "NO", "off", "Off", "OFF")


def program_schema() -> Schema:
    """The schema of a `kind: program` file."""
    thing = _closed(
        THING_KEYS, required=THING_KEYS[:3], description="One learning task.",
        properties={
            "key": _slug("Stable id of the Thing; progress is kept by it across edits."),
            "title": _localized("The Thing's title, shown in the numbered list."),
            "kind": _enum(KINDS, "must: everyone does it; can: a free choice counted by the "
                                 "completion rule; optional: for anyone who wants more."),
            "theme": _text("The key of one of the programme's themes."),
            "opens": _date_rule("When it unlocks: a date, 'week N' (the first day of week N) or "
                                "'+Nd' (N days after the cohort starts). Locked before."),
            "due": _date_rule("When it is due: a date, 'week N' (the last day of week N) or '+Nd' "
                              "(N days after the cohort starts). A cohort may override it."),
            "minutes": _integer("About how many minutes it takes.", 1, 10_000),
            "body": _localized("The instructions, in Markdown.", limits.LONG_TEXT_CHARS),
            "links": _list(
                _closed(("title", "url"), required=("title", "url"), description="A link.",
                        properties={"title": _text("The link's text."),
                                    "url": _url("The web address, starting with https://.")}),
                limits.LINKS_PER_THING, "Links to guides and tools for this Thing."),
            "reflection": _closed(
                ("prompt", "required", "min_words"),
                description="The reflection post participants write for this Thing.",
                properties={
                    "prompt": _localized("The question the reflection answers.",
                                         limits.LONG_TEXT_CHARS),
                    "required": _boolean("Whether a reflection is needed to mark it done."),
                    "min_words": _integer("The fewest words a reflection may have; more than 0 "
                                          "makes the reflection required.", 0, 10_000),
                }),
            "evidence": _enum(EVIDENCE, "How completion is shown: none, a URL, or the trainer's "
                                        "approval."),
            "forum": _closed(
                ("category", "topic"), minProperties=1,
                description="Where the Thing is talked about in the programme's forum.",
                properties={"category": _text("One of the forum's categories.", 200),
                            "topic": _text("The title of the topic about this Thing.", 200)}),
        })
    completion_count = {"anyOf": [{"const": "all"}, _integer("", 0, 10_000)]}
    schema = _closed(
        ("kind", *PROGRAM_KEYS), required=("kind", "id", "title", "things"),
        properties={
            "kind": {"const": "program", "description": "This file is a programme."},
            "id": _slug("The programme's id, used by cohorts' `program:`."),
            "title": _localized("The programme's title."),
            "version": _integer("Informational; sync goes by Thing key.", 1, 1_000_000),
            "language": _text("Default UI language of its cohorts, a code like en, da or nl.")
            | {"pattern": _anchored(LANGUAGE)},
            "summary": _localized("One line on what the programme is.", limits.LONG_TEXT_CHARS),
            "description": _localized("The programme's introduction, in Markdown.",
                                      limits.LONG_TEXT_CHARS),
            "purpose": _localized("What the team agreed the programme is for, in Markdown.",
                                  limits.LONG_TEXT_CHARS),
            "completion": _closed(
                ("must", "can"),
                description="When a participant has completed the programme (the default: all "
                            "must-do Things).",
                properties={
                    "must": completion_count | {"description": "How many must-do Things: all "
                                                               "or a number."},
                    "can": completion_count | {"description": "How many can-do Things at "
                                                              "least: all or a number."},
                }),
            "themes": _list(
                _closed(("key", "title"), required=("key", "title"), description="A theme.",
                        properties={"key": _slug("The theme's id, used by Things' `theme:`."),
                                    "title": _localized("The theme's heading.")}),
                limits.THEMES_PER_PROGRAM, "Optional headings that group the Things."),
            "things": _list(thing, limits.THINGS_PER_PROGRAM,
                            "The Things, in order; shown numbered 1..n.", nullable=False)
            | {"minItems": 1},
            "groups": _closed(
                ("max_size", "self_select"),
                description="Whether the programme uses groups, and how.",
                properties={
                    "max_size": _integer("The most participants in one group (default 5).",
                                         1, 1000),
                    "self_select": _boolean("Whether participants join and leave groups "
                                            "themselves (default false)."),
                }),
            "pitch": _closed(
                ("votes_per_participant", "self_vote", "tie_break"),
                description="A pitch and vote at the final session; needs groups.",
                properties={
                    "votes_per_participant": _integer("Votes each participant has (default 1).",
                                                      1, 100),
                    "self_vote": _boolean("Whether people may vote for their own group "
                                          "(default false)."),
                    "tie_break": _enum(tuple(TieBreak), "On a tie, the trainer chooses (trainer, "
                                                        "the default) or the tied groups share "
                                                        "the win (shared)."),
                }),
            "forum": _closed(
                ("categories",), description="A forum for each cohort.",
                properties={"categories": _list(_text("A category name."),
                                                limits.FORUM_CATEGORIES,
                                                "The forum's categories (default: General).")
                            | {"uniqueItems": True}}),
            "badges": _list(_closed(
                BADGE_KEYS, required=BADGE_KEYS[:3],
                description="A badge, awarded the moment its rule is met.",
                properties={
                    "key": _slug("Stable id of the badge; awards are kept by it."),
                    "name": _localized("The badge's name."),
                    "for": {"anyOf": [
                        {"const": PROGRAMME_RULE},
                        _closed(("theme", "things"), required=("theme",), properties={
                            "theme": _text("The key of one of the programme's themes."),
                            "things": _integer("How many of the theme's Things (default: all "
                                               "its must-do Things).", 1,
                                               limits.THINGS_PER_PROGRAM)})],
                        "description": "What earns it: 'programme' (its completion rule), or "
                                       "{theme: KEY} (all the theme's must-do Things), or "
                                       "{theme: KEY, things: N} (any N of its Things)."},
                    "description": _localized("What the badge is for, in a sentence or two.",
                                              limits.LONG_TEXT_CHARS),
                    "criteria": _localized("What earning it takes, in Markdown.",
                                           limits.LONG_TEXT_CHARS),
                    "hours": {"type": "number", "minimum": 0.5, "maximum": 10_000,
                              "description": "CPD hours (default: the Things' minutes)."},
                    "image": _text("The badge's picture: an .svg or .png file in this "
                                   "programme's folder (default: one drawn from its name)."),
                }), limits.BADGES_PER_PROGRAM, "Badges the programme awards."),
        })
    schema["allOf"] = [
        _needs("pitch", "groups"),
        {  # a Thing's forum link needs the programme's forum
            "if": {"required": ["things"],
                   "properties": {"things": {"contains": {"type": "object",
                                                          "required": ["forum"]}}}},
            "then": {"required": ["forum"], "properties": {"forum": {"properties": {
                "categories": {"type": "array", "minItems": 1}}}}},  # `categories:` is none
        },
    ]
    return _document(schema, "Ting programme", "A 23 Things programme (DESIGN.md §3).")


def cohort_schema() -> Schema:
    """The schema of a `kind: cohort` file."""
    staff = {"anyOf": [
        _email("Their e-mail address."),
        _closed(("email", "name"), required=("email",), properties={
            "email": _email("Their e-mail address."), "name": _text("Their name.", NAME_TEXT)}),
    ]}
    schema = _closed(
        ("kind", *COHORT_KEYS),
        required=("kind", "id", "program", "title", "timezone", "starts", "ends"),
        properties={
            "kind": {"const": "cohort", "description": "This file is a cohort."},
            "id": _slug("The cohort's id."),
            "program": _slug("The id of the programme this cohort runs."),
            "title": _localized("The cohort's title."),
            "timezone": _text("The time zone its dates are in, like Europe/Amsterdam.")
            | {"pattern": _ZONE, "examples": ["Europe/Amsterdam", "Europe/Copenhagen"]},
            "starts": _date("The first day; 'week N' and '+Nd' count from it."),
            "ends": _date("The last day."),
            "final_session": _local_datetime("When the final session (pitch and vote) starts."),
            "organizations": _list(_text("An organisation's name.", NAME_TEXT),
                                   limits.ORGANIZATIONS_PER_COHORT,
                                   "The organisations its people come from.")
            | {"uniqueItems": True},
            "trainers": _list(staff, limits.STAFF_PER_COHORT,
                              "Trainers: e-mail addresses, or {email, name}."),
            "managers": _list(staff, limits.STAFF_PER_COHORT,
                              "Managers, who see the dashboards: e-mail addresses, or "
                              "{email, name}."),
            "participants": _list(
                _closed(CSV_COLUMNS, required=("email",), description="A participant.",
                        properties={
                            "email": _email("Their e-mail address; they sign in with it."),
                            "name": _text("Their name.", NAME_TEXT),
                            "organization": _text("One of the cohort's organizations.",
                                                  NAME_TEXT),
                            "group": _slug("The key of one of the cohort's groups."),
                        }),
                limits.PARTICIPANTS_PER_COHORT, "The participants listed in this file."),
            "participants_csv": _text("A roster CSV (columns email,name,organization,group), "
                                      "relative to this file; adds to participants."),
            "groups": _list(
                _closed(("key", "name", "resource"), required=("key",), description="A group.",
                        properties={
                            "key": _slug("The group's id, used by participants' `group:`."),
                            "name": _text("The group's name (default: its key)."),
                            "resource": _email("The e-mail of the group's go-to person, "
                                               "someone in this cohort."),
                        }),
                limits.GROUPS_PER_COHORT, "Groups of participants working out one idea."),
            "due_overrides": {
                "type": "object", "maxProperties": limits.THINGS_PER_PROGRAM,
                "propertyNames": {"pattern": _anchored(SLUG)},
                "additionalProperties": _date_rule("The Thing's due date in this cohort."),
                "description": "Due dates that replace the programme's, by Thing key.",
            },
            "enrolment": _enum(tuple(Enrolment), "closed: the trainer's list decides who is in "
                                                 "(the default); open: people register "
                                                 "themselves."),
            "pitch_due": _local_datetime("Until when pitches can be edited (default: the final "
                                         "session)."),
            "posts": _closed(
                ("default_visibility", "allow_public"),
                description="Reflection posts in this cohort.",
                properties={
                    "default_visibility": _enum(tuple(PostVisibility),
                                                "Who reads a new post: private (author and "
                                                "trainers), cohort (the default) or public."),
                    "allow_public": _boolean("Whether participants may make posts public "
                                             "(default false)."),
                }),
            "benchmark": {"type": "number", "minimum": 0, "maximum": 1,
                          "description": "The completion rate managers' dashboards compare "
                                         "with (default 0.7)."},
            "language": _enum(LOCALES, "Default UI language for the cohort's people (default: "
                                       "the programme's)."),
            "signatory": _text("The line signed under a badge's certificate, like 'Anna Hansen, "
                               "head of learning'.", 300),
        })
    schema["properties"]["posts"] |= {
        "if": {"required": ["default_visibility"],
               "properties": {"default_visibility": {"const": "public"}}},
        "then": {"required": ["allow_public"],
                 "properties": {"allow_public": {"enum": [True, *_YAML11_TRUE]}}},
    }
    return _document(schema, "Ting cohort", "One run of a programme (DESIGN.md §3).")


# -- building blocks -------------------------------------------------------------------------


def _document(schema: Schema, title: str, description: str) -> Schema:
    return {"$schema": DRAFT, "title": title, "description": description, **schema}


def _closed(
    keys: Sequence[str], *, properties: dict[str, Schema], required: Sequence[str] = (),
    description: str = "", **more: Any,
) -> Schema:
    """A mapping of exactly the validator's keys: any other key is a typo."""
    if set(properties) != set(keys):
        raise ValueError(f"schema keys {sorted(properties)} are not the validator's {sorted(keys)}")
    schema: Schema = {"type": "object", "properties": {key: properties[key] for key in keys},
                      "additionalProperties": False, **more}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def _list(item: Schema, most: int, description: str, *, nullable: bool = True) -> Schema:
    """A list of at most `most` items; left empty (null), it is an empty list."""
    return {"type": ["array", "null"] if nullable else "array", "items": item, "maxItems": most,
            "description": description}


def _text(description: str, max_len: int = SHORT_TEXT) -> Schema:
    """Text. The validator reads the raw text of any scalar, so `title: 2027` is text too."""
    return {"type": ["string", "number", "boolean"], "minLength": 1, "maxLength": max_len,
            "pattern": r"\S", "description": description}


def _localized(description: str, max_len: int = SHORT_TEXT) -> Schema:
    """Text, or a map of language code to text ({en: ..., da: ...})."""
    text = _text("The text in this language.", max_len)
    return {"anyOf": [text, {"type": "object", "minProperties": 1,
                             "propertyNames": {"pattern": _anchored(LANGUAGE)},
                             "additionalProperties": text}],
            "description": description + " Text, or one per language: {en: ..., da: ...}."}


def _slug(description: str) -> Schema:
    return _text(description, 100) | {"type": ["string", "integer"],
                                      "pattern": _anchored(SLUG)}


def _email(description: str) -> Schema:
    return _text(description, 320) | {"type": "string", "pattern": _anchored(EMAIL)}


def _url(description: str) -> Schema:
    return _text(description, 2000) | {"type": "string", "pattern": _URL}


def _enum(options: Sequence[str], description: str) -> Schema:
    return {"enum": [str(option) for option in options], "description": description}


def _integer(description: str, minimum: int, maximum: int) -> Schema:
    schema: Schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return schema | {"description": description} if description else schema


def _boolean(description: str) -> Schema:
    """true or false; yes, no, on and off too, which are booleans to the validator (YAML 1.1)."""
    return {"anyOf": [{"type": "boolean"}, {"enum": list(_YAML11_WORDS)}],
            "description": description}


def _date(description: str) -> Schema:
    return {"type": "string", "pattern": rf"^\s*{_DATE}\s*$",
            "description": description + " A date like 2027-01-11."}


def _date_rule(description: str) -> Schema:
    return {"type": "string", "pattern": rf"^\s*(?:{_DATE}|{_WEEK}|{_DAYS})\s*$",
            "description": description, "examples": ["week 2", "+10d", "2027-02-01"]}


def _local_datetime(description: str) -> Schema:
    return {"type": "string", "pattern": rf"^\s*{_DATE}.{_TIME}\s*$",
            "description": description + " A date and time like 2027-03-30T14:00, in the "
                                         "cohort's time zone."}


def _needs(key: str, other: str) -> Schema:
    return {"if": {"required": [key]}, "then": {"required": [other]}}


def _anchored(regex: re.Pattern[str]) -> str:
    """A validator's regex (used with fullmatch) as a schema pattern. Editors compile patterns
    as JavaScript regexes in Unicode mode, which refuse needless escapes like the \\" in EMAIL."""
    return "^(?:" + regex.pattern.replace('\\"', '"') + ")$"


@functools.cache
def schema_files() -> dict[str, str]:
    """The schemas as the files `ting schema` writes and the server serves, by file name (made
    once per process: they follow from the code alone)."""
    return {"program.json": json.dumps(program_schema(), indent=2, ensure_ascii=False) + "\n",
            "cohort.json": json.dumps(cohort_schema(), indent=2, ensure_ascii=False) + "\n"}
