"""`kind: cohort` files (DESIGN.md §3): every rule, each error as `file:line:col: message`."""

from __future__ import annotations

from datetime import date, datetime

from app.sync.cohorts import ProgramFacts
from tests.fixtures.builders import PROGRAM, cohort_yaml, validate

STARTS = date(2027, 1, 11)
COHORT = cohort_yaml(starts=STARTS)  # 13 lines; keys added at its end start on line 14
GROUPED = PROGRAM.replace("language: en\n", "language: en\ngroups: {max_size: 2}\n")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems(*texts: str, lookup=None) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in validate(*texts, lookup=lookup).problems]


def with_groups(cohort: str, groups: dict[str, str]) -> str:
    """Put the participants in groups (email -> group) and list the groups used."""
    for email, group in groups.items():
        cohort = edit(
            cohort,
            f"{{email: {email}, name: {email.split('@')[0].title()}, organization: Lib}}",
            f"{{email: {email}, name: {email.split('@')[0].title()}, organization: "
            f"Lib, group: {group}}}",
        )
    listed = "".join(f"  - {{key: {g}, name: Team {g}}}\n" for g in sorted(set(groups.values())))
    return cohort + "groups:\n" + listed


# -- a valid cohort ------------------------------------------------------------------------


def test_a_valid_programme_and_cohort_give_the_expected_cohort_spec() -> None:
    cohort = COHORT + "final_session: 2027-03-30T14:00\ndue_overrides: {intro: 2027-01-25}\n"
    bundle = validate(PROGRAM, cohort)
    assert bundle.ok, bundle.problems
    [spec] = bundle.cohorts
    assert (spec.key, spec.program, spec.title, spec.timezone) == (
        "testcohort",
        "testprog",
        "Cohort testcohort",
        "Europe/Amsterdam",
    )
    assert (spec.starts, spec.ends) == (STARTS, date(2027, 5, 11))
    assert spec.final_session == datetime(2027, 3, 30, 14, 0)
    assert spec.organizations == ["Lib"]
    assert [p.email for p in spec.trainers] == ["trainer@example.org"]
    assert [p.email for p in spec.managers] == ["manager@example.org"]
    assert [(p.email, p.name, p.organization, p.group) for p in spec.participants] == [
        ("anna@example.org", "Anna", "Lib", None),
        ("bram@example.org", "Bram", "Lib", None),
    ]
    assert spec.due_overrides == {"intro": "2027-01-25"}
    assert (spec.enrolment, spec.posts_default_visibility, spec.benchmark) == (
        "closed",
        "cohort",
        0.7,
    )


def test_email_addresses_are_read_in_lower_case() -> None:
    bundle = validate(PROGRAM, edit(COHORT, "anna@example.org", "Anna@Example.ORG"))
    assert bundle.ok, bundle.problems
    assert bundle.cohorts[0].participants[0].email == "anna@example.org"


def test_staff_may_be_given_with_a_name() -> None:
    cohort = edit(
        COHORT,
        "trainers: [trainer@example.org]",
        "trainers: [{email: trainer@example.org, name: Tess Trainer}]",
    )
    bundle = validate(PROGRAM, cohort)
    assert bundle.ok, bundle.problems
    assert [(p.email, p.name) for p in bundle.cohorts[0].trainers] == [
        ("trainer@example.org", "Tess Trainer")
    ]


def test_groups_in_a_programme_with_groups_are_read() -> None:
    cohort = with_groups(COHORT, {"anna@example.org": "team-1", "bram@example.org": "team-1"})
    bundle = validate(GROUPED, cohort)
    assert bundle.ok, bundle.problems
    assert [(g.key, g.name) for g in bundle.cohorts[0].groups] == [("team-1", "Team team-1")]
    assert [p.group for p in bundle.cohorts[0].participants] == ["team-1", "team-1"]


# -- keys ----------------------------------------------------------------------------------


def test_unknown_key_is_reported_with_its_line_and_a_hint() -> None:
    [problem] = problems(PROGRAM, COHORT + "due_overides: {intro: week 2}\n")
    assert problem.startswith(
        "file1.yaml:14:1: unknown key 'due_overides' (did you mean "
        "'due_overrides'?); expected one of "
    )
    listed = problem.split("expected one of ", 1)[1].split(", ")
    assert len(listed) == len(set(listed)), "every allowed key is named once"


def test_unknown_key_of_a_participant_is_reported() -> None:
    [problem] = problems(PROGRAM, edit(COHORT, "name: Bram,", "nmae: Bram,"))
    assert problem.startswith(
        "file1.yaml:13:31: participants[1]: unknown key 'nmae' (did you mean 'name'?)"
    )


