"""The `ting` command (DESIGN.md §4), run for real as a console script in a subprocess."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import backups
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.progress import service as progress_service
from app.sync.schema import schema_files
from tests.badges.test_earning import WITH_BADGES
from tests.fixtures.builders import ANNA, ENOUGH_WORDS, PROGRAM, cohort_yaml, member, today_in
from tests.fixtures.database import throwaway_database

ROOT = Path(__file__).resolve().parent.parent
TING = ROOT / ".venv" / "bin" / "ting"
PROGRAMS = ROOT / "programs"
SECRET = "cli-test-secret-" + "k" * 40
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


@dataclass
class Ting:
    """Runs `ting` against its own SQLite file, from an empty folder (so no .env is read)."""

    folder: Path
    database: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"

    def env(self, **overrides: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TING_")}
        env.update({"TING_DATABASE_URL": self.url, "TING_SECRET_KEY": SECRET})
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def __call__(self, *args: str | Path, **env: str | None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TING), *map(str, args)],
            cwd=self.folder,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def count(self, table: str) -> int:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def ting(tmp_path: Path) -> Ting:
    folder = tmp_path / "work"
    folder.mkdir()
    return Ting(folder=folder, database=tmp_path / "ting.db")


@pytest.fixture
def yaml_set(tmp_path: Path) -> Path:
    """The test programme and a cohort, as a trainer keeps them in a folder."""
    folder = tmp_path / "yaml"
    folder.mkdir()
    (folder / "program.yaml").write_text(PROGRAM)
    (folder / "cohort.yaml").write_text(cohort_yaml(starts=date(2027, 1, 11)))
    return folder


# -- validate ------------------------------------------------------------------------------


def test_validate_accepts_the_shipped_example_programmes(ting: Ting) -> None:
    result = ting("validate", PROGRAMS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("All valid: 3 programme(s), 3 cohort(s).")
    assert result.stderr == ""
    assert not ting.database.exists(), "validating writes nothing, not even an empty database"


def test_validate_reports_each_problem_as_file_line_col_message_and_exits_1(
    ting: Ting,
    yaml_set: Path,
) -> None:
    program = yaml_set / "program.yaml"
    program.write_text(
        PROGRAM.replace(
            "    kind: must\n    theme: basics\n    due: week 1",
            "    kind: mandatory\n    theme: basics\n    due: week 1",
        ).replace("language: en", "langauge: en")
    )
    result = ting("validate", yaml_set)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    where = [LOCATED.match(line) for line in lines[:-1]]
    assert all(where), lines
    keys = [(m["file"], int(m["line"]), int(m["col"])) for m in where if m]
    assert keys == sorted(keys)  # by file, then line and column
    about_program = [line for line in lines if line.startswith(f"{program}:")]
    assert about_program[0].startswith(
        f"{program}:4:1: unknown key 'langauge' (did you mean 'language'?); expected one of "
    )
    assert about_program[1] == (
        f"{program}:12:11: things[0].kind: expected one of must, can, optional; got 'mandatory'"
    )
    # the cohort that runs the broken programme cannot be checked against it
    assert (
        f"{yaml_set / 'cohort.yaml'}:3:10: program: programme 'testprog' has problems (above); "
        "this cohort is checked against it once they are fixed" in lines
    )
    assert lines[-1] == "3 problem(s) in 2 file(s); nothing was imported."


def test_validate_reports_a_yaml_syntax_error_with_its_line(ting: Ting, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: program\nid: x\n  bad: [\n")
    result = ting("validate", broken)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{broken}:3:6: could not read YAML: mapping values are not allowed in this context"
    )


def test_validate_reports_a_missing_path(ting: Ting, tmp_path: Path) -> None:
    result = ting("validate", tmp_path / "nowhere")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nowhere'}: no such file or folder"


def test_validate_checks_a_cohort_against_a_programme_in_the_database(
    ting: Ting,
    yaml_set: Path,
) -> None:
    cohort = yaml_set / "cohort.yaml"
    alone = ting("validate", cohort)
    assert alone.returncode == 1
    assert alone.stderr.splitlines()[0] == (
        f"{cohort}:3:10: program: no programme 'testprog' in these files or in the database"
    )
    assert ting("import", yaml_set / "program.yaml").returncode == 0
    result = ting("validate", cohort)
    assert result.returncode == 0, result.stderr
    assert "All valid: 0 programme(s), 1 cohort(s)." in result.stdout


# -- import --------------------------------------------------------------------------------


def test_import_dry_run_prints_the_changes_and_writes_nothing(ting: Ting, yaml_set: Path) -> None:
    dry = ting("import", yaml_set, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.strip().splitlines()
    assert "add programme testprog: 6 Things" in lines
    assert "add cohort testcohort: programme testprog" in lines
    assert lines[-1] == "Dry run: 18 change(s) shown, nothing was written."
    for table in ("programs", "things", "cohorts", "users", "memberships"):
        assert ting.count(table) == 0, table

    again = ting("import", yaml_set, "--dry-run")
    assert again.stdout == dry.stdout
    real = ting("import", yaml_set)
    assert real.returncode == 0, real.stderr
    assert real.stdout.strip().splitlines()[:-1] == lines[:-1]
    assert real.stdout.strip().splitlines()[-1] == "Imported: 18 change(s)."
    assert (ting.count("programs"), ting.count("things"), ting.count("memberships")) == (1, 6, 4)


def test_importing_twice_reports_no_changes_the_second_time(ting: Ting) -> None:
    first = ting("import", PROGRAMS)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("Imported: ")
    second = ting("import", PROGRAMS)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "No changes: the database already matches these files."
    assert ting.count("programs") == 3


def test_import_of_a_set_with_one_bad_file_imports_nothing(ting: Ting, yaml_set: Path) -> None:
    cohort = yaml_set / "cohort.yaml"
    cohort.write_text(cohort.read_text().replace("bram@example.org", "bram@example"))
    result = ting("import", yaml_set)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{cohort}:13:13: participants[1].email: expected an e-mail address like "
        "name@example.org; got 'bram@example'"
    )
    assert result.stderr.strip().endswith("nothing was imported.")
    assert ting.count("programs") == 0 and ting.count("users") == 0


# -- token create --------------------------------------------------------------------------


def test_token_create_prints_a_token_that_works_for_the_api(ting: Ting, yaml_set: Path) -> None:
    assert ting("import", yaml_set).returncode == 0
    result = ting("token", "create", "Anna@Example.org", "--name", "scripts")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token and len(token.split()) == 1
    assert "anna@example.org" in result.stderr and "shown only now" in result.stderr

    settings = Settings(
        database_url=ting.url,
        secret_key=SECRET,  # type: ignore[call-arg]
        base_url="http://testserver",
        _env_file=None,
    )
    with TestClient(create_app(settings)) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["email"] == "anna@example.org"
        wrong = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"})
        assert wrong.status_code == 401
        client.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_token_create_for_an_unknown_email_fails_with_a_clear_message(
    ting: Ting, yaml_set: Path
) -> None:
    assert ting("import", yaml_set).returncode == 0
    result = ting("token", "create", "nobody@example.org")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "No one with the e-mail address nobody@example.org is in Ting yet" in result.stderr
    assert ting.count("api_tokens") == 0


# -- db upgrade and backup -----------------------------------------------------------------


def test_db_upgrade_creates_the_schema_and_can_run_again(ting: Ting) -> None:
    first = ting("db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"Database schema is at revision \S+\.\n", first.stdout)
    assert ting.count("programs") == 0  # the tables exist
    second = ting("db", "upgrade")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout


def test_backup_makes_a_copy_that_opens_and_holds_the_programmes(
    ting: Ting,
    yaml_set: Path,
    tmp_path: Path,
) -> None:
    assert ting("import", yaml_set).returncode == 0
    copy = tmp_path / "backups" / "ting-copy.db"
    result = ting("backup", copy)
    assert result.returncode == 0, result.stderr
    assert str(copy) in result.stdout
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT key FROM programs").fetchall() == [("testprog",)]
        assert connection.execute("SELECT count(*) FROM things").fetchone() == (6,)


def test_backup_refuses_to_overwrite_without_force(
    ting: Ting, yaml_set: Path, tmp_path: Path
) -> None:
    assert ting("import", yaml_set).returncode == 0
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"something precious")
    refused = ting("backup", copy)
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"{copy} exists already; choose another name or add --force."
    assert copy.read_bytes() == b"something precious"
    forced = ting("backup", copy, "--force")
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT key FROM programs").fetchall() == [("testprog",)]


def test_backup_without_a_database_says_so(ting: Ting, tmp_path: Path) -> None:
    result = ting("backup", tmp_path / "copy.db")
    assert result.returncode == 1
    assert result.stderr.strip() == f"There is no database file to back up at {ting.database}."
    assert not (tmp_path / "copy.db").exists()


def test_backup_on_postgresql_points_at_pg_dump_without_showing_the_password(
    ting: Ting,
    tmp_path: Path,
) -> None:
    result = ting(
        "backup",
        tmp_path / "ting.dump",
        TING_DATABASE_URL="postgresql://ting:hunter2@db.example.org:5432/ting",
    )
    assert result.returncode == 1
    assert "back it up with pg_dump" in result.stderr
    assert f"pg_dump --format=custom --file {tmp_path / 'ting.dump'}" in result.stderr
    assert "hunter2" not in result.stderr


def test_backup_then_restore_gives_back_every_row_as_it_was(
    ting: Ting, yaml_set: Path, tmp_path: Path
) -> None:
    assert ting("import", yaml_set).returncode == 0
    assert ting("keys", "rotate").returncode == 0  # rows of another domain, text and numbers
    before = backups.inventory(ting.database)
    copy = tmp_path / "nightly.db"
    made = ting("backup", copy)
    assert made.returncode == 0, made.stderr
    assert f"{before.rows} rows in {len(before.tables)} tables" in made.stdout
    assert "integrity check passed" in made.stdout

    (yaml_set / "program.yaml").write_text(PROGRAM.replace("title: Test programme",
                                                           "title: Changed since"))
    assert ting("import", yaml_set).returncode == 0
    assert backups.inventory(ting.database) != before

    refused = ting("restore", copy)
    assert refused.returncode == 1
    assert "holds a database already" in refused.stderr and "--force" in refused.stderr
    restored = ting("restore", copy, "--force")
    assert restored.returncode == 0, restored.stderr
    after = backups.inventory(ting.database)
    assert after == before  # every table: the same rows, the same checksum
    assert ting("import", "--dry-run", yaml_set).stdout.startswith("update programme testprog")


def test_restore_refuses_what_is_not_a_sound_ting_database(ting: Ting, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text)")
    for file, message in ((garbage, "is not an SQLite database"),
                          (other, "not one of Ting's"),
                          (tmp_path / "missing.db", "There is no backup at")):
        result = ting("restore", file)
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert not ting.database.exists()  # nothing was put in place
    pg = ting("restore", other, TING_DATABASE_URL="postgresql://ting:hunter2@db.example.org/ting")
    assert "pg_restore --clean --if-exists" in pg.stderr and "hunter2" not in pg.stderr


def test_export_writes_an_archive_and_forget_asks_first(
    ting: Ting, yaml_set: Path, tmp_path: Path
) -> None:
    assert ting("import", yaml_set).returncode == 0
    out = tmp_path / "testcohort.json"
    exported = ting("export", "testcohort", "--out", out)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(f"Wrote {out}: ") and "memberships" in exported.stdout
    archive = json.loads(out.read_text())
    assert archive["scope"] == {"cohort": "testcohort"} and archive["tables"]["memberships"]
    person = ting("export", "--person", "anna@example.org")
    assert json.loads(person.stdout)["account"]["email"] == "anna@example.org"
    neither = ting("export")
    assert neither.returncode == 1 and "Name a cohort, or give --person" in neither.stderr
    unknown = ting("export", "nonesuch")
    assert unknown.returncode == 1 and "No cohort 'nonesuch' in Ting." in unknown.stderr

    elsewhere = f"sqlite:///{tmp_path / 'elsewhere.db'}"  # another server
    early = ting("import-archive", out, TING_DATABASE_URL=elsewhere)
    assert early.returncode == 1
    assert early.stderr.strip() == ("There is no programme 'testprog' here: import its YAML "
                                    "first. Nothing was imported.")
    assert ting("import", yaml_set / "program.yaml", TING_DATABASE_URL=elsewhere).returncode == 0
    moved = ting("import-archive", out, TING_DATABASE_URL=elsewhere)
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.startswith("Imported cohort testcohort: 1 cohorts, ")
    with sqlite3.connect(tmp_path / "elsewhere.db") as connection:
        assert connection.execute("SELECT count(*) FROM memberships").fetchone() == (
            len(archive["tables"]["memberships"]),)

    unasked = ting("forget", "anna@example.org")  # no one to answer the question: nothing done
    assert unasked.returncode == 1
    with sqlite3.connect(ting.database) as connection:
        assert connection.execute("SELECT count(*) FROM users WHERE email = ?",
                                  ("anna@example.org",)).fetchone() == (1,)
    forgotten = ting("forget", "anna@example.org", "--yes")
    assert forgotten.returncode == 0, forgotten.stderr
    assert forgotten.stdout.startswith("Forgotten: anna@example.org is now a former participant")
    with sqlite3.connect(ting.database) as connection:
        assert connection.execute("SELECT count(*) FROM users WHERE email = ?",
                                  ("anna@example.org",)).fetchone() == (0,)


# -- serve ---------------------------------------------------------------------------------


def test_serve_without_a_secret_key_refuses_and_says_how_to_make_one(ting: Ting) -> None:
    result = ting("serve", "--port", "1", TING_SECRET_KEY=None)
    assert result.returncode == 1
    assert "TING_SECRET_KEY is not set" in result.stderr
    assert "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'" in result.stderr
    assert not ting.database.exists(), "it refuses before touching the database"


def test_serve_with_a_short_secret_key_refuses(ting: Ting) -> None:
    result = ting("serve", "--port", "1", TING_SECRET_KEY="short")
    assert result.returncode == 1
    assert "TING_SECRET_KEY is too short" in result.stderr


def test_demo_mode_refuses_a_database_with_real_cohorts(ting: Ting, yaml_set: Path) -> None:
    assert ting("import", yaml_set).returncode == 0  # a cohort that is not demo data
    result = ting("serve", "--demo", "--port", "1")
    assert result.returncode == 1
    assert "not demo data (testcohort)" in result.stderr
    assert "lets anyone sign in as anyone" in result.stderr


# -- admin create ---------------------------------------------------------------------------

def test_admin_create_makes_a_site_admin_who_sees_every_cohort(ting: Ting, yaml_set: Path) -> None:
    assert ting("import", yaml_set).returncode == 0
    result = ting("admin", "create", "IT@Library.example", "--name", "Ingrid Tech")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "it@library.example is now a site admin (added to Ting)."
    again = ting("admin", "create", "it@library.example")
    assert again.stdout.strip() == "it@library.example is now a site admin."
    token = ting("token", "create", "it@library.example").stdout.strip()
    settings = Settings(database_url=ting.url, secret_key=SECRET,  # type: ignore[call-arg]
                        base_url="http://testserver", _env_file=None)
    with TestClient(create_app(settings)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        me = client.get("/api/v1/me", headers=headers).json()
        assert me == {"email": "it@library.example", "name": "Ingrid Tech", "roles": [],
                      "admin": True}
        assert client.get("/api/v1/cohorts", headers=headers).json() != []


def test_admin_create_refuses_what_is_not_an_email_address(ting: Ting, yaml_set: Path) -> None:
    result = ting("admin", "create", "not an address")
    assert result.returncode == 1
    assert "'not an address' is not an e-mail address." in result.stderr


def test_admin_grant_author_and_revoke_author(ting: Ting, yaml_set: Path) -> None:
    assert ting("import", yaml_set).returncode == 0
    result = ting("admin", "grant-author", "Trainer@Example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "trainer@example.org may now publish programmes and cohorts."
    added = ting("admin", "grant-author", "new@library.example", "--name", "Nina Nieuw")
    assert added.stdout.strip().endswith("(added to Ting).")

    def authors() -> list[tuple[str, str]]:
        with sqlite3.connect(ting.database) as connection:
            return connection.execute("SELECT email, name FROM users WHERE is_author "
                                      "ORDER BY email").fetchall()

    assert [email for email, _name in authors()] == ["new@library.example", "trainer@example.org"]
    assert authors()[0] == ("new@library.example", "Nina Nieuw")
    assert ting("admin", "revoke-author", "new@library.example").returncode == 0
    assert [email for email, _name in authors()] == ["trainer@example.org"]
    again = ting("admin", "revoke-author", "new@library.example")
    assert again.returncode == 1
    assert "new@library.example is not a programme author." in again.stderr
    assert "is not an e-mail address" in ting("admin", "grant-author", "nobody").stderr


def test_schema_writes_the_editor_schemas(ting: Ting) -> None:
    result = ting("schema", "--out", "schemas")
    assert result.returncode == 0, result.stderr
    written = {path.name: path.read_text() for path in (ting.folder / "schemas").iterdir()}
    assert written == schema_files()


def test_new_writes_skeletons_that_validate_and_never_overwrites_unasked(ting: Ting) -> None:
    made = ting("new", "programme", "my-programme", "--server", "https://ting.example.org")
    assert made.returncode == 0, made.stderr
    assert ting("new", "cohort", "spring", "--program", "my-programme").returncode == 0
    programme = ting.folder / "my-programme.yaml"
    assert "$schema=https://ting.example.org/schema/program.json" in programme.read_text()
    assert ting("validate", programme, ting.folder / "spring.yaml").returncode == 0

    programme.write_text("my own work")
    again = ting("new", "programme", "my-programme")
    assert again.returncode == 1
    assert "my-programme.yaml exists already" in again.stderr
    assert programme.read_text() == "my own work"
    assert ting("new", "programme", "my-programme", "--force").returncode == 0
    assert programme.read_text().startswith("# yaml-language-server")
    refused = ting("new", "cohort", "Spring Cohort", "--program", "my-programme")
    assert refused.returncode == 1 and "'Spring Cohort' is not an id" in refused.stderr


# -- invite ---------------------------------------------------------------------------------

def test_invite_prints_a_working_link_per_person_and_queues_the_mail(
    ting: Ting, yaml_set: Path
) -> None:
    assert ting("import", yaml_set).returncode == 0
    result = ting("invite", "Anna@Example.org", TING_BASE_URL="http://testserver")
    assert result.returncode == 0, result.stderr
    email, link = result.stdout.strip().split("\t")
    assert email == "anna@example.org"
    assert link.startswith("http://testserver/password/set/")
    assert "works once, for 7 days" in result.stderr
    assert ting.count("outbox_mails") == 1
    settings = Settings(database_url=ting.url, secret_key=SECRET,  # type: ignore[call-arg]
                        base_url="http://testserver", mail_sender=False, _env_file=None)
    with TestClient(create_app(settings)) as client:
        assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_invite_refuses_someone_on_no_roster_and_invites_nobody(ting: Ting, yaml_set: Path) -> None:
    assert ting("import", yaml_set).returncode == 0
    result = ting("invite", "anna@example.org", "nobody@example.org")
    assert result.returncode == 1
    assert "nobody@example.org is not on any cohort's list" in result.stderr
    assert ting.count("outbox_mails") == 0


# -- remind ---------------------------------------------------------------------------------

def test_remind_mails_who_is_behind_once_a_day_and_a_dry_run_sends_nothing(
    ting: Ting, tmp_path: Path
) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "program.yaml").write_text(PROGRAM)
    (tmp_path / "set" / "cohort.yaml").write_text(
        cohort_yaml(starts=today_in("Europe/Amsterdam") - timedelta(weeks=3)))
    assert ting("import", tmp_path / "set").returncode == 0, "import"
    dry = ting("remind", "testcohort", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "anna@example.org\twould remind\t2 overdue" in dry.stdout
    assert ting.count("outbox_mails") == 0
    real = ting("remind", "testcohort")
    assert "anna@example.org\treminded\t" in real.stdout
    assert ting.count("outbox_mails") == 2
    again = ting("remind", "testcohort")
    assert "reminded today already" in again.stdout
    assert ting.count("outbox_mails") == 2
    unknown = ting("remind", "nonesuch")
    assert unknown.returncode == 1 and "No cohort 'nonesuch' in Ting." in unknown.stderr


def test_keys_rotate_adds_a_key_and_keeps_the_old_ones(ting: Ting, yaml_set: Path) -> None:
    assert ting("import", yaml_set).returncode == 0
    first = ting("keys", "rotate")
    assert first.returncode == 0, first.stderr
    assert "2 key(s) published" in first.stdout and "in the database" in first.stdout
    second = ting("keys", "rotate")
    assert "4 key(s) published" in second.stdout
    with sqlite3.connect(ting.database) as connection:
        stored = connection.execute("SELECT public_id FROM issuer_keys ORDER BY id").fetchall()
    named = [first.stdout.split()[3], first.stdout.split()[7], second.stdout.split()[3],
             second.stdout.split()[7]]
    assert [row[0] for row in stored] == named


def test_an_import_awards_badges_people_already_meet_and_says_how_many(
    ting: Ting, yaml_set: Path
) -> None:
    assert ting("import", yaml_set).returncode == 0
    engine = make_engine(ting.url)
    with Session(engine) as session:
        anna = member(session, ANNA)
        progress_service.complete_thing(session, member=anna, key="intro")
        progress_service.submit(session, member=anna, key="reflect", reflection=ENOUGH_WORDS,
                                evidence_url=None)
        session.commit()
    (yaml_set / "program.yaml").write_text(WITH_BADGES)
    result = ting("import", yaml_set)
    assert result.returncode == 0, result.stderr
    assert "add badge testprog/basics: The basics" in result.stdout
    assert "1 badge(s) awarded to participants who already meet their rules." in result.stdout
    assert ting.count("awards") == 1
    again = ting("import", yaml_set)
    assert again.stdout.strip() == "No changes: the database already matches these files."
    engine.dispose()


def test_two_commands_started_together_on_a_new_sqlite_file_migrate_it_once(
    ting: Ting, yaml_set: Path
) -> None:
    runs = [subprocess.Popen([str(TING), "import", "--dry-run", str(yaml_set)], cwd=ting.folder,
                             env=ting.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], results
    assert all(out.strip().splitlines()[-1].startswith("Dry run:") for out, _ in results)


def test_an_out_of_date_postgresql_schema_is_refused_until_ting_db_upgrade(
    ting: Ting, yaml_set: Path, tmp_path: Path
) -> None:
    with throwaway_database("ting_old_schema", tmp_path) as url:
        first = ting("import", yaml_set, TING_DATABASE_URL=url)
        if url.startswith("sqlite"):
            assert first.returncode == 0, first.stderr  # SQLite is migrated as it is opened
            return
        refused = first
        assert refused.returncode == 1
        assert refused.stderr.strip() == "The database schema is not up to date. Run: ting db upgrade"
        upgraded = ting("db", "upgrade", TING_DATABASE_URL=url)
        assert upgraded.returncode == 0, upgraded.stderr
        assert ting("import", yaml_set, TING_DATABASE_URL=url).returncode == 0
