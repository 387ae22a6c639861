"""The cohort forum: topics in the programme's categories, newest activity first, replies,
safe Markdown, errors tied to their field, strangers kept out, and a constant cost per page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.forum import service as forum_service
from tests.fixtures.builders import ANNA, BRAM, FORUM_PROGRAM, PROGRAM, STRANGER, cohort_yaml, load, member
from tests.fixtures.people import sign_in, token_for
from tests.progress.test_query_count import statements_for

WITH_FORUM = FORUM_PROGRAM
WITHOUT_FORUM = PROGRAM
FORUM = "/c/testcohort/forum"


def with_forum(db: Session) -> None:
    load(db, WITH_FORUM, cohort_yaml(), cohort_yaml(key="other", participants=[STRANGER]))


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/c/testcohort/forum/topics/\d+">([^<]+)</a>', html)


def test_a_programme_without_a_forum_has_none(client: TestClient, db: Session) -> None:
    load(db, WITHOUT_FORUM, cohort_yaml())
    sign_in(client, ANNA)
    page = client.get(FORUM)
    assert page.status_code == 404
    assert "This programme has no forum." in page.text
    assert 'href="/c/testcohort/forum"' not in client.get("/c/testcohort/things").text


def test_start_a_topic_reply_and_the_list_follows_the_activity(
    client: TestClient, db: Session,
) -> None:
    with_forum(db)
    csrf = sign_in(client, ANNA)
    assert 'href="/c/testcohort/forum">Forum</a>' in client.get("/c/testcohort/things").text
    assert "No topics here yet" in client.get(FORUM).text
    first = client.post(f"{FORUM}/new", data={"csrf_token": csrf, "category": "Help and tips",
                                             "title": "Where is the scanner?",
                                             "body": "It used to be **here**."})
    assert first.status_code == 303
    topic_url = first.headers["location"]
    client.post(f"{FORUM}/new", data={"csrf_token": csrf, "category": "General",
                                      "title": "Hello all", "body": "Hi!"})
    assert titles(client.get(FORUM).text) == ["Hello all", "Where is the scanner?"]

    bram = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    bram_csrf = sign_in(bram, BRAM)
    topic_id = topic_url.rsplit("/", 1)[1]
    replied = bram.post(f"{FORUM}/topics/{topic_id}/replies",
                        data={"csrf_token": bram_csrf, "body": "By the *printer*."})
    assert replied.status_code == 303
    reply_anchor = replied.headers["location"].split("#")[1]  # the reply itself, on its page
    listing = client.get(FORUM).text
    assert titles(listing) == ["Where is the scanner?", "Hello all"]  # newest activity first
    assert "1 reply" in listing and "0 replies" in listing
    page = client.get(topic_url).text
    assert "It used to be <strong>here</strong>." in page
    assert "By the <em>printer</em>." in page and "Bram" in page
    assert page.index(f'id="{reply_anchor}"') < page.index("By the <em>printer</em>.")
    help_only = client.get(FORUM, params={"category": "Help and tips"}).text
    assert titles(help_only) == ["Where is the scanner?"]


def test_what_people_write_is_shown_safely(client: TestClient, db: Session) -> None:
    with_forum(db)
    csrf = sign_in(client, ANNA)
    made = client.post(f"{FORUM}/new", data={
        "csrf_token": csrf, "category": "General", "title": "<script>alert(1)</script>",
        "body": "<img src=x onerror=alert(2)> [x](javascript:alert(3))"})
    page = client.get(made.headers["location"]).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "onerror" not in page.split('class="post-body"')[1].split("</div>")[0].replace(
        "onerror=alert(2)&gt;", "")
    assert 'href="javascript:' not in page


def test_a_refused_topic_comes_back_with_the_message_by_its_field_and_the_text_kept(
    client: TestClient, db: Session,
) -> None:
    with_forum(db)
    csrf = sign_in(client, ANNA)
    refused = client.post(f"{FORUM}/new", data={"csrf_token": csrf, "category": "General",
                                                "title": "   ", "body": "My long text"})
    assert refused.status_code == 422
    assert '<p class="field-error" id="title-error" role="alert">A topic needs a title.</p>' in refused.text
    assert re.search(r'<input type="text" id="title"[^>]*aria-invalid="true" '
                     r'aria-describedby="title-error" autofocus>', refused.text)
    assert ">My long text</textarea>" in refused.text
    wrong = client.post(f"{FORUM}/new", data={"csrf_token": csrf, "category": "Gossip",
                                              "title": "T", "body": "B"})
    assert wrong.status_code == 422 and "Choose one of the forum&#39;s categories." in wrong.text
    empty = client.post(f"{FORUM}/topics/1/replies", data={"csrf_token": csrf, "body": " "})
    assert empty.status_code == 404  # no topic 1 yet


def test_a_stranger_finds_nothing_and_an_outsider_cannot_reply(
    client: TestClient, db: Session,
) -> None:
    with_forum(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Ours", body="Only for us")
    db.commit()
    csrf = sign_in(client, STRANGER)
    assert client.get(f"{FORUM}/topics/{topic.id}").status_code == 404
    assert client.post(f"{FORUM}/topics/{topic.id}/replies",
                       data={"csrf_token": csrf, "body": "Hi"}).status_code == 404
    headers = token_for(db, STRANGER)
    answer = client.post(f"/api/v1/forum/topics/{topic.id}/replies", headers=headers,
                         json={"body": "Hi"})
    assert answer.status_code == 404
    assert answer.json()["detail"].startswith("This topic is not in your cohort's forum")
    # the stranger's own cohort has a forum too, without our topic
    assert "Ours" not in client.get("/c/other/forum").text


def test_the_api_starts_lists_and_answers_topics(client: TestClient, db: Session) -> None:
    with_forum(db)
    anna, bram = token_for(db, ANNA), token_for(db, BRAM)
    made = client.post("/api/v1/cohorts/testcohort/forum/topics", headers=anna,
                       json={"category": "Help and tips", "title": "Scanner", "body": "Where *is* it?"})
    assert made.status_code == 201
    topic = made.json()
    assert topic["category"] == "Help and tips" and topic["author"] == "Anna"
    assert topic["html"] == "<p>Where <em>is</em> it?</p>\n" and topic["replies"] == 0
    reply = client.post(f"/api/v1/forum/topics/{topic['id']}/replies", headers=bram,
                        json={"body": "Upstairs"})
    assert reply.status_code == 201 and reply.json()["author"] == "Bram"
    listed = client.get("/api/v1/cohorts/testcohort/forum/topics", headers=bram).json()
    assert [(t["title"], t["replies"]) for t in listed["topics"]] == [("Scanner", 1)]
    assert listed["next_page"] is None
    read = client.get(f"/api/v1/cohorts/testcohort/forum/topics/{topic['id']}", headers=bram).json()
    assert [r["body"] for r in read["reply_page"]] == ["Upstairs"]
    wrong = client.post("/api/v1/cohorts/testcohort/forum/topics", headers=anna,
                        json={"category": "Gossip", "title": "T", "body": "B"})
    assert wrong.status_code == 422 and wrong.json()["detail"] == "Choose one of the forum's categories."


def test_replies_come_a_page_at_a_time(client: TestClient, db: Session) -> None:
    with_forum(db)
    anna = member(db, ANNA)
    topic = forum_service.create_topic(db, member=anna, category="General", title="Long",
                                       body="Start")
    for i in range(forum_service.PAGE_SIZE + 1):
        forum_service.reply(db, member=anna, topic_id=topic.id or 0, body=f"Reply number {i}")
    db.commit()
    sign_in(client, ANNA)
    first = client.get(f"{FORUM}/topics/{topic.id}").text
    assert "Reply number 0<" in first and f"Reply number {forum_service.PAGE_SIZE - 1}<" in first
    assert f"Reply number {forum_service.PAGE_SIZE}<" not in first and 'rel="next"' in first
    second = client.get(f"{FORUM}/topics/{topic.id}", params={"page": 2}).text
    assert f"Reply number {forum_service.PAGE_SIZE}<" in second and "Start" in second
    assert "Reply number 0<" not in second


def test_few_or_many_topics_and_replies_cost_the_same(
    client: TestClient, db: Session, engine: Engine,
) -> None:
    """The lists, a topic with its answer (on its first and a later page), the group page and
    the API cost the same for one reply as for 500 and 60 more topics."""
    with_forum(db)
    anna, bram = member(db, ANNA), member(db, BRAM)
    topic = forum_service.create_topic(db, member=anna, category="General", title="T", body="B")
    answer = forum_service.reply(db, member=bram, topic_id=topic.id or 0, body="The answer")
    forum_service.mark_answer(db, member=anna, topic_id=topic.id or 0, post_id=answer.id)
    db.commit()
    sign_in(client, ANNA)
    urls = [FORUM, f"{FORUM}?category=General", f"{FORUM}/topics/{topic.id}",
            f"{FORUM}/topics/{topic.id}?page=2", "/api/v1/cohorts/testcohort/forum/topics",
            "/c/testcohort/groups"]
    small = {url: len(statements_for(engine, client, url)) for url in urls}
    for i in range(60):
        forum_service.create_topic(db, member=anna, category="General", title=f"T{i}", body="B")
    for i in range(500):
        forum_service.reply(db, member=bram if i % 2 else anna, topic_id=topic.id or 0, body=f"R{i}")
    db.commit()
    large = {url: len(statements_for(engine, client, url)) for url in urls}
    assert large == small


def test_the_list_marks_what_each_person_has_not_seen(client: TestClient, db: Session) -> None:
    with_forum(db)
    anna, bram = member(db, ANNA), member(db, BRAM)
    topic = forum_service.create_topic(db, member=anna, category="General", title="News",
                                       body="B")
    db.commit()
    sign_in(client, BRAM)
    assert '>News</a> <span class="badge">new</span>' in client.get(FORUM).text
    client.get(f"{FORUM}/topics/{topic.id}")  # Bram reads it
    assert '<span class="badge">' not in client.get(FORUM).text
    forum_service.reply(db, member=anna, topic_id=topic.id or 0, body="One")
    forum_service.reply(db, member=anna, topic_id=topic.id or 0, body="Two")
    db.commit()
    assert '>News</a> <span class="badge">2 new replies</span>' in client.get(FORUM).text
    assert bram.membership.id != anna.membership.id
