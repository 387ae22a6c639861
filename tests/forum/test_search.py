"""Search across the forum with the database's own full-text index: every word must occur
(also as the start of a longer word), titles weigh more than bodies, snippets mark the matches
safely, group spaces are searched only by those who may enter them, and the cost stays the same
as the forum grows."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.forum import service as forum_service
from app.groups import service as groups_service
from tests.fixtures.builders import ANNA, BRAM, STRANGER, TRAINER, load_two_cohorts, member
from tests.fixtures.people import sign_in, token_for
from tests.progress.test_query_count import statements_for

SEARCH = "/c/testcohort/forum/search"
API = "/api/v1/cohorts/testcohort/forum/search"


def written(db: Session) -> dict[str, int]:
    """A forum with a question answered, another waiting, and a topic in team-1's space."""
    load_two_cohorts(db)
    anna, bram = member(db, ANNA), member(db, BRAM)
    renew = forum_service.create_topic(db, member=anna, category="Help and tips",
                                       title="Renewing e-books", body="How do I renew a loan?")
    answer = forum_service.reply(db, member=bram, topic_id=renew.id or 0,
                                 body="Return the e-book & borrow it again.")
    forum_service.mark_answer(db, member=anna, topic_id=renew.id or 0, post_id=answer.id)
    waiting = forum_service.create_topic(db, member=bram, category="General", title="Printer",
                                         body="The printer on the second floor eats paper; "
                                              "who renews the toner?")
    groups_service.join(db, member=anna, key="team-1")
    db.commit()
    db.expire_all()
    group = groups_service.get_group(db, member=member(db, ANNA), key="team-1")
    secret = forum_service.create_topic(db, member=member(db, ANNA), category="", group=group,
                                        title="Our idea", body="A renewal chatbot.")
    db.commit()
    return {"renew": renew.id or 0, "answer": answer.id or 0, "waiting": waiting.id or 0,
            "secret": secret.id or 0}


def test_every_word_must_occur_and_words_match_as_prefixes(client: TestClient, db: Session) -> None:
    ids = written(db)
    headers = token_for(db, BRAM)
    db.commit()
    found = client.get(API, headers=headers, params={"q": "renew"}).json()
    # "renew" finds renew and renews; the title match comes first; team-1's space stays out
    assert [h["topic"] for h in found["hits"]] == [ids["renew"], ids["waiting"]]
    assert found["hits"][0]["is_opening"] is True
    both = client.get(API, headers=headers, params={"q": "BORROW e-book"}).json()
    assert [(h["post"], h["is_answer"]) for h in both["hits"]] == [(ids["answer"], True)]
    assert "<mark>borrow</mark>" in both["hits"][0]["snippet_html"]
    assert "&amp;" in both["hits"][0]["snippet_html"]  # the text escaped, the marks not
    assert client.get(API, headers=headers, params={"q": "renew toner"}).json()["hits"][0][
        "topic"] == ids["waiting"]
    waiting = client.get(API, headers=headers, params={"q": "renew", "unanswered": True}).json()
    assert [h["topic"] for h in waiting["hits"]] == [ids["waiting"]]
    assert client.get(API, headers=headers, params={"q": "nothing-like-it"}).json()["hits"] == []
    refused = client.get(API, headers=headers, params={"q": "?!"})
    assert refused.status_code == 422 and "Type a word" in refused.json()["detail"]


def test_a_group_space_is_searched_by_those_who_may_enter_it(
    client: TestClient, db: Session,
) -> None:
    ids = written(db)
    for email, sees in ((ANNA, True), (TRAINER, True), (BRAM, False)):
        headers = token_for(db, email)
        db.commit()
        hits = client.get(API, headers=headers, params={"q": "chatbot"}).json()["hits"]
        assert ([h["topic"] for h in hits] == [ids["secret"]]) == sees, email
    headers = token_for(db, STRANGER)
    db.commit()
    assert client.get(API, headers=headers, params={"q": "renew"}).status_code == 404
    assert client.get("/api/v1/cohorts/other/forum/search", headers=headers,
                      params={"q": "renew"}).json()["hits"] == []


def test_the_search_page_links_each_hit_to_its_place(client: TestClient, db: Session) -> None:
    ids = written(db)
    sign_in(client, BRAM)
    page = client.get(SEARCH, params={"q": "borrow"})
    assert page.status_code == 200 and "<mark>borrow</mark>" in page.text
    link = f'/c/testcohort/forum/posts/{ids["answer"]}'
    assert link in page.text
    place = client.get(link)
    assert place.status_code == 303
    assert place.headers["location"] == f'/c/testcohort/forum/topics/{ids["renew"]}#post-{ids["answer"]}'
    assert client.get("/c/testcohort/forum/posts/999999").status_code == 404
    empty = client.get(SEARCH, params={"q": "!!"})
    assert empty.status_code == 422 and 'value="!!"' in empty.text
    assert "Nothing found" in client.get(SEARCH, params={"q": "zeppelin"}).text


def test_a_search_costs_the_same_however_many_posts_match(
    client: TestClient, db: Session, engine: Engine,
) -> None:
    written(db)
    sign_in(client, BRAM)
    url = f"{SEARCH}?q=renew"
    small = len(statements_for(engine, client, url))
    bram = member(db, BRAM)
    for i in range(30):
        topic = forum_service.create_topic(db, member=bram, category="General",
                                           title=f"Renew {i}", body="renew it")
        forum_service.reply(db, member=bram, topic_id=topic.id or 0, body="renewed")
    db.commit()
    assert len(statements_for(engine, client, url)) == small
