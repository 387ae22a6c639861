"""What the review of the forum found: hidden replies stay hidden in the API and in mail, odd
form values get a clear answer instead of a server error, and a digest is never sent twice a
day, even when another process has just sent it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.forum import moderation, subscriptions
from app.forum import service as forum_service
from app.mail.models import OutboxMail
from tests.fixtures.builders import ANNA, BRAM, TRAINER, load_two_cohorts, member
from tests.fixtures.people import sign_in, token_for

FORUM = "/c/testcohort/forum"


def link(cohort: str, topic_id: int) -> str:
    return f"https://ting.example.org/c/{cohort}/forum/topics/{topic_id}"


def test_a_hidden_reply_is_not_in_the_api_nor_in_mail(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Q", body="?")
    forum_service.follow(db, member=member(db, BRAM), topic_id=topic.id, each=True)
    reply = forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0,
                                body="Something unkind")
    moderation.set_hidden(db, member=member(db, TRAINER), post_id=reply.id or 0, hidden=True)
    headers = token_for(db, ANNA)
    db.commit()
    [shown] = client.get(f"/api/v1/cohorts/testcohort/forum/topics/{topic.id}",
                         headers=headers).json()["reply_page"]
    assert shown["hidden"] is True and shown["body"] == "" and shown["html"] == ""
    trainer = token_for(db, TRAINER)
    db.commit()
    [seen] = client.get(f"/api/v1/cohorts/testcohort/forum/topics/{topic.id}",
                        headers=trainer).json()["reply_page"]
    assert seen["body"] == "Something unkind"
    # a hidden topic's replies go to nobody by mail
    opening = forum_service.topic_detail(db, member=member(db, TRAINER), topic_id=topic.id or 0)
    moderation.set_hidden(db, member=member(db, TRAINER), post_id=opening.opening.post.id or 0,
                          hidden=True)
    forum_service.reply(db, member=member(db, TRAINER), topic_id=topic.id or 0, body="Closed.",
                        link_for=link)
    assert db.exec(select(OutboxMail)).all() == []


@pytest.mark.parametrize("value", ["²", "9" * 30, "abc"])
def test_odd_ids_in_forms_get_a_clear_answer(client: TestClient, db: Session, value: str) -> None:
    load_two_cohorts(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Q", body="?")
    db.commit()
    csrf = sign_in(client, ANNA)
    answer = client.post(f"{FORUM}/topics/{topic.id}/answer", data={"csrf_token": csrf,
                                                                    "post": value})
    assert answer.status_code == 422 and "Choose one of this topic" in answer.text
    follow = client.post(f"{FORUM}/following", data={"csrf_token": csrf, "topic": value,
                                                     "mode": "each"})
    assert follow.status_code == 404
    assert client.get(f"{FORUM}/topics/{topic.id}", params={"quote": value}).status_code == 400
    trainer = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    trainer_csrf = sign_in(trainer, TRAINER)
    resource = trainer.post("/c/testcohort/groups/team-1/resource",
                            data={"csrf_token": trainer_csrf, "resource": value})
    assert resource.status_code == 422 and "Choose someone from this cohort" in resource.text
    anna = member(db, ANNA)
    moved = trainer.post(f"/c/testcohort/groups/moves/{anna.membership.id}",
                         data={"csrf_token": trainer_csrf, "group": "team-1", "back": "a/b"})
    assert moved.status_code == 303 and moved.headers["location"] == "/c/testcohort/groups"


def test_a_digest_another_process_just_sent_is_not_sent_again(db: Session) -> None:
    load_two_cohorts(db)
    start = datetime.now(UTC)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Q", body="?", now=start)
    forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0, body="A",
                        now=start + timedelta(hours=1))
    anna = member(db, ANNA).membership.id
    # two passes that both found Anna due: the second comes after the first has sent
    assert subscriptions._digest_for(db, membership_id=anna, link_for=link,
                                     now=start + timedelta(hours=2)) == 1
    forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0, body="B",
                        now=start + timedelta(hours=3))
    assert subscriptions._digest_for(db, membership_id=anna, link_for=link,
                                     now=start + timedelta(hours=4)) == 0
    assert len(db.exec(select(OutboxMail)).all()) == 1
