"""POST /api/v1/publications: the same lines as `ting validate` for broken files, the diff of a
dry run, and exactly that diff published (or 409)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import service as auth_service
from app.programs.models import Program
from app.publishing.models import Revision
from tests.fixtures.builders import ANNA, PROGRAM, TRAINER, cohort_yaml, load
from tests.fixtures.people import token_for

TING = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "ting"
AUTHOR = "author@example.org"
BROKEN = (PROGRAM.replace("kind: must", "kind: mustt", 1).replace("minutes: 20", "minutes: -5", 1)
          .replace("title: Test programme", "titel: Test programme"))


def author_headers(db: Session) -> dict[str, str]:
    auth_service.grant_author(db, email=AUTHOR)
    db.commit()
    return token_for(db, AUTHOR)


def files(**texts: str) -> list[dict[str, str]]:
    return [{"name": name.replace("__", "/").replace("_yaml", ".yaml").replace("_csv", ".csv"),
             "text": text} for name, text in texts.items()]


def test_broken_files_come_back_with_the_lines_ting_validate_prints(
    client: TestClient, db: Session, tmp_path: Path
) -> None:
    headers = author_headers(db)
    response = client.post("/api/v1/publications", headers=headers,
                           json={"files": files(testprog_yaml=BROKEN)})
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].endswith("problems: nothing was published.")
    (tmp_path / "testprog.yaml").write_text(BROKEN)
    validated = subprocess.run([str(TING), "validate", "testprog.yaml"], cwd=tmp_path,
                               capture_output=True, text=True, timeout=60,
                               env={"PATH": "/usr/bin:/bin", "TING_DATABASE_URL": "sqlite://"})
    assert validated.returncode == 1
    *lines, summary = validated.stderr.strip().splitlines()
    assert summary == "3 problem(s) in 1 file(s); nothing was imported."
    assert [p["text"] for p in body["problems"]] == lines
    assert all(p["line"] > 0 and p["col"] > 0 for p in body["problems"])
    assert db.exec(select(Program)).all() == []


def test_a_dry_run_shows_the_diff_and_its_fingerprint_publishes_exactly_it(
    client: TestClient, db: Session
) -> None:
    headers = author_headers(db)
    dry = client.post("/api/v1/publications", headers=headers,
                      json={"files": files(testprog_yaml=PROGRAM), "dry_run": True})
    assert dry.status_code == 200
    assert dry.json()["published"] is False and "add programme testprog: 6 Things" in dry.json()["changes"]
    (part,) = dry.json()["summary"]  # the same in a trainer's words
    assert (part["kind"], part["key"], part["title"]) == ("programme", "testprog", "Test programme")
    assert [(i["topic"], i["count"]) for i in part["items"]] == [("program_added", 6)]
    assert db.exec(select(Program)).all() == []

    load(db, PROGRAM.replace("Test programme", "Older title"))  # meanwhile
    stale = client.post("/api/v1/publications", headers=headers, json={
        "files": files(testprog_yaml=PROGRAM), "fingerprint": dry.json()["fingerprint"]})
    assert stale.status_code == 409
    assert stale.json()["changes"] == ["update programme testprog: title"]
    assert [(i["topic"], i["subject"]) for i in stale.json()["summary"][0]["items"]] == [
        ("settings_changed", "title")]

    published = client.post("/api/v1/publications", headers=headers, json={
        "files": files(testprog_yaml=PROGRAM), "fingerprint": stale.json()["fingerprint"]})
    assert published.status_code == 201
    assert published.json()["revision"] == db.exec(select(Revision)).one().id
    db.expire_all()
    assert db.exec(select(Program)).one().title == "Test programme"
    again = client.post("/api/v1/publications", headers=headers, json={"files": files(testprog_yaml=PROGRAM)})
    assert again.status_code == 200 and again.json()["changes"] == []


def test_a_cohort_in_a_folder_with_its_roster_beside_it(client: TestClient, db: Session) -> None:
    headers = author_headers(db)
    cohort = cohort_yaml(participants=[]).replace("participants:\n", "participants_csv: roster.csv\n")
    response = client.post("/api/v1/publications", headers=headers, json={"files": files(
        testprog_yaml=PROGRAM, cohorts__spring_yaml=cohort,
        cohorts__roster_csv="email,name\nanna@example.org,Anna\nbram@,Bram\n")})
    assert response.status_code == 409
    assert any(p["text"].startswith("cohorts/roster.csv:3") for p in response.json()["problems"])


def test_who_may_publish(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    body = {"files": files(cohort_yaml=cohort_yaml().replace("Cohort testcohort", "Renamed"))}
    assert client.post("/api/v1/publications", json=body).status_code == 401
    assert client.post("/api/v1/publications", headers=token_for(db, ANNA), json=body).status_code == 403
    trainer = token_for(db, TRAINER)
    assert client.post("/api/v1/publications", headers=trainer, json=body).status_code == 201
    other = client.post("/api/v1/publications", headers=trainer,
                        json={"files": files(other_yaml=cohort_yaml(key="othercohort"))})
    assert other.status_code == 403
    assert "only the files of cohorts you train" in other.json()["problems"][0]["message"]


def test_files_uploaded_as_multipart_form_data_are_published_the_same(
    client: TestClient, db: Session
) -> None:
    headers = author_headers(db)
    broken = client.post("/api/v1/publications", headers=headers,
                         files=[("files", ("testprog.yaml", BROKEN.encode(), "text/yaml"))])
    assert broken.status_code == 409
    assert [p["line"] > 0 for p in broken.json()["problems"]] == [True, True, True]

    cohort = cohort_yaml(participants=[]).replace("participants:\n", "participants_csv: roster.csv\n")
    upload = [("files", ("testprog.yaml", PROGRAM.encode(), "text/yaml")),
              ("files", ("cohorts/spring.yaml", cohort.encode(), "text/yaml")),
              ("files", ("cohorts/roster.csv", b"email,name\nanna@example.org,Anna\n", "text/csv"))]
    dry = client.post("/api/v1/publications", headers=headers, files=upload,
                      data={"dry_run": "true"})
    assert dry.status_code == 200, dry.text
    assert "add participant anna@example.org in testcohort" in dry.json()["changes"]
    assert db.exec(select(Program)).all() == []
    published = client.post("/api/v1/publications", headers=headers, files=upload,
                            data={"fingerprint": dry.json()["fingerprint"]})
    assert published.status_code == 201, published.text
    db.expire_all()
    assert [p.key for p in db.exec(select(Program))] == ["testprog"]


def test_a_body_that_fits_neither_shape_is_a_422_that_says_what_is_missing(
    client: TestClient, db: Session
) -> None:
    headers = author_headers(db)
    empty_form = client.post("/api/v1/publications", headers=headers, data={"dry_run": "true"},
                             files=[("other", ("x.yaml", b"kind: program", "text/yaml"))])
    assert empty_form.status_code == 422
    assert "files" in empty_form.json()["detail"]
    not_json = client.post("/api/v1/publications", headers={**headers, "content-type": "application/json"},
                           content=b"{files")
    assert not_json.status_code == 422
    wrong_flag = client.post("/api/v1/publications", headers=headers, data={"dry_run": "maybe"},
                             files=[("files", ("x.yaml", b"kind: program", "text/yaml"))])
    assert wrong_flag.status_code == 422 and "dry_run" in wrong_flag.json()["detail"]
