"""Which file `participants_csv` may name: a regular file in the cohort file's folder or below
it, of a sensible size. Anything else is refused at the cohort line, without reading it, and
no message shows more of a file than it must."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest

from app import limits
from app.sync.validate import Bundle, validate_paths
from tests.fixtures.builders import PROGRAM, cohort_yaml
from tests.fixtures.files import files_opened

ROSTER = "email,name\ncarl@example.org,Carl\n"
AT = "cohort.yaml:14:19: participants_csv: "  # where the cohort names its roster
INSIDE = (
    "expected a file in this cohort's folder or a folder below it, like roster.csv or "
    "rosters/spring.csv; got "
)


def validate_set(folder: Path, roster_name: str) -> Bundle:
    """A programme and a cohort naming `roster_name`, in `folder`; validated from disk."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "program.yaml").write_text(PROGRAM)
    cohort = cohort_yaml(starts=date(2027, 1, 11)) + f"participants_csv: '{roster_name}'\n"
    (folder / "cohort.yaml").write_text(cohort)
    return validate_paths([folder])


def messages(bundle: Bundle, folder: Path) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in bundle.problems]


def test_a_roster_in_a_subfolder_is_read(tmp_path: Path) -> None:
    (tmp_path / "rosters").mkdir()
    (tmp_path / "rosters" / "spring.csv").write_text(ROSTER)
    bundle = validate_set(tmp_path, "rosters/spring.csv")
    assert bundle.ok, bundle.problems
    carl = bundle.cohorts[0].participants[-1]
    assert (carl.email, carl.position.file) == ("carl@example.org", f"{tmp_path}/rosters/spring.csv")


def test_a_link_to_a_roster_inside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "real.csv").write_text(ROSTER)
    (tmp_path / "roster.csv").symlink_to(tmp_path / "data" / "real.csv")
    bundle = validate_set(tmp_path, "roster.csv")
    assert bundle.ok, bundle.problems
    assert bundle.cohorts[0].participants[-1].email == "carl@example.org"


def test_an_absolute_path_is_refused_and_the_file_not_shown(tmp_path: Path) -> None:
    bundle = validate_set(tmp_path, "/etc/passwd")
    assert messages(bundle, tmp_path) == [f"{AT}{INSIDE}the absolute path '/etc/passwd'"]
    assert bundle.cohorts == []


def test_an_absolute_path_to_an_endless_device_is_refused_at_once(tmp_path: Path) -> None:
    assert messages(validate_set(tmp_path, "/dev/zero"), tmp_path) == [
        f"{AT}{INSIDE}the absolute path '/dev/zero'"
    ]


def test_a_path_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text(ROSTER)
    folder = tmp_path / "cohorts"
    for name in ("../secret.csv", "sub/../../secret.csv"):
        assert messages(validate_set(folder, name), folder) == [
            f"{AT}{INSIDE}'{name}', which uses '..'"
        ]


def test_a_link_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("email,name\nroot@example.org,Secret Person\n")
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "roster.csv").symlink_to(tmp_path / "secret.csv")
    bundle = validate_set(folder, "roster.csv")
    assert messages(bundle, folder) == [
        f"{AT}roster.csv leads to a file outside this cohort's folder; copy the file into it"
    ]
    assert "Secret" not in str(bundle.problems)


def test_a_folder_is_not_a_roster(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").mkdir()
    assert messages(validate_set(tmp_path, "roster.csv"), tmp_path) == [
        f"{AT}cannot read roster.csv: it is not a regular file"
    ]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    found: list[Bundle] = []
    worker = threading.Thread(target=lambda: found.append(validate_set(tmp_path, "roster.csv")),
                              daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # stuck opening the FIFO: open its other end so the thread can finish
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=10)
        raise AssertionError("validation waited on a FIFO")
    assert messages(found[0], tmp_path) == [
        f"{AT}cannot read roster.csv: it is not a regular file"
    ]


def test_a_roster_larger_than_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with (tmp_path / "roster.csv").open("wb") as file:
        file.truncate(limits.ROSTER_CSV_BYTES + 1)  # sparse: nothing is written
    with files_opened(monkeypatch) as opened:
        bundle = validate_set(tmp_path, "roster.csv")
    assert tmp_path.resolve() / "roster.csv" not in [p.resolve() for p in opened]
    assert tmp_path.resolve() / "cohort.yaml" in [p.resolve() for p in opened]  # it does watch
    assert messages(bundle, tmp_path) == [
        f"{AT}roster.csv is too large: at most 5 MB; this file is 5.1 MB"
    ]


def test_a_bad_header_shows_a_few_short_names_not_the_line(tmp_path: Path) -> None:
    header = ",".join(["secret-" + "x" * 100, *(f"col{i}" for i in range(1000))])
    (tmp_path / "roster.csv").write_text(header + "\ncarl@example.org\n")
    [problem] = messages(validate_set(tmp_path, "roster.csv"), tmp_path)
    assert problem == (
        "roster.csv:1: expected the header email,name,organization,group (email required); got "
        f"{'secret-' + 'x' * 30}...,col0,col1,col2,col3,... (1,001 columns)"
    )


def test_a_long_bad_email_is_shown_shortened(tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_text("email,name\n" + "y" * 5000 + ",Y\n")
    assert messages(validate_set(tmp_path, "roster.csv"), tmp_path) == [
        "roster.csv:2: email: expected an e-mail address like name@example.org; "
        f"got '{'y' * 57}...'"
    ]
