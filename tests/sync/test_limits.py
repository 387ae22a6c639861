"""Size limits on YAML files, their lists and long texts (app/limits.py): past a limit is one
located problem naming the limit, and the list is not read item by item. Checks stay linear,
so a file just under the limits validates quickly."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app import limits
from app.sync.reader import HINTS_PER_FILE
from app.sync.validate import validate_paths
from tests.fixtures.builders import PROGRAM, cohort_yaml, validate
from tests.fixtures.files import fastest_of, files_opened

COHORT = cohort_yaml(starts=date(2027, 1, 11))
GROUPED = PROGRAM.replace("language: en\n", "language: en\ngroups: {max_size: 50}\n")


def problems(*texts: str) -> list[str]:
    return [str(p) for p in validate(*texts).problems]


def program(*, things: int = 1, themes: int = 0, categories: int = 0, links: int = 0) -> str:
    """A programme whose lists have the given lengths; `things:` starts on line 7, column 3."""
    theme_list = ", ".join(f"{{key: th{i}, title: Theme}}" for i in range(themes))
    category_list = ", ".join(f"c{i}" for i in range(categories))
    link_list = ", ".join(f'{{title: L, url: "https://example.org/{i}"}}' for i in range(links))
    return (
        "kind: program\nid: big\ntitle: Big\n"
        f"themes: [{theme_list}]\n"
        f"forum: {{categories: [{category_list}]}}\n"
        "things:\n"
        + "".join(f"  - {{key: t{i}, title: T, kind: must, links: [{link_list if i == 0 else ''}]}}\n"
                  for i in range(things))
    )


def names(count: int, pattern: str) -> str:
    return ", ".join(pattern.format(i) for i in range(count))


# -- file size -----------------------------------------------------------------------------


def test_a_yaml_file_over_the_limit_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:
        file.truncate(50_000_000)  # sparse: nothing is written
    with files_opened(monkeypatch) as opened:
        bundle = validate_paths([big])
    assert big not in opened
    assert [str(p) for p in bundle.problems] == [f"{big}: too large: at most 2 MB; this file is 50 MB"]


def test_a_yaml_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    padding = limits.YAML_FILE_BYTES - len(PROGRAM) - 2
    (tmp_path / "program.yaml").write_text(PROGRAM + "#" + "x" * padding + "\n")
    assert (tmp_path / "program.yaml").stat().st_size == limits.YAML_FILE_BYTES
    bundle = validate_paths([tmp_path])
    assert bundle.ok, bundle.problems


def test_text_given_in_memory_has_the_same_limit_counted_in_bytes() -> None:
    text = PROGRAM + "# " + "ø" * (limits.YAML_FILE_BYTES // 2) + "\n"  # ø is two bytes
    assert len(text) < limits.YAML_FILE_BYTES
    assert problems(text, COHORT) == [
        "file0.yaml: too large: at most 2 MB; this file is 2.1 MB",
        "file1.yaml:3:10: program: no programme 'testprog' in these files or in the database",
    ]


# -- lists ---------------------------------------------------------------------------------


def test_a_programme_may_have_as_many_things_as_the_limit() -> None:
    bundle = validate(program(things=limits.THINGS_PER_PROGRAM))
    assert bundle.ok, bundle.problems
    assert len(bundle.programs[0].things) == 500


def test_too_many_things_is_one_problem_at_the_list() -> None:
    assert problems(program(things=limits.THINGS_PER_PROGRAM + 1)) == [
        "file0.yaml:7:3: things: too many: at most 500 Things per programme; got 501"
    ]


def test_too_many_themes_is_one_problem_at_the_list() -> None:
    assert problems(program(themes=limits.THEMES_PER_PROGRAM + 1)) == [
        "file0.yaml:4:9: themes: too many: at most 100 themes per programme; got 101"
    ]


def test_too_many_forum_categories_is_one_problem_at_the_list() -> None:
    assert problems(program(categories=limits.FORUM_CATEGORIES + 1)) == [
        "file0.yaml:5:21: forum.categories: too many: at most 50 forum categories; got 51"
    ]


def test_too_many_links_is_one_problem_at_the_list() -> None:
    assert problems(program(links=limits.LINKS_PER_THING + 1)) == [
        "file0.yaml:7:44: things[0].links: too many: at most 50 links per Thing; got 51"
    ]


def test_too_many_organisations_is_one_problem_at_the_list() -> None:
    orgs = names(limits.ORGANIZATIONS_PER_COHORT + 1, "o{}")
    cohort = COHORT.replace("organizations: [Lib]", f"organizations: [Lib, {orgs}]")
    assert problems(PROGRAM, cohort) == [
        # and no participant is checked against a list that was not read
        "file1.yaml:8:16: organizations: too many: at most 1,000 organisations per cohort; got 1,002",
    ]


def test_too_many_groups_is_one_problem_at_the_list() -> None:
    groups = names(limits.GROUPS_PER_COHORT + 1, "{{key: g{}}}")
    assert problems(GROUPED, COHORT + f"groups: [{groups}]\n") == [
        "file1.yaml:14:9: groups: too many: at most 2,000 groups per cohort; got 2,001"
    ]


def test_as_many_groups_as_the_limit_are_read() -> None:
    groups = names(limits.GROUPS_PER_COHORT, "{{key: g{}}}")
    bundle = validate(GROUPED, COHORT + f"groups: [{groups}]\n")
    assert bundle.ok, bundle.problems


@pytest.mark.parametrize(("key", "line"), [("trainers", 9), ("managers", 10)])
def test_too_many_trainers_or_managers_is_one_problem_at_the_list(key: str, line: int) -> None:
    people = names(limits.STAFF_PER_COHORT + 1, "s{}@example.org")
    cohort = COHORT.replace(f"{key}: [{key[:-1]}@example.org]", f"{key}: [{people}]")
    assert problems(PROGRAM, cohort) == [
        f"file1.yaml:{line}:11: {key}: too many: at most 500 {key} per cohort; got 501"
    ]


def test_too_many_participants_inline_is_one_problem_at_the_list() -> None:
    cohort = cohort_yaml(starts=date(2027, 1, 11), participants=[]).replace(
        "participants:\n", "participants: [" + "x, " * limits.PARTICIPANTS_PER_COHORT + "x]\n")
    assert problems(PROGRAM, cohort) == [
        "file1.yaml:11:15: participants: too many: at most 50,000 participants per cohort; "
        "got 50,001"
    ]


def test_participants_inline_and_in_the_roster_count_together(tmp_path: Path) -> None:
    rows = "".join(f"p{i}@example.org,P\n" for i in range(limits.PARTICIPANTS_PER_COHORT - 1))
    (tmp_path / "roster.csv").write_text("email,name\n" + rows)
    (tmp_path / "program.yaml").write_text(PROGRAM)
    (tmp_path / "cohort.yaml").write_text(COHORT + "participants_csv: roster.csv\n")
    assert [str(p) for p in validate_paths([tmp_path]).problems] == [
        f"{tmp_path}/roster.csv:50000: too many participants: at most 50,000 per cohort, "
        "with those under 'participants' counted too; the rest of the file is not read"
    ]


def test_too_many_due_overrides_is_one_problem_at_the_mapping() -> None:
    overrides = names(limits.THINGS_PER_PROGRAM + 1, "t{}: week 1")
    assert problems(PROGRAM, COHORT + f"due_overrides: {{{overrides}}}\n") == [
        "file1.yaml:14:16: due_overrides: too many: at most 500 due dates, one per Thing; got 501"
    ]


# -- long texts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("language: en\n", "language: en\ndescription: {}\n", "5:14: description"),
        ("language: en\n", "language: en\npurpose: {}\n", "5:10: purpose"),
        ("language: en\n", "language: en\nsummary: {}\n", "5:10: summary"),
        ("    body: |\n      Say **hello** in the forum.\n", "    body: {}\n", "16:11: things[0].body"),
        ("{prompt: What did you learn?,", "{{prompt: {},", "24:26: things[1].reflection.prompt"),
    ],
)
def test_long_texts_have_a_limit(old: str, new: str, where: str) -> None:
    assert PROGRAM.count(old) == 1
    at_limit = PROGRAM.replace(old, new.format("w" * limits.LONG_TEXT_CHARS))
    assert validate(at_limit).ok
    over = PROGRAM.replace(old, new.format("w" * (limits.LONG_TEXT_CHARS + 1)))
    assert problems(over) == [
        f"file0.yaml:{where}: too long: at most 50000 characters; got 50001"
    ]


# -- linear checks -------------------------------------------------------------------------


def test_duplicate_checks_stay_linear_on_long_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the limits lifted, 20,000 names take well under a second; searching a list for
    each name, as once, took many seconds."""
    count = 20_000
    for name in ("FORUM_CATEGORIES", "ORGANIZATIONS_PER_COHORT"):
        monkeypatch.setattr(limits, name, 10**9)
    text = program(categories=count).replace(f"c{count - 1}]", f"c{count - 1}, c1]")
    orgs = names(count, "o{}")
    cohort = cohort_yaml(
        starts=date(2027, 1, 11), program="big",
        participants=[f"p{i}@example.org" for i in range(2_000)],
    ).replace("organizations: [Lib]", f"organizations: [{orgs}, o1]")
    cohort = cohort.replace("organization: Lib}", f"organization: o{count - 1}}}")
    found, seconds = fastest_of(3, lambda: problems(text, cohort))
    assert seconds < 3, f"{seconds:.1f} s of CPU; about half a second when linear"
    assert [p.split(": ", 1)[1] for p in found] == [
        "forum.categories[20000]: category 'c1' is listed twice",
        "program: programme 'big' has problems (above); this cohort is checked against it once "
        "they are fixed",
        "organizations[20000]: 'o1' is listed twice",
    ]


