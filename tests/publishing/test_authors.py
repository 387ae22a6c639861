"""A site admin names the programme authors on a page (as `ting admin grant-author` does on
the server); nobody else sees that page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import service as auth_service
from tests.fixtures.builders import ANNA, TRAINER, load_standard
from tests.fixtures.people import browser_signed_in, sign_in

ADMIN = "admin@example.org"


def signed_in_admin(client: TestClient, db: Session) -> str:
    load_standard(db)
    auth_service.make_admin(db, email=ADMIN, name="Ada Admin")
    db.commit()
    return browser_signed_in(client, db, ADMIN)


def author_emails(db: Session) -> list[str]:
    return [author.email for author in auth_service.authors(db)]


def test_an_admin_makes_a_trainer_an_author_and_takes_it_back(client: TestClient, db: Session) -> None:
    csrf = signed_in_admin(client, db)
    page = client.get("/admin/authors")
    assert page.status_code == 200 and "Nobody is an author yet." in page.text
    response = client.post("/admin/authors", data={"csrf_token": csrf, "email": " Trainer@Example.org "})
    assert response.status_code == 303
    page = client.get("/admin/authors")
    assert "trainer@example.org may now publish programmes and cohorts." in page.text
    assert author_emails(db) == [TRAINER]

    response = client.post("/admin/authors/revoke", data={"csrf_token": csrf, "email": TRAINER})
    assert response.status_code == 303
    assert "no longer publishes; what they published stays" in client.get("/admin/authors").text
    assert author_emails(db) == []


def test_someone_new_is_added_to_ting_as_an_author(client: TestClient, db: Session) -> None:
    csrf = signed_in_admin(client, db)
    client.post("/admin/authors", data={"csrf_token": csrf, "email": "nina@library.example",
                                        "name": "Nina Nieuw"})
    html = client.get("/admin/authors").text
    assert "Nina Nieuw" in html and "nina@library.example" in html


def test_an_address_that_is_not_one_shows_the_form_again_with_what_was_typed(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_admin(client, db)
    response = client.post("/admin/authors", data={"csrf_token": csrf, "email": "nina at library",
                                                   "name": "Nina <b>Nieuw</b>"})
    assert response.status_code == 422
    assert "&#39;nina at library&#39; is not an e-mail address." in response.text
    assert 'value="nina at library"' in response.text
    assert 'value="Nina &lt;b&gt;Nieuw&lt;/b&gt;"' in response.text  # kept, and escaped
    assert author_emails(db) == []


def test_only_site_admins_see_the_authors_page(client: TestClient, db: Session) -> None:
    load_standard(db)
    assert client.get("/admin/authors").status_code == 303  # sign in first
    csrf = sign_in(client, TRAINER)
    response = client.get("/admin/authors")
    assert response.status_code == 403
    assert "Only site admins name programme authors." in response.text
    response = client.post("/admin/authors", data={"csrf_token": csrf, "email": ANNA})
    assert response.status_code == 403
    assert author_emails(db) == []
