"""A Thing can point to the forum (`forum: {category: X}` or `{topic: title}`): its page links
there, and the trainer sees who has posted there; a wrong category is refused with its place."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.forum import service as forum_service
from tests.fixtures.builders import ANNA, BRAM, FORUM_PROGRAM, TRAINER, cohort_yaml, load, member, validate
from tests.fixtures.people import sign_in

INTRO = "    title: Introduce yourself\n"
WITH_TOPIC = FORUM_PROGRAM.replace(INTRO, INTRO + "    forum: {topic: Hello everyone}\n", 1)
WITH_CATEGORY = FORUM_PROGRAM.replace(INTRO, INTRO + "    forum: {category: Help and tips}\n", 1)


def test_a_thing_links_to_its_topic_and_the_trainer_sees_who_posted(
    client: TestClient, db: Session,
) -> None:
    assert WITH_TOPIC != FORUM_PROGRAM
    load(db, WITH_TOPIC, cohort_yaml())
    sign_in(client, ANNA)
    page = client.get("/c/testcohort/things/intro").text
    assert "Start the topic “Hello everyone”" in page
    assert "/c/testcohort/forum/new?category=General&amp;title=Hello+everyone" in page
    topic = forum_service.create_topic(db, member=member(db, ANNA), category="General",
                                       title="Hello everyone", body="Hi, I am Anna.")
    forum_service.reply(db, member=member(db, BRAM), topic_id=topic.id or 0, body="Hi Anna!")
    db.commit()
    page = client.get("/c/testcohort/things/intro").text
    assert f'href="/c/testcohort/forum/topics/{topic.id}">Join the discussion: Hello everyone' in page
    assert "participants have posted there" not in page  # the trainer's view only
    trainer = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(trainer, TRAINER)
    assert "2 of 2 participants have posted there: Anna, Bram." in trainer.get(
        "/c/testcohort/things/intro").text


def test_a_thing_links_to_its_category(client: TestClient, db: Session) -> None:
    load(db, WITH_CATEGORY, cohort_yaml())
    sign_in(client, ANNA)
    assert ('href="/c/testcohort/forum?category=Help+and+tips">Talk about it in the forum: '
            'Help and tips') in client.get("/c/testcohort/things/intro").text


def test_a_forum_link_needs_the_forum_and_one_of_its_categories() -> None:
    wrong = FORUM_PROGRAM.replace(INTRO, INTRO + "    forum: {category: Gossip}\n", 1)
    problems = [str(p) for p in validate(wrong).problems]
    assert len(problems) == 1 and "no forum category 'Gossip'; expected one of" in problems[0]
    assert problems[0].startswith("file0.yaml:12:12: things[0].forum.category:")
    no_forum = WITH_TOPIC.replace("forum: {categories: [General, Help and tips]}\n", "")
    problems = [str(p) for p in validate(no_forum).problems]
    assert len(problems) == 1 and "the programme has no forum" in problems[0]
