"""The editor schemas (app/sync/schema.py) agree with the validator: the example files pass both,
and broken files, each a small variation of a valid one, are refused by both."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from app.sync.cohorts import COHORT_KEYS, CSV_COLUMNS
from app.sync.programs import BADGE_KEYS, PROGRAM_KEYS, THING_KEYS
from app.sync.schema import Schema, cohort_schema, program_schema
from app.sync.validate import Bundle, validate_paths, validate_texts
from tests.fixtures.builders import FORUM_PROGRAM, PROGRAM, cohort_yaml, with_groups

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "programs").rglob("*.yaml"))
SCHEMAS = {"program": program_schema(), "cohort": cohort_schema()}
VALIDATORS = {kind: jsonschema_rs.Draft202012Validator(s) for kind, s in SCHEMAS.items()}
# the YAML language server knows draft 7 only: the schemas must mean the same there
DRAFT7 = {kind: jsonschema_rs.Draft7Validator(s) for kind, s in SCHEMAS.items()}

BASE_PROGRAM = """\
kind: program
id: demo-prog
title: {en: Demo programme, da: Demoprogram}
version: 2
language: en
summary: Social media in everyday library work
completion: {must: all, can: 1}
themes:
  - {key: basics, title: The basics}
things:
  - key: forum-intro
    title: Introduce yourself in the forum
    kind: must
    theme: basics
    opens: week 1
    due: week 2
    minutes: 20
    body: |
      Say **hello** in the forum.
    links: [{title: Forum guide, url: "https://example.org/guide"}]
    reflection: {prompt: What did you learn?, required: true, min_words: 50}
    evidence: none
    forum: {category: General}
  - key: screencast
    title: Make a screencast
    kind: can
    evidence: url
  - key: extra
    title: Something extra
    kind: optional
groups: {max_size: 5, self_select: false}
pitch: {votes_per_participant: 1, self_vote: false, tie_break: trainer}
forum: {categories: [General, Help, Ideas]}
badges:
  - key: explorer
    name: {en: Explorer, da: Opdager}
    for: programme
    description: For completing the programme.
    criteria: |
      Every must-do Thing and one can-do Thing.
    hours: 12
  - key: basics-done
    name: The basics
    for: {theme: basics}
"""

BASE_COHORT = """\
kind: cohort
id: demo-2027
program: demo-prog
title: Public Services, spring 2027
timezone: Europe/Amsterdam
starts: 2027-01-11
ends: 2027-04-02
final_session: 2027-03-30T14:00
organizations: [Eindhoven]
trainers: [trainer@example.org]
managers: [{email: mt@example.org, name: Marieke Manager}]
participants:
  - {email: a@example.org, name: Anna de Vries, organization: Eindhoven, group: team-1}
  - {email: b@example.org, name: Bram Jansen}
groups:
  - {key: team-1, name: Team WhatsApp, resource: trainer@example.org}
due_overrides: {forum-intro: 2027-01-25}
enrolment: closed
pitch_due: 2027-03-29T12:00
posts: {default_visibility: cohort, allow_public: false}
benchmark: 0.7
language: nl
"""

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BASES = {"program": BASE_PROGRAM, "cohort": BASE_COHORT}


def edit(text: str, old: str, new: str) -> str:
    """Replace a snippet that must occur exactly once, so a case cannot edit the wrong line."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def plain(value: Any) -> Any:
    """What yaml.safe_load gives, as the JSON data a schema is about.

    safe_load reads YAML 1.1 and makes `2027-01-11` a date and `2027-03-30 14:00:00` a datetime;
    JSON has neither, and an editor's YAML 1.2 parser leaves them as text. So they become ISO
    text here (a datetime with an offset keeps it, and the schema refuses it as the validator
    does). Other YAML 1.1 readings stay: `language: no` is False here, and the schema takes any
    scalar where the validator reads the raw text. Keys become text (JSON has no other keys).
    """
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def load(text: str) -> Any:
    """yaml.safe_load, with libyaml as the validator reads with: PyYAML's own Python parser
    refuses `{prompt: What did you learn?, required: true}`, which libyaml (and YAML) allow."""
    return plain(yaml.load(text, Loader=SAFE_LOADER))  # a safe loader, as safe_load uses


def schema_errors(kind: str, text: str) -> list[str]:
    """What the schema finds wrong in a file, the same under draft 2020-12 and draft 7."""
    data = load(text)
    errors = [f"{e.instance_path}: {e.message}" for e in VALIDATORS[kind].iter_errors(data)]
    assert DRAFT7[kind].is_valid(data) == (not errors), "draft 7 reads the schema otherwise"
    return errors


def schema_accepts(kind: str, text: str) -> bool:
    return not schema_errors(kind, text)


