"""Publishing from the browser: every problem at its line before anything changes, then the
diff, then exactly that diff applied and kept as a revision; never a diff other than the one
shown; trainers publish only their own cohort's file."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import service as auth_service
from app.programs.models import Program, Thing
from app.progress import service as progress_service
from app.progress.models import Award
from app.publishing.models import Revision
from tests.badges.test_earning import WITH_BADGES
from tests.badges.test_images import png
from tests.fixtures.builders import ANNA, ENOUGH_WORDS, PROGRAM, TRAINER, cohort_yaml, load, member
from tests.fixtures.people import browser_signed_in

AUTHOR = "author@example.org"
BROKEN = PROGRAM.replace("kind: must", "kind: mustt", 1)


def signed_in_author(client: TestClient, db: Session) -> str:
    auth_service.grant_author(db, email=AUTHOR, name="Aino Author")
    db.commit()
    return browser_signed_in(client, db, AUTHOR)


def hidden(html: str, name: str) -> list[str]:
    return [v.replace("&#10;", "\n").replace("&#34;", '"').replace("&#39;", "'")
            .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            for v in re.findall(rf'name="{name}" value="([^"]*)"', html)]


def publish_form(html: str, csrf: str) -> dict[str, object]:
    return {"csrf_token": csrf, "names": hidden(html, "names"), "texts": hidden(html, "texts"),
            "fingerprint": hidden(html, "fingerprint")[0]}


def programs(db: Session) -> list[str]:
    db.expire_all()
    return [p.key for p in db.exec(select(Program))]


def test_a_broken_file_shows_each_problem_at_its_line_and_imports_nothing(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_author(client, db)
    response = client.post("/publish/review", data={"csrf_token": csrf},
                           files=[("files", ("testprog.yaml", BROKEN.encode(), "text/yaml"))])
    assert response.status_code == 422
    line = next(n for n, text in enumerate(BROKEN.splitlines(), 1) if "mustt" in text)
    assert re.search(rf"testprog.yaml:{line}:\d+: [^<]*mustt", response.text)
    assert "1 problem: nothing was published." in response.text
    assert "kind: mustt" in response.text  # the line itself, quoted
    assert "<mark" in response.text  # and its column marked
    assert programs(db) == []


def test_the_diff_is_shown_then_published_and_kept_as_a_revision(client: TestClient, db: Session) -> None:
    csrf = signed_in_author(client, db)
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": PROGRAM,
                                                  "pasted_name": "testprog.yaml"})
    assert review.status_code == 200
    assert "add programme testprog" in review.text
    assert "A new programme, with 6 Things" in review.text  # in a trainer's words too
    assert programs(db) == []  # a review writes nothing

    published = client.post("/publish", data=publish_form(review.text, csrf))
    assert published.status_code == 303
    assert "Published:" in client.get("/publish").text
    assert programs(db) == ["testprog"]
    revision = db.exec(select(Revision)).one()
    assert revision.files == [{"name": "testprog.yaml", "text": PROGRAM}]
    assert revision.programs == ["testprog"] and "add programme testprog: 6 Things" in revision.changes
    assert revision.published_by_id == auth_service.get_user_by_email(db, email=AUTHOR).id  # type: ignore[union-attr]

    again = client.post("/publish/review", data={"csrf_token": csrf, "pasted": PROGRAM,
                                                 "pasted_name": "testprog.yaml"})
    assert "No changes: the database already matches these files." in again.text


def test_text_sent_back_with_windows_line_breaks_publishes_the_same_diff(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_author(client, db)
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": PROGRAM,
                                                  "pasted_name": "testprog.yaml"})
    form = publish_form(review.text, csrf)
    form["texts"] = [t.replace("\n", "\r\n") for t in form["texts"]]  # type: ignore[attr-defined]
    assert client.post("/publish", data=form).status_code == 303
    assert programs(db) == ["testprog"]


def test_a_diff_that_changed_since_it_was_shown_is_not_applied(client: TestClient, db: Session) -> None:
    csrf = signed_in_author(client, db)
    changed = PROGRAM.replace("title: Test programme", "title: Test programme, second edition")
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": changed,
                                                  "pasted_name": "testprog.yaml"})
    load(db, PROGRAM)  # meanwhile, someone imports the first edition
    response = client.post("/publish", data=publish_form(review.text, csrf))
    assert response.status_code == 409
    assert "The database changed since you checked these files" in response.text
    assert "update programme testprog" in response.text  # the diff as it is now
    db.expire_all()
    assert db.exec(select(Program)).one().title == "Test programme"
    assert db.exec(select(Revision)).all() == []


def test_a_cohort_with_its_roster_csv_is_published_together(client: TestClient, db: Session) -> None:
    csrf = signed_in_author(client, db)
    cohort = cohort_yaml(participants=[]).replace("participants:\n", "participants_csv: roster.csv\n")
    roster = "email,name\nanna@example.org,Anna\nbram@example.org,Bram\n"
    review = client.post("/publish/review", data={"csrf_token": csrf}, files=[
        ("files", ("testprog.yaml", PROGRAM.encode(), "text/yaml")),
        ("files", ("cohort.yaml", cohort.encode(), "text/yaml")),
        ("files", ("roster.csv", roster.encode(), "text/csv"))])
    assert review.status_code == 200, review.text
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303
    assert auth_service.get_user_by_email(db, email="bram@example.org") is not None


def test_a_file_that_is_not_utf8_or_not_yaml_is_a_problem(client: TestClient, db: Session) -> None:
    csrf = signed_in_author(client, db)
    response = client.post("/publish/review", data={"csrf_token": csrf}, files=[
        ("files", ("latin.yaml", "title: Bibliotekarér".encode("latin-1"), "text/yaml")),
        ("files", ("notes.txt", b"hello", "text/plain"))])
    assert response.status_code == 422
    assert "latin.yaml: Not UTF-8 text" in response.text
    assert "notes.txt: Expected a file name ending in .yaml, .yml, .csv, .svg or .png" in response.text
    nothing = client.post("/publish/review", data={"csrf_token": csrf})
    assert "Choose a YAML file, or paste YAML." in nothing.text


def test_a_trainer_publishes_only_their_own_cohorts_file(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    csrf = browser_signed_in(client, db, TRAINER)
    assert client.get("/publish").status_code == 200
    moved = cohort_yaml().replace("title: Cohort testcohort", "title: Cohort testcohort, moved")
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": moved,
                                                  "pasted_name": "cohort.yaml"})
    assert review.status_code == 200, review.text
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303

    for text, refusal in ((PROGRAM.replace("Test programme", "Mine"),
                           "Only programme authors publish programmes."),
                          (cohort_yaml(key="othercohort"), "only the files of cohorts you train")):
        refused = client.post("/publish/review", data={"csrf_token": csrf, "pasted": text})
        assert refused.status_code == 422
        assert refusal in refused.text
    db.expire_all()
    assert [t.key for t in db.exec(select(Thing))]  # the programme is unchanged, still there


def test_a_pasted_file_over_one_megabyte_is_checked_like_any_other(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_author(client, db)
    padded = PROGRAM + "".join(f"# note {n:07d} {'x' * 40}\n" for n in range(25_000))
    assert 1_200_000 < len(padded) < 2_000_000  # under the 2 MB a YAML file may hold
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": padded,
                                                  "pasted_name": "testprog.yaml"})
    assert review.status_code == 200, review.text[:500]
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303
    assert programs(db) == ["testprog"]


def test_a_badge_picture_is_published_with_its_programme(client: TestClient, db: Session) -> None:
    csrf = signed_in_author(client, db)
    programme = WITH_BADGES.replace("    for: {theme: basics}\n",
                                    "    for: {theme: basics}\n    image: pictures/basics.png\n")
    review = client.post("/publish/review", data={"csrf_token": csrf}, files=[
        ("files", ("testprog.yaml", programme.encode(), "text/yaml")),
        ("files", ("pictures/basics.png", png(), "image/png"))])
    assert review.status_code == 200, review.text
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303
    assert client.get("/badges/testprog/basics.png").content == png()


def test_a_png_that_is_not_one_is_refused_before_anything_is_read(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_author(client, db)
    programme = WITH_BADGES.replace("    for: {theme: basics}\n",
                                    "    for: {theme: basics}\n    image: basics.png\n")
    review = client.post("/publish/review", data={"csrf_token": csrf}, files=[
        ("files", ("testprog.yaml", programme.encode(), "text/yaml")),
        ("files", ("basics.png", b"GIF89a...", "image/png"))])
    assert review.status_code == 422
    assert "basics.png: not a PNG image" in review.text
    pasted = client.post("/publish", data={"csrf_token": csrf, "names": ["basics.png"],
                                           "texts": ["data:image/png;base64,@@@"],
                                           "fingerprint": "0"})
    assert pasted.status_code == 422
    assert "Expected a PNG image" in pasted.text
    assert programs(db) == []


def test_publishing_a_new_badge_awards_it_to_those_who_already_meet_its_rule(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna = member(db, ANNA)
    progress_service.complete_thing(db, member=anna, key="intro")
    progress_service.submit(db, member=anna, key="reflect", reflection=ENOUGH_WORDS,
                            evidence_url=None)
    csrf = signed_in_author(client, db)
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": WITH_BADGES,
                                                  "pasted_name": "testprog.yaml"})
    assert db.exec(select(Award)).all() == []  # a review awards nothing
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303
    db.expire_all()
    (award,) = db.exec(select(Award)).all()
    assert award.membership_id == anna.membership.id