def test_missing_required_keys_are_each_reported() -> None:
    cohort = edit(COHORT, "timezone: Europe/Amsterdam\n", "")
    cohort = edit(cohort, "starts: 2027-01-11\n", "")
    assert problems(PROGRAM, cohort) == [
        "file1.yaml:1:1: missing required key 'starts'",
        "file1.yaml:1:1: missing required key 'timezone'",
    ]


def test_duplicate_key_is_reported_on_its_second_line() -> None:
    assert problems(PROGRAM, COHORT + "title: Again\n") == [
        "file1.yaml:14:1: title: duplicate key (also on line 4)"
    ]


def test_cohort_id_must_be_a_slug() -> None:
    assert problems(PROGRAM, edit(COHORT, "id: testcohort", "id: Spring 2027")) == [
        "file1.yaml:2:5: id: expected an id of lower-case letters, digits and "
        "hyphens (like team-1); "
        "got 'Spring 2027'"
    ]


def test_two_files_may_not_define_the_same_cohort() -> None:
    assert problems(PROGRAM, COHORT, COHORT) == [
        "file2.yaml:1:1: id: cohort 'testcohort' is also defined at file1.yaml:1:1"
    ]


# -- the programme it runs -----------------------------------------------------------------


def test_the_programme_must_exist_in_the_files_or_the_database() -> None:
    assert problems(COHORT) == [
        "file0.yaml:3:10: program: no programme 'testprog' in these files or in the database"
    ]
    assert problems(PROGRAM, edit(COHORT, "program: testprog", "program: other")) == [
        "file1.yaml:3:10: program: no programme 'other' in these files or in the database"
    ]


def test_a_programme_in_the_database_is_found_through_lookup() -> None:
    asked: list[str] = []

    def lookup(key: str) -> ProgramFacts | None:
        asked.append(key)
        return ProgramFacts(key=key, things={"intro": (None, "week 1")}, groups_max_size=None)

    bundle = validate(COHORT, lookup=lookup)
    assert bundle.ok, bundle.problems
    assert asked == ["testprog"]
    assert [c.key for c in bundle.cohorts] == ["testcohort"]
    assert problems(COHORT + "due_overrides: {reflect: week 3}\n", lookup=lookup) == [
        "file0.yaml:14:17: due_overrides.reflect: programme 'testprog' has no Thing 'reflect'; "
        "expected one of intro"
    ]


def test_a_programme_in_the_files_is_used_before_the_database() -> None:
    def lookup(key: str) -> ProgramFacts | None:
        raise AssertionError("the programme is in the files")

    assert validate(PROGRAM, COHORT, lookup=lookup).ok


# -- time zone and dates -------------------------------------------------------------------


def test_timezone_must_be_a_real_time_zone() -> None:
    for bad in ("Mars/Olympus", "Europe", "Europe/", "../etc/passwd", "CET+1"):
        assert problems(PROGRAM, edit(COHORT, "Europe/Amsterdam", bad)) == [
            f"file1.yaml:5:11: timezone: expected a time zone like Europe/Amsterdam; got {bad!r}"
        ], bad


def test_starts_and_ends_must_be_dates() -> None:
    assert problems(PROGRAM, edit(COHORT, "starts: 2027-01-11", "starts: 11-01-2027")) == [
        "file1.yaml:6:9: starts: expected a date like 2027-01-11; got '11-01-2027'"
    ]


def test_a_cohort_may_not_end_before_it_starts() -> None:
    assert problems(PROGRAM, edit(COHORT, "ends: 2027-05-11", "ends: 2027-01-01")) == [
        "file1.yaml:7:7: ends: the cohort ends (2027-01-01) before it starts (2027-01-11)"
    ]


def test_final_session_is_a_local_date_and_time_within_the_cohort() -> None:
    at = "file1.yaml:14:16: final_session: "
    assert problems(PROGRAM, COHORT + "final_session: 2027-03-30\n") == [
        at + "expected a date and time like 2027-03-30T14:00; got '2027-03-30'"
    ]
    assert problems(PROGRAM, COHORT + "final_session: half past two\n") == [
        at + "expected a date and time like 2027-03-30T14:00; got 'half past two'"
    ]
    assert problems(PROGRAM, COHORT + "final_session: 2027-03-30T14:00+01:00\n") == [
        at + "give the time without an offset; the cohort's timezone applies"
    ]
    assert problems(PROGRAM, COHORT + "final_session: 2028-03-30T14:00\n") == [
        at + "expected a moment between starts (2027-01-11) and ends (2027-05-11)"
    ]


