"""Trainers moderate: pin, lock, move and hide, nothing deleted, each action in the topic's
record; authors edit their posts for a while (shown as edited); anyone quotes a post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden
from app.forum import moderation
from app.forum import service as forum_service
from app.forum.models import ForumPost
from tests.fixtures.builders import ANNA, BRAM, TRAINER, load_two_cohorts, member
from tests.fixtures.people import sign_in, token_for

FORUM = "/c/testcohort/forum"


def topic_with_reply(db: Session) -> tuple[int, int]:
    load_two_cohorts(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Opening hours", body="When do we open?")
    forum_service.create_topic(db, member=member(db, BRAM), category="General", title="Later one",
                               body="Newer activity")
    reply = forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0,
                                body="At *nine*, I think.")
    forum_service.create_topic(db, member=member(db, BRAM), category="General", title="Newest",
                               body="Newest activity")
    db.commit()
    return topic.id or 0, reply.id or 0


def test_a_trainer_pins_locks_and_moves_and_the_record_says_who(
    client: TestClient, db: Session,
) -> None:
    topic, _reply = topic_with_reply(db)
    csrf = sign_in(client, TRAINER)
    url = f"{FORUM}/topics/{topic}/moderation"
    for action in ("pin", "lock"):
        assert client.post(url, data={"csrf_token": csrf, "action": action}).status_code == 303
    moved = client.post(url, data={"csrf_token": csrf, "action": "move",
                                   "category": "Help and tips"})
    assert moved.status_code == 303
    same = client.post(url, data={"csrf_token": csrf, "action": "move",
                                  "category": "Help and tips"})
    assert same.status_code == 422 and "in that category already" in same.text
    page = client.get(f"{FORUM}/topics/{topic}").text
    for said in ("trainer pinned the topic", "trainer locked the topic",
                 "trainer moved the topic (General → Help and tips)"):
        assert said in page
    listing = client.get(FORUM).text
    assert listing.index("Opening hours") < listing.index("Newest")  # pinned first

    anna = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    anna_csrf = sign_in(anna, ANNA)
    locked = anna.post(f"{FORUM}/topics/{topic}/replies", data={"csrf_token": anna_csrf,
                                                                "body": "Thanks!"})
    assert locked.status_code == 409 and "locked" in locked.text
    assert "Record" not in anna.get(f"{FORUM}/topics/{topic}").text  # the record is the trainers'
    refused = anna.post(url, data={"csrf_token": anna_csrf, "action": "unlock"})
    assert refused.status_code == 403
    headers = token_for(db, TRAINER)
    db.commit()
    unlocked = client.post(f"/api/v1/forum/topics/{topic}/moderation", headers=headers,
                           json={"action": "unlock"})
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    assert unlocked.json()["pinned"] is True


def test_a_hidden_post_is_kept_for_trainers_and_gone_for_everyone_else(
    client: TestClient, db: Session,
) -> None:
    topic, reply = topic_with_reply(db)
    forum_service.mark_answer(db, member=member(db, ANNA), topic_id=topic, post_id=reply)
    moderation.set_hidden(db, member=member(db, TRAINER), post_id=reply, hidden=True)
    db.commit()
    sign_in(client, BRAM)
    page = client.get(f"{FORUM}/topics/{topic}").text
    assert "A trainer has hidden this post." in page and "nine" not in page
    assert 'id="answer"' not in page  # a hidden reply answers nothing
    headers = token_for(db, BRAM)
    db.commit()
    assert client.get("/api/v1/cohorts/testcohort/forum/search", headers=headers,
                      params={"q": "nine"}).json()["hits"] == []
    trainer = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(trainer, TRAINER)
    seen = trainer.get(f"{FORUM}/topics/{topic}").text
    assert "<em>nine</em>" in seen and "Show again" in seen and "trainer hid a post" in seen

    # hiding the opening post hides the topic: listed for trainers only, not found by others
    opening = db.exec(select(ForumPost).where(ForumPost.topic_id == topic)
                      .order_by(ForumPost.id)).first()
    assert opening is not None
    moderation.set_hidden(db, member=member(db, TRAINER), post_id=opening.id or 0, hidden=True)
    db.commit()
    assert client.get(f"{FORUM}/topics/{topic}").status_code == 404
    assert "Opening hours" not in client.get(FORUM).text
    assert "Opening hours" in trainer.get(FORUM).text


def test_authors_edit_for_a_while_and_the_post_shows_it(client: TestClient, db: Session) -> None:
    topic, reply = topic_with_reply(db)
    csrf = sign_in(client, BRAM)
    assert client.get(f"{FORUM}/posts/{reply}/edit").status_code == 200
    empty = client.post(f"{FORUM}/posts/{reply}/edit", data={"csrf_token": csrf, "body": " "})
    assert empty.status_code == 422 and "Write something first" in empty.text
    saved = client.post(f"{FORUM}/posts/{reply}/edit", data={"csrf_token": csrf,
                                                             "body": "At **ten**, in fact."})
    assert saved.status_code == 303 and saved.headers["location"].endswith(f"#post-{reply}")
    page = client.get(f"{FORUM}/topics/{topic}").text
    assert "<strong>ten</strong>" in page and "edited" in page
    headers = token_for(db, ANNA)
    db.commit()
    others = client.patch(f"/api/v1/forum/posts/{reply}", headers=headers, json={"body": "Mine"})
    assert others.status_code == 403
    late = datetime.now(UTC) + timedelta(minutes=forum_service.EDIT_MINUTES + 1)
    with pytest.raises(Conflict, match="edited for 30 minutes"):
        forum_service.edit_post(db, member=member(db, BRAM), post_id=reply, body="x", now=late)
    with pytest.raises(Forbidden):
        forum_service.edit_post(db, member=member(db, ANNA), post_id=reply, body="x")


def test_a_reply_can_start_with_a_quote(client: TestClient, db: Session) -> None:
    topic, reply = topic_with_reply(db)
    sign_in(client, ANNA)
    page = client.get(f"{FORUM}/topics/{topic}", params={"quote": reply}).text
    assert "&gt; **Bram** wrote:\n&gt;\n&gt; At *nine*, I think.\n" in page
    unknown = client.get(f"{FORUM}/topics/{topic}", params={"quote": 999999})
    assert unknown.status_code == 200 and "wrote:" not in unknown.text