def validate(kind: str, text: str) -> Bundle:
    """The validator on one file; a cohort is read with the base programme beside it."""
    sources = [(Path(f"{kind}.yaml"), f"{kind}.yaml", text)]
    if kind == "cohort":
        sources.insert(0, (Path("program.yaml"), "program.yaml", BASE_PROGRAM))
    return validate_texts(sources)


def kind_of(text: str) -> str:
    kind = load(text)["kind"]
    assert kind in SCHEMAS, kind
    return str(kind)


# -- the schemas themselves ------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_each_schema_is_a_valid_draft_2020_12_schema(kind: str) -> None:
    schema = SCHEMAS[kind]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert jsonschema_rs.meta.is_valid(schema)
    assert jsonschema_rs.meta.is_valid(schema | {"$schema": "http://json-schema.org/draft-07/schema#"})
    assert schema["properties"]["kind"]["const"] == kind
    assert "kind" in schema["required"]


def test_the_schemas_know_exactly_the_keys_the_validator_knows() -> None:
    program, cohort = program_schema(), cohort_schema()
    assert list(program["properties"]) == ["kind", *PROGRAM_KEYS]
    assert list(program["properties"]["things"]["items"]["properties"]) == list(THING_KEYS)
    assert list(program["properties"]["badges"]["items"]["properties"]) == list(BADGE_KEYS)
    assert list(cohort["properties"]) == ["kind", *COHORT_KEYS]
    assert list(cohort["properties"]["participants"]["items"]["properties"]) == list(CSV_COLUMNS)


def test_every_key_has_a_description_for_the_editor_to_show() -> None:
    def walk(schema: Schema, where: str) -> list[str]:
        missing = []
        for key, sub in schema.get("properties", {}).items():
            if not sub.get("description"):
                missing.append(f"{where}.{key}")
            missing += walk(sub, f"{where}.{key}")
            missing += walk(sub.get("items") or {}, f"{where}.{key}[]")
            for option in sub.get("anyOf", []):
                missing += walk(option, f"{where}.{key}")
        return missing

    assert walk(program_schema(), "program") == []
    assert walk(cohort_schema(), "cohort") == []


# -- valid files -----------------------------------------------------------------------------


def test_the_example_files_are_valid_to_the_validator() -> None:
    bundle = validate_paths([ROOT / "programs"])
    assert bundle.ok, "\n".join(map(str, bundle.problems))
    assert bundle.programs and bundle.cohorts


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_example_file_is_valid_to_its_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    kind = kind_of(text)
    assert schema_errors(kind, text) == []


@pytest.mark.parametrize("text", [
    PROGRAM, FORUM_PROGRAM, with_groups(cohort_yaml(), "team-1", "team-2", resource=None),
], ids=["builders-program", "builders-forum-program", "builders-cohort"])
def test_the_test_builders_files_are_valid_to_their_schema(text: str) -> None:
    assert schema_errors(kind_of(text), text) == []


