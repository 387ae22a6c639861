"""`participants_csv`: a roster next to the cohort file, merged with the inline participants;
its problems are `file:line: message` with the CSV's own line numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.sync.validate import Bundle, validate_paths
from tests.fixtures.builders import PROGRAM, cohort_yaml

HEADER = "email,name,organization,group\n"


def write_set(
    tmp_path: Path,
    roster: str | None,
    *,
    cohort_extra: str = "participants_csv: roster.csv\n",
    inline: list[str] | None = None,
) -> Bundle:
    """A programme, a cohort naming roster.csv, and the roster; validated from disk."""
    (tmp_path / "program.yaml").write_text(PROGRAM)
    cohort = cohort_yaml(starts=date(2027, 1, 11), participants=inline)
    (tmp_path / "cohort.yaml").write_text(cohort + cohort_extra)
    if roster is not None:
        (tmp_path / "roster.csv").write_text(roster, newline="")
    return validate_paths([tmp_path])


def messages(bundle: Bundle, tmp_path: Path) -> list[str]:
    """Problems with the folder name taken off, so they read as the trainer sees them."""
    return [str(p).replace(f"{tmp_path}/", "") for p in bundle.problems]


def test_a_good_roster_is_merged_after_the_inline_participants(tmp_path: Path) -> None:
    roster = HEADER + "carl@example.org,Carl,Lib,\nDora@Example.org,Dora,,\n"
    bundle = write_set(tmp_path, roster)
    assert bundle.ok, bundle.problems
    people = bundle.cohorts[0].participants
    assert [(p.email, p.name, p.organization) for p in people] == [
        ("anna@example.org", "Anna", "Lib"),
        ("bram@example.org", "Bram", "Lib"),
        ("carl@example.org", "Carl", "Lib"),
        ("dora@example.org", "Dora", None),
    ]
    assert (people[2].position.file, people[2].position.line) == (str(tmp_path / "roster.csv"), 2)


def test_a_roster_may_have_its_columns_in_any_order_and_a_byte_order_mark(tmp_path: Path) -> None:
    roster = "\ufeffName,EMAIL\nCarl,carl@example.org\n"
    bundle = write_set(tmp_path, roster)
    assert bundle.ok, bundle.problems
    assert [(p.email, p.name) for p in bundle.cohorts[0].participants][-1] == (
        "carl@example.org",
        "Carl",
    )


def test_a_roster_with_windows_line_endings_and_quoted_names_is_read(tmp_path: Path) -> None:
    roster = 'email,name\r\ncarl@example.org,"Berg, Carl"\r\n\r\ndora@example.org,Dora\r\n'
    bundle = write_set(tmp_path, roster)
    assert bundle.ok, bundle.problems
    assert [p.name for p in bundle.cohorts[0].participants][-2:] == ["Berg, Carl", "Dora"]


def test_a_bad_email_is_reported_on_its_own_csv_line(tmp_path: Path) -> None:
    roster = HEADER + "carl@example.org,Carl,Lib,\ndora.example.org,Dora,Lib,\n"
    bundle = write_set(tmp_path, roster)
    assert messages(bundle, tmp_path) == [
        "roster.csv:3: email: expected an e-mail address like "
        "name@example.org; got 'dora.example.org'"
    ]
    assert bundle.cohorts == []


def test_a_row_with_the_wrong_number_of_columns_is_reported(tmp_path: Path) -> None:
    roster = HEADER + "carl@example.org,Carl,Lib,\ndora@example.org,Dora\n"
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:3: expected 4 columns (email,name,organization,group); got 2"
    ]


def test_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    roster = HEADER + 'carl@example.org,"Carl\nBerg",Lib,\nnot-an-email,Dora,Lib,\n'
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:4: email: expected an e-mail address like name@example.org; got 'not-an-email'"
    ]


def test_an_unknown_header_is_reported_on_line_one(tmp_path: Path) -> None:
    roster = "email,name,team\ncarl@example.org,Carl,a\n"
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:1: expected the header email,name,organization,group (email required); "
        "got email,name,team"
    ]


def test_a_header_without_email_is_reported(tmp_path: Path) -> None:
    assert messages(write_set(tmp_path, "name\nCarl\n"), tmp_path) == [
        "roster.csv:1: expected the header email,name,organization,group (email required); got name"
    ]


def test_an_empty_roster_is_reported(tmp_path: Path) -> None:
    assert messages(write_set(tmp_path, ""), tmp_path) == [
        "roster.csv:1: the file is empty; expected a header line: email,name,organization,group"
    ]


def test_a_missing_roster_file_is_reported_at_the_cohort_line(tmp_path: Path) -> None:
    bundle = write_set(tmp_path, None)
    assert messages(bundle, tmp_path) == [
        "cohort.yaml:14:19: participants_csv: cannot read roster.csv: no such "
        "file next to this cohort"
    ]
    assert bundle.problems[0].file == str(tmp_path / "cohort.yaml")


def test_a_roster_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_bytes(b"email,name\ncarl@example.org,J\xf6rg\n")
    bundle = write_set(tmp_path, None)
    assert messages(bundle, tmp_path) == [
        "cohort.yaml:14:19: participants_csv: roster.csv is not UTF-8 text; save it as CSV UTF-8"
    ]


def test_a_nul_character_in_a_roster_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    bundle = write_set(tmp_path, HEADER + "carl@example.org,Carl,Lib,\ndana@example.org,Da\x00na,Lib,\n")
    assert messages(bundle, tmp_path) == [
        "roster.csv:3:20: a NUL character (U+0000) is not allowed; remove it"]
    assert bundle.cohorts == []


def test_the_same_email_inline_and_in_the_roster_is_reported_at_the_roster_line(
    tmp_path: Path,
) -> None:
    roster = HEADER + "carl@example.org,Carl,Lib,\nANNA@example.org,Anna,Lib,\n"
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:3: anna@example.org is already listed as a participant at cohort.yaml:12:13"
    ]


def test_the_same_email_twice_in_the_roster_is_reported(tmp_path: Path) -> None:
    roster = HEADER + "carl@example.org,Carl,Lib,\ncarl@example.org,Carl,Lib,\n"
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:3: carl@example.org is already listed as a participant at roster.csv:2"
    ]


def test_an_organisation_in_the_roster_must_be_listed(tmp_path: Path) -> None:
    roster = HEADER + "carl@example.org,Carl,Library,\n"
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:2: carl@example.org: organization 'Library' is not in organizations (Lib)"
    ]


def test_a_group_in_the_roster_must_be_a_slug_and_exist(tmp_path: Path) -> None:
    roster = HEADER + "carl@example.org,Carl,Lib,Team 1\ndora@example.org,Dora,Lib,team-9\n"
    assert messages(write_set(tmp_path, roster), tmp_path) == [
        "roster.csv:2: group: expected a group key like team-1; got 'Team 1'",
        "roster.csv:3: dora@example.org: group 'team-9' is not in groups (none are listed)",
    ]


def test_every_bad_roster_line_is_reported_at_once(tmp_path: Path) -> None:
    roster = HEADER + "x,Carl,Lib,\ncarl@example.org,Carl\ny,Dora,Lib,\n"
    assert [p.line for p in write_set(tmp_path, roster).problems] == [2, 3, 4]


def test_a_roster_may_hold_everyone(tmp_path: Path) -> None:
    roster = HEADER + "".join(f"p{i}@example.org,P {i},Lib,\n" for i in range(300))
    bundle = write_set(tmp_path, roster, inline=[])
    assert bundle.ok, bundle.problems
    assert len(bundle.cohorts[0].participants) == 300


def test_a_name_too_long_in_the_roster_is_reported_on_its_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "roster.csv").write_text("email,name\nok@example.org,Ok\nlong@example.org," +
                                         "N" * 201 + "\n")
    (tmp_path / "program.yaml").write_text(PROGRAM)
    (tmp_path / "cohort.yaml").write_text(cohort_yaml() + "participants_csv: roster.csv\n")
    problems = [str(p) for p in validate_paths([tmp_path]).problems]
    assert problems == [f"{tmp_path / 'roster.csv'}:3: name: too long: at most 200 characters"]
