"""The dashboard through the API: JSON as DESIGN.md §6 says, and CSV for spreadsheets."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.dashboards.export import cell
from tests.fixtures.builders import ANNA, MANAGER, PROGRAM, STRANGER, TRAINER, cohort_yaml, load, user
from tests.fixtures.people import sign_in, token_for


def test_the_dashboard_as_json(client: TestClient, db: Session, progress_made: None) -> None:
    response = client.get("/api/v1/cohorts/testcohort/dashboard", headers=token_for(db, MANAGER))
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("participants", "started", "completed", "overdue")} == {
        "participants": 3, "started": 2, "completed": 1, "overdue": 2}
    assert body["completion_rate"] == 1 / 3 and body["benchmark"] == 0.7
    assert body["by_organization"][0] == {"organization": "Lib", "participants": 2, "started": 2,
                                          "completed": 1, "badges": 0}  # the programme has none
    assert body["by_thing"][0] == {"key": "intro", "kind": "must", "done": 1}


def test_participants_get_403_and_strangers_404(client: TestClient, db: Session,
                                                progress_made: None) -> None:
    load(db, PROGRAM, cohort_yaml(key="other", participants=[STRANGER]))
    refused = client.get("/api/v1/cohorts/testcohort/dashboard", headers=token_for(db, ANNA))
    assert refused.status_code == 403
    assert "Only this cohort's trainers and managers" in refused.json()["detail"]
    hidden = client.get("/api/v1/cohorts/testcohort/dashboard", headers=token_for(db, STRANGER))
    assert hidden.status_code == 404


def rows_of(response_text: str) -> list[list[str]]:
    assert response_text.startswith("\ufeff")  # Excel reads UTF-8 with a byte-order mark
    return list(csv.reader(io.StringIO(response_text[1:])))


def test_the_csv_export_has_one_row_per_participant(
    client: TestClient, db: Session, progress_made: None
) -> None:
    for response in (
        client.get("/api/v1/cohorts/testcohort/dashboard.csv", headers=token_for(db, TRAINER)),
        client.get("/api/v1/cohorts/testcohort/dashboard",
                   headers={**token_for(db, TRAINER), "Accept": "text/csv"}),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        header, *rows = rows_of(response.content.decode("utf-8"))
        assert header[:8] == ["email", "name", "organisation", "group", "must-do done",
                              "can-do done", "completed", "last activity"]
        assert header[8:] == ["intro", "reflect", "screencast", "plan", "later", "extra"]
        by_email = {row[0]: row for row in rows}
        assert set(by_email) == {ANNA, "bram@example.org", "carol@example.org"}
        assert by_email[ANNA][4:7] == ["2", "1", "yes"]
        assert by_email["bram@example.org"][8:12] == ["overdue", "overdue", "open", "waiting"]
        assert by_email["carol@example.org"][7] == ""  # no activity yet


def test_csv_cells_cannot_become_formulas_and_names_keep_their_letters(
    client: TestClient, db: Session, progress_made: None
) -> None:
    anna = user(db, ANNA)
    anna.name = "=HYPERLINK(\"http://evil.example\")"
    db.add(anna)
    carol = user(db, "carol@example.org")
    carol.name = "Søren Äijälä"
    db.add(carol)
    db.commit()
    response = client.get("/api/v1/cohorts/testcohort/dashboard.csv", headers=token_for(db, TRAINER))
    names = {row[0]: row[1] for row in rows_of(response.content.decode("utf-8"))[1:]}
    assert names[ANNA] == "'=HYPERLINK(\"http://evil.example\")"
    assert names["carol@example.org"] == "Søren Äijälä"
    assert [cell(v) for v in ("+1", "-1", "@x", "plain")] == ["'+1", "'-1", "'@x", "plain"]


def test_the_dashboard_page_shows_figures_charts_and_tables(
    client: TestClient, db: Session, progress_made: None
) -> None:
    sign_in(client, MANAGER)
    html = client.get("/c/testcohort/dashboard").text
    assert "Completion rate" in html and "33%" in html
    assert "37 points below the benchmark of 70%" in html
    assert html.count('<svg class="chart') == 2 and "<title>Introduce yourself: 1</title>" in html
    assert '<th scope="row">Town</th><td>1</td><td>0</td><td>0</td>' in html
    assert 'href="/api/v1/cohorts/testcohort/dashboard.csv"' in html
    assert "I learned a lot today" not in html  # managers never read reflections


def test_every_cohort_i_oversee_through_the_api(client: TestClient, db: Session,
                                                progress_made: None) -> None:
    load(db, cohort_yaml(key="second", participants=[ANNA, "dora@example.org"]))
    body = client.get("/api/v1/dashboards", headers=token_for(db, TRAINER)).json()
    assert sorted(c["cohort"] for c in body["cohorts"]) == ["second", "testcohort"]
    assert (body["participants"], body["started"], body["completed"]) == (5, 2, 1)
    assert body["completion_rate"] == 0.2
    assert {o["organization"]: o["participants"] for o in body["by_organization"]} == {"Lib": 4, "Town": 1}
    mine = client.get("/api/v1/dashboards", headers=token_for(db, ANNA)).json()
    assert mine["cohorts"] == [] and mine["participants"] == 0