def test_many_unknown_keys_are_each_reported_but_only_the_first_get_a_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finding a close match is slow enough to matter when a file holds thousands of typos."""
    calls: list[str] = []
    close_matches = difflib.get_close_matches

    def counted(word: str, *args: Any, **kwargs: Any) -> list[str]:
        calls.append(word)
        return close_matches(word, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    text = PROGRAM + "".join(f"langauge{i}: 1\n" for i in range(20_000))
    found = problems(text)
    assert len(found) == 20_000
    assert len(calls) == HINTS_PER_FILE
    expected = ("kind, id, title, things, version, language, summary, description, purpose, "
                "completion, themes, groups, pitch, forum, badges")
    assert found[0] == (
        f"file0.yaml:44:1: unknown key 'langauge0' (did you mean 'language'?); expected one of "
        f"{expected}"
    )
    assert found[-1] == (
        f"file0.yaml:20043:1: unknown key 'langauge19999'; expected one of {expected}"
    )


def test_a_long_unknown_key_is_shown_cut_short() -> None:
    long_key = "? " + "k" * 5000 + "\n: 1\n"  # a plain key is at most 1024 characters
    assert problems(PROGRAM + long_key)[0].startswith(
        f"file0.yaml:44:3: unknown key '{'k' * 37}...'; expected one of kind, "
    )


def test_a_long_list_of_names_in_a_message_is_cut_short() -> None:
    orgs = names(limits.ORGANIZATIONS_PER_COHORT, "o{}")
    cohort = COHORT.replace("organizations: [Lib]", f"organizations: [{orgs}]")
    assert problems(PROGRAM, cohort)[0] == (
        "file1.yaml:12:13: anna@example.org: organization 'Lib' is not in organizations "
        f"({', '.join(f'o{i}' for i in range(20))} and 980 more)"
    )


def test_a_cohort_just_under_every_limit_validates_quickly(tmp_path: Path) -> None:
    """50,000 participants, each checked against 1,000 organisations and 2,000 groups, take
    about a second; anything quadratic in the participants would take minutes."""
    orgs, groups = limits.ORGANIZATIONS_PER_COHORT, limits.GROUPS_PER_COHORT
    cohort = COHORT.replace("organizations: [Lib]", f"organizations: [Lib, {names(orgs - 1, 'o{}')}]")
    cohort += f"groups: [{names(groups, '{{key: g{}}}')}]\nparticipants_csv: roster.csv\n"
    rows = "".join(f"p{i}@example.org,P,o{orgs - 2},g{i % groups}\n"
                   for i in range(limits.PARTICIPANTS_PER_COHORT - 2))
    (tmp_path / "roster.csv").write_text("email,name,organization,group\n" + rows)
    (tmp_path / "program.yaml").write_text(GROUPED)
    (tmp_path / "cohort.yaml").write_text(cohort)
    bundle, seconds = fastest_of(1, lambda: validate_paths([tmp_path]))
    assert seconds < 30, f"{seconds:.1f} s of CPU; quadratic work would take minutes"
    assert bundle.ok, bundle.problems[:3]
    assert len(bundle.cohorts[0].participants) == limits.PARTICIPANTS_PER_COHORT
