"""Which language a page speaks: the person's choice (remembered, on every device once signed
in), else the cohort's, else the programme's, else the browser's; dates in that language."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.i18n import load_translations
from tests.fixtures.builders import ANNA, PROGRAM, cohort_yaml, load, load_standard, user, validate
from tests.fixtures.people import csrf_from, sign_in


def said(language: str, message: str) -> str:
    translated = load_translations(language).gettext(message)
    assert translated != message or language == "en", f"{message!r} has no {language} translation"
    return translated


def test_the_browsers_language_is_used_when_nothing_else_is_known(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"})
    assert '<html lang="fi">' in page.text
    assert said("fi", "Sign in") in page.text
    assert page.headers["content-language"] == "fi"


def test_a_language_ting_does_not_speak_falls_back_by_weight(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "de-DE, nl;q=0.8, da;q=0.9"})
    assert '<html lang="da">' in page.text
    page = client.get("/login", headers={"Accept-Language": "de, fr;q=0.5"})
    assert '<html lang="en">' in page.text


def test_a_cohorts_language_beats_the_browsers(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml() + "language: nl\n")
    sign_in(client, ANNA)
    page = client.get("/c/testcohort/things", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in page.text
    assert said("nl", "My Things") in page.text


def test_the_programmes_language_applies_when_the_cohort_names_none(client: TestClient, db: Session) -> None:
    load(db, PROGRAM.replace("language: en", "language: da"), cohort_yaml())
    sign_in(client, ANNA)
    page = client.get("/c/testcohort/things", headers={"Accept-Language": "fi"})
    assert '<html lang="da">' in page.text


def test_a_persons_choice_beats_the_cohort_and_is_remembered_across_devices(
    client: TestClient, db: Session, web: FastAPI,
) -> None:
    load(db, PROGRAM, cohort_yaml() + "language: nl\n")
    csrf = sign_in(client, ANNA)
    response = client.post("/language", data={"language": "fi", "next": "/c/testcohort/things",
                                              "csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/c/testcohort/things"
    assert "ting_language=fi" in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"]
    assert '<html lang="fi">' in client.get("/c/testcohort/things").text
    db.expire_all()
    assert user(db, ANNA).language == "fi"

    with TestClient(web, follow_redirects=False) as phone:  # another device: no cookie, but Anna signs in
        sign_in(phone, ANNA)
        assert '<html lang="fi">' in phone.get("/c/testcohort/things",
                                               headers={"Accept-Language": "da"}).text


def test_an_anonymous_choice_lives_in_the_cookie(client: TestClient) -> None:
    csrf = csrf_from(client.get("/login").text)
    client.post("/language", data={"language": "da", "next": "/login", "csrf_token": csrf})
    page = client.get("/login", headers={"Accept-Language": "nl"})
    assert '<html lang="da">' in page.text


def test_the_switcher_refuses_a_language_it_does_not_offer_and_foreign_addresses(
    client: TestClient,
) -> None:
    csrf = csrf_from(client.get("/login").text)
    refused = client.post("/language", data={"language": "de", "csrf_token": csrf},
                          follow_redirects=False)
    assert refused.status_code == 422
    assert "Choose one of the languages listed" in refused.text
    away = client.post("/language", data={"language": "nl", "next": "//evil.example/x",
                                          "csrf_token": csrf}, follow_redirects=False)
    assert away.status_code == 303 and not away.headers["location"].startswith("//")


def test_the_switcher_is_in_every_page_footer_as_a_plain_form(client: TestClient) -> None:
    page = client.get("/login").text
    assert 'action="/language"' in page
    for code, name in (("en", "English"), ("da", "Dansk"), ("nl", "Nederlands"), ("fi", "Suomi")):
        assert f'<option value="{code}" lang="{code}"' in page and name in page


def test_dates_and_time_zones_are_written_the_way_the_language_writes_them(
    client: TestClient, db: Session,
) -> None:
    starts = date(2026, 11, 17)
    load(db, PROGRAM, cohort_yaml(starts=starts, timezone="Europe/Copenhagen") + "language: da\n")
    sign_in(client, ANNA)
    page = client.get("/c/testcohort/things").text
    assert "17. nov. 2026" in page
    assert "København" in page and "Europe/Copenhagen" not in page


def test_a_cohort_language_ting_does_not_speak_is_an_error_with_its_place() -> None:
    bundle = validate(PROGRAM, cohort_yaml() + "language: de\n")
    assert not bundle.ok
    problem = next(str(p) for p in bundle.problems if "language" in str(p))
    assert problem.startswith("file1.yaml:")
    assert "expected one of en, da, nl, fi" in problem and "'de'" in problem


def test_programme_text_given_per_language_is_shown_in_the_readers_language(
    client: TestClient, db: Session,
) -> None:
    program = PROGRAM.replace(
        "    title: Introduce yourself\n",
        "    title: {en: Introduce yourself, da: Præsenter dig selv}\n",
    ).replace(
        "    body: |\n      Say **hello** in the forum.\n",
        "    body:\n      en: Say **hello** in the forum.\n      da: Sig **hej** i forummet.\n",
    )
    load(db, program, cohort_yaml())
    csrf = sign_in(client, ANNA)
    client.post("/language", data={"language": "da", "csrf_token": csrf})
    danish = client.get("/c/testcohort/things/intro").text
    assert "Præsenter dig selv" in danish and "Sig <strong>hej</strong> i forummet." in danish
    assert "Præsenter dig selv" in client.get("/c/testcohort/things").text
    client.post("/language", data={"language": "nl", "csrf_token": csrf})
    dutch = client.get("/c/testcohort/things/intro").text  # no Dutch text: the programme's own
    assert "Introduce yourself" in dutch and "Say <strong>hello</strong>" in dutch


def test_an_error_page_speaks_the_readers_language(client: TestClient, db: Session) -> None:
    load_standard(db)
    sign_in(client, ANNA)
    page = client.get("/c/nonesuch/things", headers={"Accept-Language": "nl"})
    assert page.status_code == 404
    assert '<html lang="nl">' in page.text
