"""Reflection posts through the JSON API: create, read back, sanitised, scoped to the cohort."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.fixtures.builders import ANNA, BRAM, STRANGER, load_standard, load_two_cohorts
from tests.fixtures.people import token_for


def test_post_is_created_with_201_and_read_back_with_the_documented_fields(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    created = client.post("/api/v1/cohorts/testcohort/posts", headers=headers,
                          json={"title": "My week", "body": "First line\n\nSecond para",
                                "thing": "intro"})
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    assert isinstance(post_id, int)

    response = client.get(f"/api/v1/posts/{post_id}", headers=token_for(db, BRAM))
    assert response.status_code == 200
    post = response.json()
    assert {"id", "title", "body", "html", "author", "thing", "created_at", "comments"} <= set(post)
    assert post["id"] == post_id
    assert post["title"] == "My week"
    assert post["body"] == "First line\n\nSecond para"
    assert post["thing"] == "intro"
    assert post["author"]["name"] == "Anna"
    assert post["comments"] == []
    assert "First line" in post["html"] and "Second para" in post["html"]
    assert datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))


def test_post_html_escapes_script_tags(client: TestClient, db: Session) -> None:
    load_standard(db)
    headers = token_for(db, ANNA)
    body = '<script>alert("x")</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))'
    created = client.post("/api/v1/cohorts/testcohort/posts", headers=headers,
                          json={"title": "<b>Bold</b>", "body": body})
    post = client.get(f"/api/v1/posts/{created.json()['id']}", headers=headers).json()
    assert post["body"] == body  # the source is kept as written
    html = post["html"]
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_a_stranger_gets_404_for_a_post(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    created = client.post("/api/v1/cohorts/testcohort/posts", headers=token_for(db, ANNA),
                          json={"title": "Secret", "body": "Only for the cohort"})
    post_id = created.json()["id"]
    response = client.get(f"/api/v1/posts/{post_id}", headers=token_for(db, STRANGER))
    assert response.status_code == 404
    assert "Only for the cohort" not in response.text
    assert "Secret" not in response.text
    missing = client.get(f"/api/v1/posts/{post_id + 1000}", headers=token_for(db, STRANGER))
    assert missing.status_code == 404


def test_a_post_without_credentials_is_401(client: TestClient, db: Session) -> None:
    load_standard(db)
    created = client.post("/api/v1/cohorts/testcohort/posts", headers=token_for(db, ANNA),
                          json={"title": "T", "body": "B"})
    assert client.get(f"/api/v1/posts/{created.json()['id']}").status_code == 401
    assert client.post("/api/v1/cohorts/testcohort/posts",
                       json={"title": "T", "body": "B"}).status_code == 401


def test_a_post_on_an_unknown_thing_is_404(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.post("/api/v1/cohorts/testcohort/posts", headers=token_for(db, ANNA),
                           json={"title": "T", "body": "B", "thing": "nope"})
    assert response.status_code == 404
    assert "This Thing is not in the programme" in response.json()["detail"]


def test_a_post_without_a_title_is_422_with_a_detail_string(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    response = client.post("/api/v1/cohorts/testcohort/posts", headers=token_for(db, ANNA),
                           json={"body": "B"})
    assert response.status_code == 422
    assert "title" in response.json()["detail"]


def test_a_post_id_too_large_for_the_database_is_a_clear_422_not_a_500(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    response = client.get("/api/v1/posts/99999999999999999999999",
                          headers=token_for(db, "anna@example.org"))
    assert response.status_code == 422
    assert "post_id" in response.json()["detail"]


def test_a_post_without_a_title_or_text_is_refused(client: TestClient, db: Session) -> None:
    load_standard(db)
    response = client.post("/api/v1/cohorts/testcohort/posts",
                           json={"title": "   ", "body": "  "},
                           headers=token_for(db, "anna@example.org"))
    assert response.status_code == 422
    assert response.json()["detail"] == ("title: needs some text, not only spaces; "
                                         "body: needs some text, not only spaces")


def test_the_api_edits_my_reflection_on_a_thing_like_the_thing_page_does(
    client: TestClient, db: Session
) -> None:
    load_standard(db)
    headers = token_for(db, "anna@example.org")
    url = "/api/v1/cohorts/testcohort/things/reflect/reflection"
    first = client.put(url, json={"body": "Too short."}, headers=headers)
    assert first.status_code == 200 and first.json()["thing"] == "reflect"
    refused = client.put("/api/v1/cohorts/testcohort/things/reflect/completion", headers=headers)
    assert refused.status_code == 409
    second = client.put(url, json={"body": "Now I have written quite enough words here."},
                        headers=headers)
    assert second.json()["id"] == first.json()["id"]  # the same reflection, rewritten
    done = client.put("/api/v1/cohorts/testcohort/things/reflect/completion", headers=headers)
    assert done.status_code == 200 and done.json()["status"] == "done"
    blank = client.put(url, json={"body": "   "}, headers=headers)
    assert blank.status_code == 422 and blank.json()["detail"] == "body: needs some text, not only spaces"
    assert client.put("/api/v1/cohorts/testcohort/things/nope/reflection", json={"body": "x"},
                      headers=headers).status_code == 404
