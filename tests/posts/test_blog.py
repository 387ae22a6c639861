"""The learning blog: who reads which post, writing, editing, deleting, comments, the stream."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.progress import service as progress_service
from tests.fixtures.builders import (
    ANNA,
    BRAM,
    ENOUGH_WORDS,
    MANAGER,
    PROGRAM,
    STRANGER,
    TRAINER,
    cohort_yaml,
    load,
    load_two_cohorts,
    member,
)
from tests.fixtures.people import csrf_from, sign_in, token_for

POSTS = "/api/v1/cohorts/testcohort/posts"


def public_allowed(db: Session) -> None:
    load(db, PROGRAM, cohort_yaml() + "posts: {allow_public: true}\n")


def write(client: TestClient, headers: dict[str, str], **fields: object) -> int:
    response = client.post(POSTS, headers=headers, json={"title": "A post", "body": "Some text",
                                                         **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_private_post_is_read_by_its_author_and_the_trainers_only(
    client: TestClient, db: Session
) -> None:
    load_two_cohorts(db)
    post_id = write(client, token_for(db, ANNA), visibility="private")
    seen = {who: client.get(f"/api/v1/posts/{post_id}", headers=token_for(db, who)).status_code
            for who in (ANNA, TRAINER, BRAM, MANAGER, STRANGER)}
    assert seen == {ANNA: 200, TRAINER: 200, BRAM: 404, MANAGER: 404, STRANGER: 404}
    stream = client.get(POSTS, headers=token_for(db, BRAM)).json()
    assert stream["posts"] == []


def test_a_cohort_post_is_read_by_every_member_and_nobody_else(client: TestClient, db: Session) -> None:
    load_two_cohorts(db)
    post_id = write(client, token_for(db, ANNA))  # the cohort's default: the cohort
    seen = {who: client.get(f"/api/v1/posts/{post_id}", headers=token_for(db, who)).status_code
            for who in (BRAM, MANAGER, STRANGER)}
    assert seen == {BRAM: 200, MANAGER: 200, STRANGER: 404}
    assert client.get(f"/posts/{post_id}").status_code == 404  # nobody signed in


def test_public_posts_only_where_the_cohort_allows_them(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    refused = client.post(POSTS, headers=token_for(db, ANNA),
                          json={"title": "Hi", "body": "Text", "visibility": "public"})
    assert refused.status_code == 409
    assert "keeps posts inside the cohort" in refused.json()["detail"]


def test_a_public_post_can_be_read_by_anyone_with_the_link(client: TestClient, db: Session) -> None:
    public_allowed(db)
    post_id = write(client, token_for(db, ANNA), visibility="public", body="Hello **world**")
    page = client.get(f"/posts/{post_id}")
    assert page.status_code == 200
    assert "<strong>world</strong>" in page.text
    assert "Add comment" not in page.text  # only members comment


def test_the_form_says_who_will_read_the_post(client: TestClient, db: Session) -> None:
    public_allowed(db)
    sign_in(client, ANNA)
    page = client.get("/c/testcohort/posts/new").text
    assert "Only me and the cohort's trainers" in page
    assert "Everyone in the cohort" in page
    assert "Anyone with the link" in page


def test_preview_shows_the_rendered_text_and_saves_nothing(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    csrf = sign_in(client, ANNA)
    response = client.post("/c/testcohort/posts", data={
        "csrf_token": csrf, "title": "Draft", "body": "A *draft* <b>text</b>",
        "visibility": "cohort", "intent": "preview"})
    assert response.status_code == 200
    assert "<em>draft</em>" in response.text and "&lt;b&gt;text&lt;/b&gt;" in response.text
    assert "A *draft* &lt;b&gt;text&lt;/b&gt;</textarea>" in response.text  # the text is kept
    assert client.get(POSTS, headers=token_for(db, ANNA)).json()["posts"] == []


def test_writing_in_the_browser_and_a_refusal_keeps_the_text(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    csrf = sign_in(client, ANNA)
    refused = client.post("/c/testcohort/posts", data={
        "csrf_token": csrf, "title": "  ", "body": "Kept words", "visibility": "cohort"})
    assert refused.status_code == 422
    assert "needs a title" in refused.text and "Kept words</textarea>" in refused.text
    done = client.post("/c/testcohort/posts", data={
        "csrf_token": csrf, "title": "Week one", "body": "Kept words", "visibility": "private"})
    assert done.status_code == 303
    post = client.get(done.headers["location"])
    assert "Week one" in post.text and "only the author and the trainers" in post.text


def test_only_the_author_edits_and_deletes(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna, bram = token_for(db, ANNA), token_for(db, BRAM)
    post_id = write(client, anna)
    assert client.patch(f"/api/v1/posts/{post_id}", headers=bram, json={"title": "Mine"}).status_code == 403
    assert client.delete(f"/api/v1/posts/{post_id}", headers=bram).status_code == 403
    changed = client.patch(f"/api/v1/posts/{post_id}", headers=anna,
                           json={"body": "New words here", "visibility": "private"})
    assert changed.status_code == 200
    assert (changed.json()["body"], changed.json()["visibility"], changed.json()["word_count"]) == (
        "New words here", "private", 3)
    assert client.delete(f"/api/v1/posts/{post_id}", headers=anna).status_code == 200
    assert client.get(f"/api/v1/posts/{post_id}", headers=anna).status_code == 404
    assert client.get(POSTS, headers=anna).json()["posts"] == []


def test_a_refused_edit_on_the_page_changes_nothing_and_keeps_what_was_typed(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna = token_for(db, ANNA)
    post_id = write(client, anna)
    before = client.get(f"/api/v1/posts/{post_id}", headers=anna).json()
    csrf = sign_in(client, ANNA)
    refused = client.post(f"/posts/{post_id}/edit", data={
        "csrf_token": csrf, "title": "A better title", "body": "   "})
    assert refused.status_code == 422 and "needs a title and some text" in refused.text
    assert 'value="A better title"' in refused.text
    after = client.get(f"/api/v1/posts/{post_id}", headers=anna).json()
    assert (after["title"], after["body"]) == (before["title"], before["body"])


def test_deleting_a_done_things_reflection_asks_first_and_reopens_it(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna = member(db, ANNA)
    progress_service.submit(db, member=anna, key="reflect", reflection=ENOUGH_WORDS, evidence_url=None)
    db.commit()
    headers = token_for(db, ANNA)
    post_id = client.get(POSTS, headers=headers).json()["posts"][0]["id"]
    refused = client.delete(f"/api/v1/posts/{post_id}", headers=headers)
    assert refused.status_code == 409
    assert "back to open" in refused.json()["detail"]

    csrf = sign_in(client, ANNA)
    ask = client.get(f"/posts/{post_id}/delete")
    assert "puts the Thing back to open" in ask.text
    done = client.post(f"/posts/{post_id}/delete", data={"csrf_token": csrf, "reopen_thing": "true"})
    assert done.status_code == 303
    things = {t["key"]: t["status"] for t in
              client.get("/api/v1/cohorts/testcohort/things", headers=headers).json()}
    assert things["reflect"] != "done"
    assert client.get(f"/api/v1/posts/{post_id}", headers=headers).status_code == 404


def test_comments_their_count_for_the_author_and_hiding(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    anna, bram = token_for(db, ANNA), token_for(db, BRAM)
    post_id = write(client, anna, body="My reflection")
    comment = client.post(f"/api/v1/posts/{post_id}/comments", headers=bram,
                          json={"body": "Nice *work*"})
    assert comment.status_code == 201
    assert comment.json()["html"] == "<p>Nice <em>work</em></p>\n"
    client.post(f"/api/v1/posts/{post_id}/comments", headers=bram, json={"body": "Second"})

    sign_in(client, ANNA)
    things = client.get("/c/testcohort/things").text
    assert "2 new comments" in things
    blog = client.get("/c/testcohort/blog").text
    assert "Bram on" in blog and "A post</a>" in blog
    assert blog.count(">new</strong>") == 2
    assert "new comment" not in client.get("/c/testcohort/things").text  # seen now

    assert client.post(f"/api/v1/comments/{comment.json()['id']}/hide", headers=bram).status_code == 403
    assert client.post(f"/api/v1/comments/{comment.json()['id']}/hide", headers=anna).status_code == 204
    shown = client.get(f"/api/v1/posts/{post_id}", headers=bram).json()["comments"]
    assert [c["body"] for c in shown] == ["Second"]


def test_a_trainer_hides_a_comment_and_the_authors_count_goes_down(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM, cohort_yaml())
    post_id = write(client, token_for(db, ANNA))
    comment = client.post(f"/api/v1/posts/{post_id}/comments", headers=token_for(db, BRAM),
                          json={"body": "Rude words"}).json()
    assert client.post(f"/api/v1/comments/{comment['id']}/hide",
                       headers=token_for(db, TRAINER)).status_code == 204
    sign_in(client, ANNA)
    assert "new comment" not in client.get("/c/testcohort/things").text


def test_the_stream_pages_newest_first_and_filters(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml(participants=[ANNA, BRAM]).replace(
        "organizations: [Lib]", "organizations: [Lib, Town]").replace(
        "name: Bram, organization: Lib", "name: Bram, organization: Town"))
    anna, bram = token_for(db, ANNA), token_for(db, BRAM)
    ids = [write(client, anna, title=f"Anna {i}") for i in range(23)]
    on_intro = write(client, bram, title="Bram on intro", thing="intro")
    first = client.get(POSTS, headers=anna).json()
    assert [p["id"] for p in first["posts"]] == [on_intro, *ids[::-1][:19]]
    second = client.get(POSTS, headers=anna, params={"after": first["next"]}).json()
    assert [p["id"] for p in second["posts"]] == ids[::-1][19:]
    assert second["next"] is None
    by_thing = client.get(POSTS, headers=anna, params={"thing": "intro"}).json()["posts"]
    assert [p["title"] for p in by_thing] == ["Bram on intro"]
    by_town = client.get(POSTS, headers=anna, params={"organization": "Town"}).json()["posts"]
    assert [p["author"] for p in by_town] == ["Bram"]
    assert client.get(POSTS, headers=anna, params={"thing": "nope"}).status_code == 404
    assert client.get(POSTS, headers=anna, params={"after": "garbage"}).status_code == 422
    assert client.get(POSTS, headers=anna, params={"after": 999_999}).json()["posts"] == []

    sign_in(client, ANNA)
    page = client.get("/c/testcohort/stream", params={"thing": "intro"})
    assert "Bram on intro" in page.text and "Anna 3" not in page.text


def test_a_question_reaches_the_trainers_desk_and_is_answered_in_a_comment(
    client: TestClient, db: Session
) -> None:
    load(db, PROGRAM, cohort_yaml())
    asked = client.post("/api/v1/cohorts/testcohort/questions", headers=token_for(db, ANNA),
                        json={"body": "How do I embed a video?", "thing": "screencast"})
    assert asked.status_code == 201
    question = asked.json()
    assert (question["visibility"], question["title"]) == ("private", "Question about “Make a screencast”")
    assert client.get(f"/api/v1/posts/{question['id']}", headers=token_for(db, BRAM)).status_code == 404

    sign_in(client, TRAINER)
    desk = client.get("/c/testcohort/desk").text
    assert "How do I embed a video?" in desk
    page = client.get(f"/posts/{question['id']}").text
    answered = client.post(f"/posts/{question['id']}/comments",
                           data={"csrf_token": csrf_from(page), "body": "Use the share button."})
    assert answered.status_code == 303
    sign_in(client, ANNA)
    assert "1 new comment" in client.get("/c/testcohort/things").text


def test_a_things_page_shows_what_colleagues_wrote_about_it(client: TestClient, db: Session) -> None:
    load(db, PROGRAM, cohort_yaml())
    bram = token_for(db, BRAM)
    for i in range(4):
        write(client, bram, title=f"Bram's take {i}", thing="intro")
    write(client, bram, title="Bram's private take", thing="intro", visibility="private")
    sign_in(client, ANNA)
    page = client.get("/c/testcohort/things/intro").text
    shown = [f"Bram&#39;s take {i}" in page for i in range(4)]
    assert shown == [False, True, True, True]  # the latest three
    assert "private take" not in page
    assert "Everything written about this Thing" in page
