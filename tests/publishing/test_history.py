"""A programme's history: its revisions listed newest first, any two side by side, an earlier
one published again through the same checks and dry run; only for authors (and site admins).
Also the skeletons the publish page starts new files from."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.programs.models import Program
from app.publishing.history import CONTEXT, RowKind, side_by_side
from app.publishing.models import Revision
from tests.fixtures.builders import ANNA, PROGRAM, STRANGER, cohort_yaml, load
from tests.fixtures.people import browser_signed_in
from tests.publishing.test_publish import programs, publish_form, signed_in_author

SECOND = PROGRAM.replace("title: Test programme", "title: Test programme, second edition")


def publish(client: TestClient, csrf: str, *files: tuple[str, str]) -> None:
    review = client.post("/publish/review", data={"csrf_token": csrf}, files=[
        ("files", (name, text.encode(), "text/yaml")) for name, text in files])
    assert review.status_code == 200, review.text
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303


def revision_ids(db: Session) -> list[int]:
    db.expire_all()
    return sorted(r.id or 0 for r in db.exec(select(Revision)))


def test_the_history_lists_revisions_compares_two_and_publishes_an_earlier_one_again(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_author(client, db)
    publish(client, csrf, ("testprog.yaml", PROGRAM), ("cohort.yaml", cohort_yaml()))
    publish(client, csrf, ("testprog.yaml", SECOND))
    first, second = revision_ids(db)

    listing = client.get("/programmes/testprog")
    assert listing.status_code == 200
    assert listing.text.index(f"Revision {second}") < listing.text.index(f"Revision {first}")
    assert "testprog.yaml, cohort.yaml" in listing.text

    shown = client.get(f"/programmes/testprog/revisions/{second}")
    assert "Settings changed: title" in shown.text  # in words, as kept when it was published
    assert "title: Test programme, second edition" in shown.text  # and the file itself

    compared = client.get(f"/programmes/testprog/compare?old={first}&new={second}")
    assert compared.status_code == 200
    assert "<del>title: Test programme</del>" in compared.text
    assert "<ins>title: Test programme, second edition</ins>" in compared.text
    assert "Only in revision" in compared.text  # cohort.yaml is in the first only

    # publishing the first again is a review first: nothing changes until Publish
    again = client.post(f"/programmes/testprog/revisions/{first}/review", data={"csrf_token": csrf})
    assert again.status_code == 200
    assert "Settings changed: title" in again.text
    db.expire_all()
    assert db.exec(select(Program)).one().title == "Test programme, second edition"
    assert client.post("/publish", data=publish_form(again.text, csrf)).status_code == 303
    db.expire_all()
    assert db.exec(select(Program)).one().title == "Test programme"
    assert len(revision_ids(db)) == 3


def test_the_history_is_for_authors_members_are_refused_and_strangers_find_nothing(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM, cohort_yaml(), PROGRAM.replace("id: testprog", "id: elsewhere"),
         cohort_yaml(key="away", program="elsewhere", participants=[STRANGER]))
    csrf = signed_in_author(client, db)
    publish(client, csrf, ("testprog.yaml", SECOND))
    (revision,) = revision_ids(db)
    assert client.get("/programmes/elsewhere").status_code == 200
    assert client.get(f"/programmes/elsewhere/revisions/{revision}").status_code == 404
    assert client.get("/programmes/nonesuch").status_code == 404
    client.cookies.clear()

    browser_signed_in(client, db, ANNA)  # in one of its cohorts
    assert client.get("/programmes/testprog").status_code == 403
    client.cookies.clear()
    browser_signed_in(client, db, STRANGER)  # only in a cohort of another programme
    assert client.get("/programmes/testprog").status_code == 404
    assert client.get(f"/programmes/testprog/revisions/{revision}").status_code == 404


def test_a_programme_without_revisions_says_so(client: TestClient, db: Session) -> None:
    load(db, PROGRAM)
    signed_in_author(client, db)
    page = client.get("/programmes/testprog")
    assert "Nothing of this programme has been published from the browser or the API yet." in page.text
    assert 'href="/programmes/testprog"' in client.get("/publish").text


def test_side_by_side_keeps_lines_near_a_change_and_counts_the_rest() -> None:
    old = "\n".join(f"line {n}" for n in range(1, 41))
    new = old.replace("line 20", "line twenty").replace("line 40", "line 40\nline 41")
    (compared,) = side_by_side([("a.yaml", old)], [("a.yaml", new)])
    kinds = [row.kind for row in compared.rows]
    assert kinds.count(RowKind.changed) == 1 and kinds.count(RowKind.added) == 1
    changed = next(r for r in compared.rows if r.kind == RowKind.changed)
    assert (changed.left_number, changed.left, changed.right) == (20, "line 20", "line twenty")
    gaps = [int(r.left) for r in compared.rows if r.kind == RowKind.gap]
    assert gaps == [19 - CONTEXT, 20 - 2 * CONTEXT]  # before the change, between the two
    shown = sum(1 for r in compared.rows if r.kind == RowKind.same)
    assert shown + sum(gaps) == 39  # every unchanged line (all but one of 40) shown or counted


def test_the_publish_page_starts_a_programme_or_a_cohort_from_a_skeleton(
    client: TestClient, db: Session
) -> None:
    csrf = signed_in_author(client, db)
    start = client.get("/publish?new=programme&key=digital-skills")
    assert start.status_code == 200
    text = re.search(r'<textarea id="publish-pasted"[^>]*>(.*?)</textarea>', start.text, re.S)
    assert text is not None
    skeleton = text.group(1).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&") \
        .replace("&lt;", "<").replace("&gt;", ">")
    assert "id: digital-skills" in skeleton and 'value="digital-skills.yaml"' in start.text
    review = client.post("/publish/review", data={"csrf_token": csrf, "pasted": skeleton,
                                                  "pasted_name": "digital-skills.yaml"})
    assert review.status_code == 200, review.text  # valid as it stands
    assert client.post("/publish", data=publish_form(review.text, csrf)).status_code == 303
    assert programs(db) == ["digital-skills"]

    cohort = client.get("/publish?new=cohort&key=spring&program=digital-skills")
    assert "program: digital-skills" in cohort.text

    bad = client.get("/publish?new=cohort&key=Spring+2027&program=digital-skills")
    assert bad.status_code == 422
    assert "Ids are lower-case letters, digits and hyphens" in bad.text
    assert 'value="Spring 2027"' in bad.text  # what was typed stays