def test_the_readme_examples_are_valid_to_their_schema() -> None:
    """Schema only: the README's cohort names a roster CSV that is not there."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "kind:" in b]
    assert {kind_of(b) for b in blocks} == {"program", "cohort"}
    for block in blocks:
        assert schema_errors(kind_of(block), block) == [], block


@pytest.mark.parametrize("kind", sorted(BASES))
def test_the_base_files_are_valid_to_both(kind: str) -> None:
    bundle = validate(kind, BASES[kind])
    assert bundle.ok, bundle.problems
    assert schema_errors(kind, BASES[kind]) == []


VALID_VARIATIONS = [
    # (name, kind, old, new)
    ("language-no-is-norwegian", "program", "language: en", "language: no"),
    ("title-yes-is-text", "program", "title: Make a screencast", "title: yes"),
    ("numeric-id", "program", "id: demo-prog", "id: 2027"),
    ("yaml11-boolean", "program", "self_vote: false", "self_vote: on"),
    ("plain-date-due", "program", "due: week 2", "due: 2027-02-01"),
    ("days-and-spaced-week", "program", "opens: week 1\n    due: week 2",
     "opens: '+0d'\n    due: Week  2"),
    ("completion-counts", "program", "{must: all, can: 1}", "{must: 1, can: all}"),
    ("localized-body", "program", "body: |\n      Say **hello** in the forum.\n",
     "body: {en: Say hello., da: Sig hej.}\n"),
    ("no-links", "program", 'links: [{title: Forum guide, url: "https://example.org/guide"}]',
     "links:"),
    ("seconds-in-final-session", "cohort", "final_session: 2027-03-30T14:00",
     "final_session: 2027-03-30 14:00:00"),
    ("public-posts-allowed", "cohort", "{default_visibility: cohort, allow_public: false}",
     "{default_visibility: public, allow_public: yes}"),
    ("staff-as-mapping", "cohort", "trainers: [trainer@example.org]",
     "trainers: [{email: Trainer@Example.ORG}]"),
    ("open-enrolment", "cohort", "enrolment: closed", "enrolment: open"),
    ("relative-override", "cohort", "{forum-intro: 2027-01-25}", "{forum-intro: week 3}"),
    ("badge-for-some-of-a-themes-things", "program", "for: {theme: basics}",
     "for: {theme: basics, things: 1}"),
    ("badge-hours-a-fraction", "program", "hours: 12", "hours: 7.5"),
    ("benchmark-one-and-danish", "cohort", "benchmark: 0.7\nlanguage: nl",
     "benchmark: 1\nlanguage: da"),
]


@pytest.mark.parametrize(("kind", "old", "new"), [c[1:] for c in VALID_VARIATIONS],
                         ids=[c[0] for c in VALID_VARIATIONS])
def test_valid_variations_are_accepted_by_both(kind: str, old: str, new: str) -> None:
    text = edit(BASES[kind], old, new)
    bundle = validate(kind, text)
    assert bundle.ok, bundle.problems
    assert schema_errors(kind, text) == []


# -- broken files ----------------------------------------------------------------------------

TOO_LONG = "x" * 301
THINGS = BASE_PROGRAM[BASE_PROGRAM.index("things:\n"):BASE_PROGRAM.index("groups:")]

BROKEN = [
    # (name, kind, old, new)
    ("typo-at-top-level", "program", "summary:", "sumary:"),
    ("typo-in-a-thing", "program", "minutes: 20", "minuts: 20"),
    ("typo-in-a-reflection", "program", "min_words: 50", "minwords: 50"),
    ("unknown-key-in-a-theme", "program", "{key: basics, title: The basics}",
     "{key: basics, title: The basics, colour: red}"),
    ("thing-kind-not-an-option", "program", "kind: must", "kind: mandatory"),
    ("evidence-not-an-option", "program", "evidence: url", "evidence: link"),
    ("tie-break-not-an-option", "program", "tie_break: trainer", "tie_break: coin"),
    ("missing-id", "program", "id: demo-prog\n", ""),
    ("thing-without-title", "program", "    title: Something extra\n", ""),
    ("bad-slug", "program", "id: demo-prog", "id: Demo_Prog"),
    ("negative-minutes", "program", "minutes: 20", "minutes: -5"),
    ("minutes-not-a-number", "program", "minutes: 20", "minutes: twenty"),
    ("version-zero", "program", "version: 2", "version: 0"),
    ("things-empty", "program", THINGS, "things: []\n"),
    ("things-a-mapping", "program", THINGS, "things: {}\n"),
    ("due-not-a-rule", "program", "due: week 2", "due: next week"),
    ("due-week-zero", "program", "due: week 2", "due: week 0"),
    ("url-without-scheme", "program", '"https://example.org/guide"', "example.org/guide"),
    ("language-not-a-code", "program", "language: en", "language: English"),
    ("localized-key-not-a-language", "program", "da: Demoprogram", "Danish: Demoprogram"),
    ("empty-title", "program", "title: Make a screencast", 'title: ""'),
    ("null-title", "program", "title: Make a screencast", "title:"),
    ("title-too-long", "program", "title: Make a screencast", f"title: {TOO_LONG}"),
    ("completion-word", "program", "must: all", "must: most"),
    ("pitch-without-groups", "program", "groups: {max_size: 5, self_select: false}\n", ""),
    ("group-size-zero", "program", "max_size: 5", "max_size: 0"),
    ("boolean-maybe", "program", "self_vote: false", "self_vote: maybe"),
    ("forum-link-without-forum", "program", "forum: {categories: [General, Help, Ideas]}\n", ""),
    ("forum-without-categories", "program", "[General, Help, Ideas]", ""),
    ("category-twice", "program", "[General, Help, Ideas]", "[General, Help, General]"),
    ("typo-in-a-badge", "program", "criteria: |", "criterion: |"),
    ("badge-for-an-unknown-rule", "program", "for: programme", "for: everything"),
    ("badge-without-a-rule", "program", "    for: programme\n", ""),
    ("badge-hours-zero", "program", "hours: 12", "hours: 0"),
    ("badge-for-no-things", "program", "for: {theme: basics}", "for: {theme: basics, things: 0}"),
    ("badge-key-not-a-slug", "program", "key: basics-done", "key: Basics done"),
    ("typo-in-a-participant", "cohort", "organization: Eindhoven", "organisation: Eindhoven"),
    ("typo-at-cohort-top-level", "cohort", "participants:", "participant:"),
    ("unknown-key-for-a-trainer", "cohort", "trainers: [trainer@example.org]",
     "trainers: [{email: trainer@example.org, role: lead}]"),
    ("bad-email", "cohort", "a@example.org", "a.example.org"),
    ("missing-ends", "cohort", "ends: 2027-04-02\n", ""),
    ("starts-not-a-date", "cohort", "starts: 2027-01-11", "starts: 11-01-2027"),
    ("timezone-with-a-space", "cohort", "timezone: Europe/Amsterdam",
     "timezone: Europe Amsterdam"),
    ("final-session-with-offset", "cohort", "final_session: 2027-03-30T14:00",
     "final_session: 2027-03-30T14:00:00+01:00"),
    ("final-session-without-time", "cohort", "final_session: 2027-03-30T14:00",
     "final_session: 2027-03-30"),
    ("enrolment-not-an-option", "cohort", "enrolment: closed", "enrolment: invite"),
    ("benchmark-as-percentage", "cohort", "benchmark: 0.7", "benchmark: 70"),
    ("public-posts-not-allowed", "cohort", "default_visibility: cohort",
     "default_visibility: public"),
    ("language-without-pages", "cohort", "language: nl", "language: de"),
    ("group-key-not-a-slug", "cohort", "{key: team-1,", "{key: Team 1,"),
    ("override-not-a-rule", "cohort", "{forum-intro: 2027-01-25}", "{forum-intro: soon}"),
    ("overrides-a-list", "cohort", "{forum-intro: 2027-01-25}", "[forum-intro]"),
    ("wrong-kind", "cohort", "kind: cohort", "kind: cohorts"),
]


@pytest.mark.parametrize(("kind", "old", "new"), [c[1:] for c in BROKEN],
                         ids=[c[0] for c in BROKEN])
def test_broken_files_are_refused_by_both(kind: str, old: str, new: str) -> None:
    text = edit(BASES[kind], old, new)
    bundle = validate(kind, text)
    assert not bundle.ok
    assert {p.file for p in bundle.problems} == {f"{kind}.yaml"}, bundle.problems
    assert not schema_accepts(kind, text)


def test_the_corpus_is_large_and_covers_both_kinds() -> None:
    assert len(BROKEN) >= 12
    assert {c[1] for c in BROKEN} == {"program", "cohort"}


# -- the loose patterns ----------------------------------------------------------------------


def _validator_for(schema: Schema) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema)


DATE_RULES_TAKEN = ["2027-02-01", "20270201", "2027-W05", "2027-W05-1", "2027W051", "week 1",
                    "Week 12", "WEEK  999", "week 007", "+0d", "+10D", "+9999d", " week 3 "]
DATE_RULES_REFUSED = ["week 0", "week 000", "week1", "week 1000", "+10", "10d", "+10000d",
                      "next week", "2027-2-1", "1 week", "2027-02-01T10:00", ""]


@pytest.mark.parametrize("rule", DATE_RULES_TAKEN)
def test_date_rules_the_validator_takes_match_the_schema(rule: str) -> None:
    text = edit(BASE_PROGRAM, "due: week 2", f"due: '{rule}'")
    bundle = validate("program", text)
    assert bundle.ok, bundle.problems
    due = program_schema()["properties"]["things"]["items"]["properties"]["due"]
    assert _validator_for(due).is_valid(rule)


@pytest.mark.parametrize("rule", DATE_RULES_REFUSED)
def test_date_rules_the_validator_refuses_are_refused_by_the_schema(rule: str) -> None:
    text = edit(BASE_PROGRAM, "due: week 2", f"due: '{rule}'")
    assert not validate("program", text).ok
    due = program_schema()["properties"]["things"]["items"]["properties"]["due"]
    assert not _validator_for(due).is_valid(rule)


@pytest.mark.parametrize("moment", ["2027-03-30T14:00", "2027-03-30 14:00", "2027-03-30T14",
                                    "20270330T1400", "2027-03-30T14:00:00.5", "2027-W13-2T14:00"])
def test_moments_the_validator_takes_match_the_schema(moment: str) -> None:
    text = edit(BASE_COHORT, "final_session: 2027-03-30T14:00", f"final_session: '{moment}'")
    bundle = validate("cohort", text)
    assert bundle.ok, bundle.problems
    assert _validator_for(cohort_schema()["properties"]["final_session"]).is_valid(moment)


def test_every_time_zone_matches_the_schema() -> None:
    zone = _validator_for(cohort_schema()["properties"]["timezone"])
    names = zoneinfo.available_timezones()
    assert names, "no time zone database"
    assert sorted(n for n in names if not zone.is_valid(n)) == []