def test_due_overrides_accept_every_date_form() -> None:
    for rule in ("2027-01-25", "week 3", "+20d"):
        bundle = validate(PROGRAM, COHORT + f"due_overrides: {{intro: {rule}}}\n")
        assert bundle.ok, (rule, bundle.problems)
        assert bundle.cohorts[0].due_overrides == {"intro": rule}


def test_a_bad_due_override_date_is_reported_at_its_value() -> None:
    assert problems(PROGRAM, COHORT + "due_overrides: {intro: soon}\n") == [
        "file1.yaml:14:24: due_overrides.intro: expected a date like "
        "2027-02-01, 'week N' or '+Nd'; "
        "got 'soon'"
    ]


def test_due_overrides_must_name_things_of_the_programme() -> None:
    assert problems(PROGRAM, COHORT + "due_overrides: {intro: week 2, outro: week 3}\n") == [
        "file1.yaml:14:32: due_overrides.outro: programme 'testprog' has no "
        "Thing 'outro'; expected "
        "one of intro, reflect, screencast, plan, later, extra"
    ]


def test_due_overrides_must_be_a_mapping_with_plain_keys() -> None:
    assert problems(PROGRAM, COHORT + "due_overrides: [intro]\n") == [
        "file1.yaml:14:16: due_overrides: expected a mapping of Thing key to due date"
    ]
    assert problems(PROGRAM, COHORT + "due_overrides:\n  ? [intro]\n  : week 2\n") == [
        "file1.yaml:15:5: due_overrides: keys must be Thing keys"
    ]


def test_a_due_override_may_not_make_a_thing_due_before_it_opens() -> None:
    # 'later' opens in week 5 (2027-02-08); week 4 ends on 2027-02-07
    assert problems(PROGRAM, COHORT + "due_overrides: {later: week 4}\n") == [
        "file1.yaml:14:17: Thing 'later' would open on 2027-02-08 but be due on 2027-02-07 in this "
        "cohort; change its due date"
    ]
    assert validate(PROGRAM, COHORT + "due_overrides: {later: 2027-02-08}\n").ok


def test_dates_past_the_end_of_the_calendar_are_a_problem_not_a_crash() -> None:
    # 'later' is due at the end of week 6: in the year 10000 for a cohort starting in December 9999
    cohort = edit(COHORT, "starts: 2027-01-11", "starts: 9999-12-01")
    cohort = edit(cohort, "ends: 2027-05-11", "ends: 9999-12-31")
    assert problems(PROGRAM, cohort) == [
        "file1.yaml:3:10: Thing 'later' would open or be due after the year 9999 in this cohort; "
        "change its dates"
    ]
    assert problems(PROGRAM, cohort + "due_overrides: {intro: +40d}\n") == [
        "file1.yaml:3:10: Thing 'later' would open or be due after the year 9999 in this cohort; "
        "change its dates",
        "file1.yaml:14:17: Thing 'intro' would open or be due after the year 9999 in this cohort; "
        "change its dates",
    ]


# -- people, organisations and groups ------------------------------------------------------


def test_participant_email_must_be_valid() -> None:
    assert problems(PROGRAM, edit(COHORT, "bram@example.org", "bram-at-example.org")) == [
        "file1.yaml:13:13: participants[1].email: expected an e-mail address "
        "like name@example.org; "
        "got 'bram-at-example.org'"
    ]


def test_staff_email_must_be_valid() -> None:
    assert problems(PROGRAM, edit(COHORT, "trainer@example.org", "trainer@example")) == [
        "file1.yaml:9:12: trainers[0]: expected an e-mail address like name@example.org; "
        "got 'trainer@example'"
    ]


def test_a_participant_is_listed_once_whatever_the_case_of_their_email() -> None:
    assert problems(PROGRAM, edit(COHORT, "bram@example.org", "ANNA@example.org")) == [
        "file1.yaml:13:13: anna@example.org is already listed as a participant at file1.yaml:12:13"
    ]


def test_a_trainer_is_listed_once() -> None:
    cohort = edit(
        COHORT,
        "trainers: [trainer@example.org]",
        "trainers: [trainer@example.org, Trainer@example.org]",
    )
    assert problems(PROGRAM, cohort) == [
        "file1.yaml:9:33: trainer@example.org is already listed as a trainer at file1.yaml:9:12"
    ]


def test_a_participant_organisation_must_be_listed() -> None:
    cohort = edit(COHORT, "name: Bram, organization: Lib", "name: Bram, organization: Libr")
    assert problems(PROGRAM, cohort) == [
        "file1.yaml:13:13: bram@example.org: organization 'Libr' is not in organizations (Lib)"
    ]


