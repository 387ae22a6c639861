"""Following the forum by mail: each reply at once, or at most one digest a day, through the
outbox and in the reader's language; never one's own posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.forum import service as forum_service
from app.forum import subscriptions
from app.groups import service as groups_service
from app.mail.models import OutboxMail
from tests.fixtures.builders import ANNA, BRAM, TRAINER, load_two_cohorts, member, user
from tests.fixtures.people import sign_in, token_for


def link(cohort: str, topic_id: int) -> str:
    return f"https://ting.example.org/c/{cohort}/forum/topics/{topic_id}"


def mails(db: Session) -> list[tuple[str, str, str]]:
    return [(m.to_address, m.subject, m.body)
            for m in db.exec(select(OutboxMail).order_by(OutboxMail.id)).all()]  # type: ignore[arg-type]


def test_each_reply_reaches_who_asked_for_it_at_once(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="Help and tips",
                                       title="Scanner", body="Where is it?")
    user(db, BRAM).language = "nl"
    db.commit()
    csrf = sign_in(client, BRAM)
    followed = client.post("/c/testcohort/forum/following", data={
        "csrf_token": csrf, "topic": str(topic.id), "mode": "each"})
    assert followed.status_code == 303
    page = client.get(f"/c/testcohort/forum/topics/{topic.id}").text
    assert 'id="follow-each" name="mode" value="each" checked' in page
    client.post(f"/c/testcohort/forum/topics/{topic.id}/replies",
                data={"csrf_token": csrf, "body": "I will look too."})
    assert mails(db) == []  # not his own reply, and Anna follows by digest
    headers = token_for(db, TRAINER)
    db.commit()
    client.post(f"/api/v1/forum/topics/{topic.id}/replies", headers=headers,
                json={"body": "By the *printer*."})
    [(to, subject, body)] = mails(db)
    assert to == BRAM and "Scanner" in subject and "antwoord" in subject.lower()
    assert "By the *printer*." in body
    assert f"/c/testcohort/forum/topics/{topic.id}" in body


def test_a_digest_goes_at_most_once_a_day_and_only_with_news(db: Session) -> None:
    load_two_cohorts(db)
    start = datetime.now(UTC)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Opening hours", body="When?", now=start)
    forum_service.follow(db, member=member(db, BRAM), category="General")
    db.commit()
    assert subscriptions.send_digests(db, link_for=link, now=start + timedelta(hours=1)) == 0
    for who in (BRAM, TRAINER):
        forum_service.reply(db, member=member(db, who), topic_id=topic.id or 0, body="At nine.",
                            now=start + timedelta(hours=2))
    assert subscriptions.send_digests(db, link_for=link, now=start + timedelta(hours=3)) == 2
    sent = {to: body for to, _subject, body in mails(db)}
    assert "- Opening hours (2 new posts): https://ting.example.org/c/testcohort/forum/topics/" in sent[ANNA]
    assert "(1 new post)" in sent[BRAM]  # the trainer's, not his own
    # the same day: nothing more, whatever happens
    forum_service.reply(db, member=member(db, TRAINER), topic_id=topic.id or 0, body="Or ten.",
                        now=start + timedelta(hours=4))
    assert subscriptions.send_digests(db, link_for=link, now=start + timedelta(hours=5)) == 0
    # a day later: only what is new since the last digest
    assert subscriptions.send_digests(db, link_for=link, now=start + timedelta(hours=28)) == 2
    later = [body for to, _s, body in mails(db)[2:] if to == ANNA]
    assert len(later) == 1 and "(1 new post)" in later[0]
    assert subscriptions.send_digests(db, link_for=link, now=start + timedelta(hours=60)) == 0


def test_following_is_for_people_who_may_read_it(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Ours", body="Only for us")
    db.commit()
    stranger = token_for(db, "olga@example.org")
    db.commit()
    refused = client.put("/api/v1/cohorts/testcohort/forum/following", headers=stranger,
                         json={"topic": topic.id, "mode": "each"})
    assert refused.status_code == 404
    headers = token_for(db, BRAM)
    db.commit()
    wrong = client.put("/api/v1/cohorts/testcohort/forum/following", headers=headers,
                       json={"category": "Gossip", "mode": "digest"})
    assert wrong.status_code == 422 and "categories" in wrong.json()["detail"]
    done = client.put("/api/v1/cohorts/testcohort/forum/following", headers=headers,
                      json={"category": "General", "mode": "each"})
    assert done.json() == {"subscribed": True, "each": True}
    stopped = client.put("/api/v1/cohorts/testcohort/forum/following", headers=headers,
                         json={"category": "General", "mode": "none"})
    assert stopped.json() == {"subscribed": False, "each": False}
    assert subscriptions.following(db, member=member(db, BRAM), category="General") == \
        subscriptions.Following(subscribed=False, each=False)


def test_a_digest_leaves_out_a_group_space_its_reader_has_left(db: Session) -> None:
    load_two_cohorts(db)
    start = datetime.now(UTC)
    for email in (ANNA, BRAM):
        groups_service.join(db, member=member(db, email), key="team-1")
    db.expire_all()
    anna = member(db, ANNA)
    space = groups_service.get_group(db, member=anna, key="team-1")
    topic = forum_service.create_topic(db, member=anna, category="", title="Our idea",
                                       body="A chat button", group=space, now=start)
    groups_service.move(db, member=member(db, TRAINER), membership_id=anna.membership.id, key="team-2")
    db.expire_all()
    forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0, body="Yes!",
                        now=start + timedelta(hours=1))
    assert subscriptions.send_digests(db, link_for=link, now=start + timedelta(hours=2)) == 0
    assert mails(db) == []
