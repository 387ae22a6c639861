"""Every XSS payload of the corpus through every field people type into, and every page that
shows it: nothing active survives. Post bodies and comments are Markdown, cleaned after
rendering; everything else is escaped by the templates."""

from __future__ import annotations

import feedparser
import pytest
import yaml
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from sqlmodel import Session

from app.posts import comments
from app.posts import service as posts_service
from app.progress import review
from app.progress import service as progress_service
from app.progress.models import Decision
from tests.fixtures.builders import ANNA, BRAM, PROGRAM, TRAINER, cohort_yaml, load, member
from tests.fixtures.people import csrf_from, sign_in, token_for
from tests.xss.corpus import PAYLOADS, active_content

POSTS = "/api/v1/cohorts/testcohort/posts"


def assert_inert(client: TestClient, url: str, **params: str) -> str:
    response = client.get(url, params=params) if params else client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    assert active_content(response.text) == [], url
    return response.text


def test_the_corpus_is_large_and_the_check_catches_a_page_that_lets_it_through() -> None:
    assert len(PAYLOADS) >= 200 and len(set(PAYLOADS)) == len(PAYLOADS)
    naive = MarkdownIt("commonmark", {"html": True})  # raw HTML on, nothing cleaned
    naive.validateLink = lambda url: True  # no scheme refused
    caught = [p for p in PAYLOADS if active_content(naive.render(p))]
    # the rest aim at attributes and other contexts (names in labels, search boxes, feeds)
    assert len(caught) >= 150, len(caught)


def test_post_titles_and_bodies(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    bram = member(db, BRAM)
    ids = [posts_service.create_post(db, member=bram, title=p[:300], body=p,
                                     thing_key="intro" if i % 2 else None).id
           for i, p in enumerate(PAYLOADS)]
    db.commit()
    sign_in(client, ANNA)
    for post_id in ids:
        assert_inert(client, f"/posts/{post_id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/posts/{ids[0]}").text  # shown, as text
    after = ""
    while True:  # every page of the stream and of Bram's blog
        page = assert_inert(client, f"/c/testcohort/stream{after}")
        assert_inert(client, f"/c/testcohort/blog/{bram.membership.id}{after}")
        if 'rel="next"' not in page:
            break
        after = "?after=" + page.split('rel="next"')[0].rsplit("after=", 1)[1].split('"')[0]
    assert_inert(client, "/c/testcohort/things/intro")
    feed = client.get(client.get("/account").text.split("/feeds/")[1].split("/")[0].join(
        ["/feeds/", "/c/testcohort/stream.atom"]))
    parsed = feedparser.parse(feed.content)
    assert parsed.bozo == 0 and len(parsed.entries) == 50
    for entry in parsed.entries:
        assert active_content(entry.content[0].value) == [], entry.title


def test_comments_and_questions(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna, bram = member(db, ANNA), member(db, BRAM)
    post = posts_service.create_post(db, member=anna, title="Mine", body="My week")
    for payload in PAYLOADS:
        comments.add_comment(db, user=bram.user, post_id=post.id or 0, body=payload)
    for payload in PAYLOADS[:40]:
        posts_service.ask_trainers(db, member=anna, body=payload, thing_key="intro")
    db.commit()
    sign_in(client, ANNA)
    page = assert_inert(client, f"/posts/{post.id}")
    assert page.count('class="post-body"') == len(PAYLOADS) + 1
    assert_inert(client, "/c/testcohort/blog")
    sign_in(client, TRAINER)
    assert_inert(client, "/c/testcohort/desk")


def test_reflections_and_the_trainers_comments(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    headers = token_for(db, ANNA)
    sign_in(client, ANNA)
    for payload in PAYLOADS:
        assert client.put("/api/v1/cohorts/testcohort/things/reflect/reflection", headers=headers,
                          json={"body": payload}).status_code == 200
        assert_inert(client, "/c/testcohort/things/reflect")
    progress_service.complete_thing(db, member=member(db, ANNA), key="plan")
    db.commit()
    for payload in PAYLOADS[:60]:  # returned with the payload as the trainer's comment
        completion_id = review.queue(db, member=member(db, TRAINER))[0].completion.id
        review.decide(db, member=member(db, TRAINER), completion_id=completion_id or 0,
                      decision=Decision.send_back, comment=payload)
        progress_service.complete_thing(db, member=member(db, ANNA), key="plan")
        db.commit()
        assert_inert(client, "/c/testcohort/things/plan")
    sign_in(client, TRAINER)  # the queue shows Anna's reflection and the history its comments
    assert_inert(client, "/c/testcohort/signoff")
    assert_inert(client, f"/c/testcohort/participants/{member(db, ANNA).membership.id}")


def test_names_organisations_and_groups_from_the_cohort_file(client: TestClient, db: Session) -> None:
    people = [{"email": f"p{i}@example.org", "name": p[:200], "organization": f"Org {i % 3}"}
              for i, p in enumerate(PAYLOADS)]
    organizations = ["Org 0", "Org 1", "Org 2"]
    cohort = yaml.safe_load(cohort_yaml(participants=[]))
    cohort.update(participants=[{"email": ANNA, "name": "Anna"}, *people],
                  organizations=organizations)
    load(db, PROGRAM, yaml.safe_dump(cohort, allow_unicode=True))
    for i in range(0, len(PAYLOADS), 7):  # some of them write, so their names show in posts
        posts_service.create_post(db, member=member(db, f"p{i}@example.org"), title="Hello",
                                  body="Hi", thing_key="intro")
    db.commit()
    sign_in(client, TRAINER)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/c/testcohort/people").text
    for url in ("/c/testcohort/desk", "/c/testcohort/dashboard", "/c/testcohort/people",
                "/c/testcohort/stream", "/c/testcohort/things/intro"):
        assert_inert(client, url)
    for page in range(1, 6):
        assert_inert(client, f"/c/testcohort/matrix?page={page}")
    one = member(db, "p3@example.org").membership.id
    assert_inert(client, f"/c/testcohort/participants/{one}")
    assert_inert(client, f"/c/testcohort/blog/{one}")


@pytest.mark.parametrize("field", ["token name", "search"])
def test_what_people_type_into_their_account_and_the_matrix(
    client: TestClient, db: Session, field: str
) -> None:
    load(db, PROGRAM, cohort_yaml())
    csrf = sign_in(client, TRAINER if field == "search" else ANNA)
    for payload in PAYLOADS:
        if field == "token name":
            response = client.post("/account/tokens", data={"csrf_token": csrf, "name": payload[:200]})
            assert response.status_code in (201, 422)
            assert active_content(response.text) == []
        else:
            assert_inert(client, "/c/testcohort/matrix", q=payload)
    if field == "token name":
        assert_inert(client, "/account")
    assert csrf_from(client.get("/account").text)
