"""Answers stay findable: the person who asked or a trainer marks a reply as the answer; it is
shown first, lists mark the topic answered, and a filter shows the topics still waiting."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.forum import service as forum_service
from tests.fixtures.builders import ANNA, BRAM, TRAINER, load_two_cohorts, member
from tests.fixtures.people import sign_in, token_for

FORUM = "/c/testcohort/forum"


def asked_and_replied(db: Session) -> tuple[int, int, int]:
    """Anna asks; Bram replies twice. The topic's id and the two replies' ids."""
    load_two_cohorts(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="Help and tips",
                                       title="Where is the scanner?", body="Anyone?")
    first = forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0, body="Ask IT.")
    second = forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0,
                                 body="By the *printer*, second floor.")
    forum_service.create_topic(db, member=member(db, BRAM), category="General", title="Hello",
                               body="Hi all")
    db.commit()
    return topic.id or 0, first.id or 0, second.id or 0


def test_the_asker_marks_the_answer_and_it_comes_first(client: TestClient, db: Session) -> None:
    topic, _first, second = asked_and_replied(db)
    csrf = sign_in(client, ANNA)
    marked = client.post(f"{FORUM}/topics/{topic}/answer", data={"csrf_token": csrf,
                                                                 "post": str(second)})
    assert marked.status_code == 303
    page = client.get(f"{FORUM}/topics/{topic}").text
    answer = page.index('id="answer"')
    assert answer < page.index("Ask IT.") < page.index(f'id="post-{second}"')
    assert "printer" in page[answer:page.index("Ask IT.")]
    assert "Unmark the answer" in page
    listing = client.get(FORUM).text
    assert re.search(r"Where is the scanner\?</a>.*answered</span>", listing)
    waiting = client.get(f"{FORUM}?unanswered=1").text
    assert "Hello</a>" in waiting and "Where is the scanner?" not in waiting

    client.post(f"{FORUM}/topics/{topic}/answer", data={"csrf_token": csrf, "post": ""})
    assert 'id="answer"' not in client.get(f"{FORUM}/topics/{topic}").text
    assert "Where is the scanner?" in client.get(f"{FORUM}?unanswered=1").text


def test_only_the_asker_and_trainers_mark_and_only_a_reply_of_the_topic(
    client: TestClient, db: Session,
) -> None:
    topic, first, _second = asked_and_replied(db)
    hello = forum_service.topics(db, member=member(db, BRAM), category="General").topics[0].id
    csrf = sign_in(client, BRAM)
    assert "Mark as the answer" not in client.get(f"{FORUM}/topics/{topic}").text
    refused = client.post(f"{FORUM}/topics/{topic}/answer", data={"csrf_token": csrf,
                                                                  "post": str(first)})
    assert refused.status_code == 403
    assert "Only the person who asked and the cohort&#39;s trainers" in refused.text

    headers = token_for(db, TRAINER)
    db.commit()
    opening = client.put(f"/api/v1/forum/topics/{topic}/answer", headers=headers,
                         json={"post": first - 1})
    assert opening.status_code == 422 and "replies" in opening.json()["detail"]
    elsewhere = client.put(f"/api/v1/forum/topics/{hello}/answer", headers=headers,
                           json={"post": first})
    assert elsewhere.status_code == 422
    marked = client.put(f"/api/v1/forum/topics/{topic}/answer", headers=headers,
                        json={"post": first})
    assert marked.status_code == 200
    assert marked.json()["answer"]["body"] == "Ask IT."
    listed = client.get("/api/v1/cohorts/testcohort/forum/topics", headers=headers).json()
    assert {t["title"]: t["answered"] for t in listed["topics"]} == {
        "Hello": False, "Where is the scanner?": True}
    assert client.delete(f"/api/v1/forum/topics/{topic}/answer", headers=headers).status_code == 204
    assert client.get(f"/api/v1/cohorts/testcohort/forum/topics/{topic}",
                      headers=headers).json()["answer"] is None
