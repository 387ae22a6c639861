"""`kind: program` files (DESIGN.md §3): every rule, each error as `file:line:col: message`."""

from __future__ import annotations

from datetime import date

from app.programs.schedule import parse_rule
from tests.fixtures.builders import PROGRAM, cohort_yaml, validate

STARTS = date(2027, 1, 11)


def edit(text: str, old: str, new: str) -> str:
    """Replace a snippet that must occur exactly once, so a test cannot edit the wrong line."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems(*texts: str) -> list[str]:
    return [str(p) for p in validate(*texts).problems]


# -- a valid programme ---------------------------------------------------------------------


def test_the_example_programme_is_valid_and_read_into_its_spec() -> None:
    bundle = validate(PROGRAM)
    assert bundle.ok, bundle.problems
    [program] = bundle.programs
    assert (program.key, program.title, program.language) == ("testprog", "Test programme", "en")
    assert (program.completion_must, program.completion_can) == (None, 1)
    assert [(t.key, t.title) for t in program.themes] == [
        ("basics", "The basics"),
        ("deeper", "Going deeper"),
    ]
    assert [t.key for t in program.things] == [
        "intro",
        "reflect",
        "screencast",
        "plan",
        "later",
        "extra",
    ]
    assert [t.kind for t in program.things] == ["must", "must", "can", "can", "can", "optional"]
    intro, reflect, screencast, plan, later, extra = program.things
    assert (intro.theme, intro.due, intro.opens, intro.minutes) == ("basics", "week 1", None, 15)
    assert intro.body == "Say **hello** in the forum."
    assert intro.links == [{"title": "Guide", "url": "https://example.org/guide"}]
    assert (
        reflect.reflection_prompt,
        reflect.reflection_required,
        reflect.reflection_min_words,
    ) == ("What did you learn?", True, 5)
    assert (screencast.evidence, plan.evidence, extra.evidence) == ("url", "approval", "none")
    assert (later.opens, later.due) == ("week 5", "week 6")
    assert extra.theme is None and extra.due is None
    assert program.groups_max_size is None and program.forum_categories is None
    assert (program.position.file, program.position.line, program.position.col) == (
        "file0.yaml",
        1,
        1,
    )


def test_language_no_stays_the_string_no_and_is_not_read_as_false() -> None:
    bundle = validate(edit(PROGRAM, "language: en", "language: no"))
    assert bundle.ok, bundle.problems
    assert bundle.programs[0].language == "no"


def test_yes_and_on_as_titles_stay_text() -> None:
    text = edit(PROGRAM, "title: Opens later", "title: yes")
    text = edit(text, "title: Something extra", "title: on")
    bundle = validate(text)
    assert bundle.ok, bundle.problems
    assert [t.title for t in bundle.programs[0].things][-2:] == ["yes", "on"]


def test_optional_groups_pitch_and_forum_settings_are_read() -> None:
    text = edit(
        PROGRAM,
        "language: en\n",
        "language: en\nversion: 3\ngroups: {max_size: 4, self_select: true}\n"
        "pitch: {votes_per_participant: 2, self_vote: true, tie_break: shared}\n"
        "forum: {categories: [General, Help]}\n",
    )
    bundle = validate(text)
    assert bundle.ok, bundle.problems
    program = bundle.programs[0]
    assert program.version == 3
    assert (program.groups_max_size, program.groups_self_select) == (4, True)
    assert (
        program.pitch_votes_per_participant,
        program.pitch_self_vote,
        program.pitch_tie_break,
    ) == (2, True, "shared")
    assert program.forum_categories == ["General", "Help"]


def test_text_may_be_a_map_per_language_and_the_programme_language_is_shown() -> None:
    text = edit(PROGRAM, "title: Test programme", "title: {en: Test programme, da: Testprogram}")
    text = edit(text, "language: en", "language: da")
    bundle = validate(text)
    assert bundle.ok, bundle.problems
    assert bundle.programs[0].title == "Testprogram"
    assert bundle.programs[0].translations["title"] == {"en": "Test programme", "da": "Testprogram"}


# -- keys ----------------------------------------------------------------------------------


def test_unknown_key_is_reported_with_its_line_and_a_hint() -> None:
    [problem] = problems(edit(PROGRAM, "language: en", "langauge: en"))
    assert problem.startswith(
        "file0.yaml:4:1: unknown key 'langauge' (did you mean 'language'?); expected one of "
    )
    listed = problem.split("expected one of ", 1)[1].split(", ")
    assert "language" in listed and "things" in listed
    assert len(listed) == len(set(listed)), "every allowed key is named once"


def test_unknown_key_inside_a_thing_names_the_thing() -> None:
    [problem] = problems(edit(PROGRAM, "    minutes: 15", "    minutse: 15"))
    assert problem.startswith(
        "file0.yaml:15:5: things[0]: unknown key 'minutse' "
        "(did you mean 'minutes'?); expected one of "
    )


def test_unknown_key_without_a_close_match_has_no_hint() -> None:
    [problem] = problems(edit(PROGRAM, "language: en\n", "language: en\ncolour: red\n"))
    assert problem.startswith("file0.yaml:5:1: unknown key 'colour'; expected one of ")


def test_missing_required_keys_are_each_reported_at_the_mapping() -> None:
    assert problems("kind: program\n") == [
        "file0.yaml:1:1: missing required key 'id'",
        "file0.yaml:1:1: missing required key 'things'",
        "file0.yaml:1:1: missing required key 'title'",
    ]


def test_missing_required_key_of_a_thing_is_reported_at_that_thing() -> None:
    assert problems(edit(PROGRAM, "    title: Something extra\n", "")) == [
        "file0.yaml:41:5: things[5]: missing required key 'title'"
    ]


def test_duplicate_key_is_reported_on_its_second_line() -> None:
    assert problems(edit(PROGRAM, "language: en\n", "language: en\nlanguage: nl\n")) == [
        "file0.yaml:5:1: language: duplicate key (also on line 4)"
    ]


def test_duplicate_key_inside_a_thing_has_its_path() -> None:
    assert problems(edit(PROGRAM, "    minutes: 15\n", "    minutes: 15\n    minutes: 20\n")) == [
        "file0.yaml:16:5: things[0].minutes: duplicate key (also on line 15)"
    ]


# -- ids, keys, kinds, themes --------------------------------------------------------------


def test_programme_id_must_be_a_slug() -> None:
    assert problems(edit(PROGRAM, "id: testprog", "id: Test_Prog")) == [
        "file0.yaml:2:5: id: expected an id of lower-case letters, digits and "
        "hyphens (like team-1); "
        "got 'Test_Prog'"
    ]


def test_thing_key_must_be_a_slug() -> None:
    assert problems(edit(PROGRAM, "  - key: plan", "  - key: action plan")) == [
        "file0.yaml:30:10: things[3].key: expected an id of lower-case letters, digits and hyphens "
        "(like team-1); got 'action plan'"
    ]


def test_thing_keys_are_unique_within_a_programme() -> None:
    assert problems(edit(PROGRAM, "  - key: extra", "  - key: intro")) == [
        "file0.yaml:41:10: things[5].key: Thing key 'intro' is already used by things[0]"
    ]


def test_theme_keys_are_unique() -> None:
    text = edit(
        PROGRAM,
        "  - {key: deeper, title: Going deeper}",
        "  - {key: deeper, title: Going deeper}\n  - {key: basics, title: Again}",
    )
    assert problems(text) == ["file0.yaml:9:11: themes[2].key: theme 'basics' is already themes[0]"]


def test_thing_kind_must_be_must_can_or_optional() -> None:
    text = edit(
        PROGRAM,
        "    kind: must\n    theme: basics\n    due: week 1",
        "    kind: mandatory\n    theme: basics\n    due: week 1",
    )
    assert problems(text) == [
        "file0.yaml:12:11: things[0].kind: expected one of must, can, optional; got 'mandatory'"
    ]


def test_a_thing_theme_must_be_a_defined_theme() -> None:
    text = edit(PROGRAM, "theme: deeper\n    evidence: url", "theme: deep\n    evidence: url")
    assert problems(text) == [
        "file0.yaml:28:12: things[2].theme: no theme 'deep'; expected one of basics, deeper"
    ]


def test_a_theme_without_any_themes_says_none_are_defined() -> None:
    text = "kind: program\nid: p\ntitle: P\nthings:\n  - {key: a, title: A, kind: must, theme: x}\n"
    assert problems(text) == [
        "file0.yaml:5:43: things[0].theme: no theme 'x'; expected one of none are defined under "
        "'themes'"
    ]


def test_evidence_must_be_none_url_or_approval() -> None:
    assert problems(edit(PROGRAM, "evidence: url", "evidence: photo")) == [
        "file0.yaml:29:15: things[2].evidence: expected one of none, url, approval; got 'photo'"
    ]


def test_a_programme_needs_at_least_one_thing() -> None:
    assert problems("kind: program\nid: p\ntitle: P\nthings: []\n") == [
        "file0.yaml:4:9: things: a programme needs at least one Thing"
    ]


def test_links_need_a_web_address() -> None:
    text = edit(PROGRAM, 'url: "https://example.org/guide"', "url: example.org/guide")
    assert problems(text) == [
        "file0.yaml:18:33: things[0].links[0].url: expected a web address starting with https://; "
        "got 'example.org/guide'"
    ]


def test_a_web_address_that_cannot_be_parsed_is_a_problem_not_a_crash() -> None:
    text = edit(PROGRAM, "https://example.org/guide", "https://[]example.org/guide")
    assert problems(text) == [
        "file0.yaml:18:33: things[0].links[0].url: expected a web address starting with "
        "https://; got 'https://[]example.org/guide'"
    ]


def test_minutes_must_be_a_whole_number_in_range() -> None:
    assert problems(edit(PROGRAM, "minutes: 15", "minutes: quarter")) == [
        "file0.yaml:15:14: things[0].minutes: expected a whole number; got 'quarter'"
    ]
    assert problems(edit(PROGRAM, "minutes: 15", "minutes: 0")) == [
        "file0.yaml:15:14: things[0].minutes: expected a number from 1 to 10000; got 0"
    ]


def test_a_huge_number_is_a_problem_not_a_crash() -> None:
    [problem] = problems(edit(PROGRAM, "minutes: 15", "minutes: 1" + "0" * 5000))
    assert problem.startswith(
        "file0.yaml:15:14: things[0].minutes: expected a number from 1 to 10000"
    )


def test_a_pitch_needs_groups() -> None:
    assert problems(
        edit(PROGRAM, "language: en\n", "language: en\npitch: {self_vote: true}\n")
    ) == ["file0.yaml:5:8: pitch: a pitch needs groups: add 'groups: {max_size: 5}'"]


def test_groups_max_size_must_be_positive() -> None:
    assert problems(edit(PROGRAM, "language: en\n", "language: en\ngroups: {max_size: 0}\n")) == [
        "file0.yaml:5:20: groups.max_size: expected a number from 1 to 1000; got 0"
    ]


def test_two_files_may_not_define_the_same_programme() -> None:
    assert problems(PROGRAM, PROGRAM) == [
        "file1.yaml:1:1: id: programme 'testprog' is also defined at file0.yaml:1:1"
    ]


# -- dates ---------------------------------------------------------------------------------


def test_due_may_be_a_date_a_week_or_a_number_of_days() -> None:
    for rule in ("2027-02-01", "week 3", "+10d"):
        bundle = validate(edit(PROGRAM, "due: week 2", f"due: {rule}"))
        assert bundle.ok, (rule, bundle.problems)
        assert bundle.programs[0].things[1].due == rule


def test_date_rules_are_kept_in_their_normal_form() -> None:
    bundle = validate(edit(PROGRAM, "due: week 2", "due: Week   2"))
    assert bundle.ok, bundle.problems
    assert bundle.programs[0].things[1].due == "week 2"
    assert str(parse_rule("+7D")) == "+7d"


def test_a_bad_date_rule_says_which_forms_are_allowed() -> None:
    for bad in ("2027-02-30", "+3x", "next week", "week", "-3d", "2027/02/01"):
        assert problems(edit(PROGRAM, "due: week 2", f"due: {bad}")) == [
            f"file0.yaml:23:10: things[1].due: expected a date like 2027-02-01, 'week N' or '+Nd'; "
            f"got '{bad}'"
        ], bad


def test_week_numbers_start_at_one() -> None:
    assert problems(edit(PROGRAM, "opens: week 5", "opens: week 0")) == [
        "file0.yaml:39:12: things[4].opens: week numbers start at 1; got 'week 0'"
    ]


def test_a_thing_may_not_open_after_it_is_due() -> None:
    assert problems(edit(PROGRAM, "opens: week 5", "opens: week 7")) == [
        "file0.yaml:39:12: things[4].opens: opens (week 7) after it is due (week 6)"
    ]
    assert problems(
        edit(PROGRAM, "opens: week 5\n    due: week 6", "opens: 2027-03-02\n    due: 2027-03-01")
    ) == ["file0.yaml:39:12: things[4].opens: opens (2027-03-02) after it is due (2027-03-01)"]


def test_opening_in_the_week_it_is_due_is_allowed() -> None:
    assert validate(edit(PROGRAM, "opens: week 5", "opens: week 6")).ok
    assert validate(
        edit(PROGRAM, "opens: week 5\n    due: week 6", "opens: +7d\n    due: week 2")
    ).ok


def test_a_plain_opens_date_after_a_relative_due_is_caught_when_a_cohort_runs_it() -> None:
    text = edit(PROGRAM, "opens: week 5", "opens: 2027-06-01")
    assert validate(text).ok  # whether it is too late depends on the cohort's start
    assert problems(text, cohort_yaml(starts=STARTS)) == [
        "file1.yaml:3:10: Thing 'later' would open on 2027-06-01 but be due on 2027-02-21 in this "
        "cohort; change its due date"
    ]


# -- the completion rule -------------------------------------------------------------------


def test_completion_may_not_ask_for_more_things_than_there_are() -> None:
    text = edit(PROGRAM, "completion: {must: all, can: 1}", "completion: {must: 3, can: 5}")
    assert problems(text) == [
        "file0.yaml:5:20: completion.must: asks for 3 must-do Things but the programme has 2",
        "file0.yaml:5:28: completion.can: asks for 5 can-do Things but the programme has 3",
    ]


def test_completion_as_many_as_there_are_is_allowed() -> None:
    bundle = validate(
        edit(PROGRAM, "completion: {must: all, can: 1}", "completion: {must: 2, can: all}")
    )
    assert bundle.ok, bundle.problems
    assert (bundle.programs[0].completion_must, bundle.programs[0].completion_can) == (2, 3)


def test_completion_only_knows_must_and_can() -> None:
    [problem] = problems(edit(PROGRAM, "{must: all, can: 1}", "{must: all, optional: 1}"))
    assert problem.startswith(
        "file0.yaml:5:25: completion: unknown key 'optional'; expected one of must, can"
    )


# -- the file as a whole -------------------------------------------------------------------


def test_yaml_syntax_error_is_reported_with_its_line() -> None:
    text = edit(PROGRAM, "    minutes: 15\n", "    minutes: 15\n  bad: [\n")
    [problem] = problems(text)
    assert problem.startswith("file0.yaml:")
    line = int(problem.split(":")[1])
    assert 16 <= line <= 18
    assert ": could not read YAML: " in problem


def test_yaml_syntax_error_gives_line_and_column() -> None:
    assert problems("kind: program\nid: x\n  bad: [") == [
        "file0.yaml:3:6: could not read YAML: mapping values are not allowed in this context"
    ]


def test_an_empty_file_is_an_error_that_says_what_is_expected() -> None:
    expected = (
        "file0.yaml:1:1: the file is empty; expected 'kind: program' or 'kind: cohort' and "
        "the keys that go with it"
    )
    assert problems("") == [expected]
    assert problems("# only a comment\n") == [expected]


def test_kind_is_required() -> None:
    assert problems("id: x\ntitle: X\n") == [
        "file0.yaml:1:1: missing required key 'kind' (program or cohort)"
    ]


def test_kind_must_be_program_or_cohort() -> None:
    assert problems(edit(PROGRAM, "kind: program", "kind: programme")) == [
        "file0.yaml:1:7: kind: expected one of program, cohort; got 'programme'"
    ]


def test_a_file_that_is_not_a_mapping_is_an_error() -> None:
    assert problems("- kind: program\n") == [
        "file0.yaml:1:1: expected a mapping starting with 'kind: program' or 'kind: cohort'"
    ]


def test_yaml_tags_are_refused() -> None:
    text = edit(PROGRAM, "id: testprog", "id: !!python/object:os.system testprog")
    assert problems(text) == [
        "file0.yaml:2:5: id: expected text; YAML tags like "
        "tag:yaml.org,2002:python/object:os.system "
        "are not used"
    ]


def test_several_errors_are_all_reported_sorted_by_file_and_line() -> None:
    broken = edit(PROGRAM, "evidence: url", "evidence: photo")
    broken = edit(broken, "  - key: extra", "  - key: reflect")
    broken = edit(broken, "language: en", "langauge: en")
    broken = edit(
        broken,
        "    kind: must\n    theme: basics\n    due: week 1",
        "    kind: mandatory\n    theme: basics\n    due: week 1",
    )
    found = validate(broken, edit(PROGRAM, "id: testprog", "id: Other"))
    rendered = [str(p) for p in found.problems]
    assert [(p.file, p.line) for p in found.problems] == [
        ("file0.yaml", 4),
        ("file0.yaml", 12),
        ("file0.yaml", 29),
        ("file0.yaml", 41),
        ("file1.yaml", 2),
    ]
    assert (
        rendered[1]
        == "file0.yaml:12:11: things[0].kind: expected one of must, can, optional; got 'mandatory'"
    )
    assert rendered[4].startswith("file1.yaml:2:5: id: expected an id")
    assert not found.ok and found.programs == []


def test_a_character_yaml_cannot_hold_is_a_located_problem_not_a_crash() -> None:
    assert problems("kind: program\nid: a\udcffb\n") == [
        "file0.yaml:2:6: could not read YAML: not a valid character"
    ]
    assert problems("kind: programme\nid: a\x07b\n") == [
        "file0.yaml:2:6: could not read YAML: control characters are not allowed (U+0007)"
    ]
    assert problems("title: é\u2028\x1b") == [
        "file0.yaml:2:1: could not read YAML: control characters are not allowed (U+001B)"
    ]


def test_an_invalid_thing_does_not_make_the_completion_rule_look_unmeetable() -> None:
    # three can-do Things and a rule asking for all three; one of them has a bad value
    rule = PROGRAM.replace("completion: {must: all, can: 1}", "completion: {must: all, can: 3}")
    broken = rule.replace("    kind: can\n    theme: deeper\n    evidence: url",
                          "    kind: can\n    theme: deeper\n    evidence: photo")
    assert broken != rule and rule != PROGRAM
    assert validate(rule).ok
    messages = [str(p) for p in validate(broken).problems]
    assert len(messages) == 1 and "evidence: expected one of" in messages[0], messages


def test_a_title_too_long_for_the_database_is_reported_with_its_place() -> None:
    long_title = "T" * 301
    messages = [str(p) for p in validate(PROGRAM.replace("title: Test programme",
                                                          f"title: {long_title}")).problems]
    assert messages == ["file0.yaml:3:8: title: too long: at most 300 characters; got 301"]