def test_organisations_are_listed_once() -> None:
    assert problems(PROGRAM, edit(COHORT, "organizations: [Lib]", "organizations: [Lib, Lib]")) == [
        "file1.yaml:8:22: organizations[1]: 'Lib' is listed twice"
    ]


def test_a_participant_group_must_exist() -> None:
    cohort = with_groups(COHORT, {"anna@example.org": "team-1"})
    cohort = edit(
        cohort, "name: Bram, organization: Lib", "name: Bram, organization: Lib, group: team-2"
    )
    assert problems(GROUPED, cohort) == [
        "file1.yaml:13:13: bram@example.org: group 'team-2' is not in groups (team-1)"
    ]


def test_group_keys_are_slugs_and_unique() -> None:
    cohort = COHORT + "groups:\n  - {key: team-1}\n  - {key: team-1}\n  - {key: Team 2}\n"
    assert problems(GROUPED, cohort) == [
        "file1.yaml:16:11: groups[1].key: group 'team-1' is listed twice",
        "file1.yaml:17:11: groups[2].key: expected an id of lower-case letters, digits and hyphens "
        "(like team-1); got 'Team 2'",
    ]


def test_groups_are_no_larger_than_the_programme_allows() -> None:
    cohort = with_groups(
        cohort_yaml(starts=STARTS, participants=["a@x.org", "b@x.org", "c@x.org"]),
        {"a@x.org": "team-1", "b@x.org": "team-1", "c@x.org": "team-1"},
    )
    assert problems(GROUPED, cohort) == [
        "file1.yaml:16:5: group 'team-1' has 3 participants; programme 'testprog' allows at most 2"
    ]


def test_a_programme_without_groups_refuses_cohort_groups() -> None:
    cohort = with_groups(COHORT, {"anna@example.org": "team-1"})
    assert problems(PROGRAM, cohort) == [
        "file1.yaml:15:5: groups: programme 'testprog' does not use groups; add 'groups:' to the "
        "programme or remove them here"
    ]


# -- optional settings ---------------------------------------------------------------------


def test_optional_cohort_settings_are_checked() -> None:
    assert problems(PROGRAM, COHORT + "enrolment: maybe\n") == [
        "file1.yaml:14:12: enrolment: expected one of closed, open; got 'maybe'"
    ]
    assert problems(PROGRAM, COHORT + "benchmark: 1.5\n") == [
        "file1.yaml:14:12: benchmark: expected a number from 0 to 1; got 1.5"
    ]
    assert problems(PROGRAM, COHORT + "posts: {default_visibility: public}\n") == [
        "file1.yaml:14:29: posts.default_visibility: 'public' needs posts.allow_public: true"
    ]
    bundle = validate(
        PROGRAM,
        COHORT + "enrolment: open\nbenchmark: 0.8\n"
        "posts: {allow_public: true, default_visibility: public}\n",
    )
    assert bundle.ok, bundle.problems
    spec = bundle.cohorts[0]
    assert (
        spec.enrolment,
        spec.benchmark,
        spec.posts_default_visibility,
        spec.posts_allow_public,
    ) == ("open", 0.8, "public", True)


def test_errors_in_programme_and_cohort_are_all_reported_sorted() -> None:
    program = edit(PROGRAM, "evidence: url", "evidence: photo")
    cohort = edit(COHORT, "Europe/Amsterdam", "Europe/Amsterdamm")
    cohort = edit(cohort, "bram@example.org", "bram@")
    bundle = validate(program, cohort)
    assert [str(p) for p in bundle.problems] == [
        "file0.yaml:29:15: things[2].evidence: expected one of none, url, approval; got 'photo'",
        "file1.yaml:3:10: program: programme 'testprog' has problems (above); this cohort is "
        "checked against it once they are fixed",
        "file1.yaml:5:11: timezone: expected a time zone like "
        "Europe/Amsterdam; got 'Europe/Amsterdamm'",
        "file1.yaml:13:13: participants[1].email: expected an e-mail address "
        "like name@example.org; "
        "got 'bram@'",
    ]
    assert bundle.programs == [] and bundle.cohorts == []


def test_a_cohort_with_its_own_errors_is_still_checked_against_its_programme() -> None:
    """Every problem at once: fixing the first ones must not uncover new ones."""
    cohort = edit(COHORT, "bram@example.org", "bram@")
    cohort += "due_overrides: {no-such-thing: 2027-02-01}\n"
    bundle = validate(PROGRAM, cohort)
    messages = [str(p) for p in bundle.problems]
    assert any("participants[1].email" in m for m in messages), messages
    assert any("due_overrides.no-such-thing: programme 'testprog' has no Thing" in m
               for m in messages), messages
    assert bundle.cohorts == []
