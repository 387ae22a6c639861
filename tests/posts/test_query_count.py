"""The stream, a blog and a post with its comments cost the same number of SQL statements
however many posts and comments there are."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.posts import comments
from app.posts import service as posts_service
from tests.fixtures.builders import ANNA, BRAM, PROGRAM, cohort_yaml, load, member
from tests.fixtures.people import sign_in
from tests.progress.test_query_count import statements_for


def written(db: Session, posts: int, comment_count: int) -> tuple[int, int]:
    """Bram writes `posts` posts (every other on a Thing); Anna comments `comment_count` times on
    the first. Returns the first post's id and Bram's membership id."""
    load(db, PROGRAM, cohort_yaml())
    bram, anna = member(db, BRAM), member(db, ANNA)
    ids = [posts_service.create_post(db, member=bram, title=f"Post {i}", body=f"Text *{i}*",
                                     thing_key="intro" if i % 2 else None).id for i in range(posts)]
    for i in range(comment_count):
        comments.add_comment(db, user=anna.user, post_id=ids[0] or 0, body=f"Comment {i}")
    db.commit()
    return ids[0] or 0, bram.membership.id


def pages(db: Session, post_id: int, bram_id: int) -> list[str]:
    return ["/c/testcohort/stream", "/c/testcohort/stream?thing=intro",
            f"/c/testcohort/blog/{bram_id}", f"/posts/{post_id}", "/c/testcohort/things/intro",
            "/api/v1/cohorts/testcohort/posts"]


def test_few_or_many_posts_and_comments_cost_the_same(
    client: TestClient, db: Session, engine: Engine
) -> None:
    few = written(db, posts=3, comment_count=2)
    sign_in(client, ANNA)
    small = {url: len(statements_for(engine, client, url)) for url in pages(db, *few)}

    more_posts = [posts_service.create_post(db, member=member(db, BRAM), title=f"More {i}",
                                            body="More text", thing_key="intro").id
                  for i in range(60)]
    assert len(more_posts) == 60
    for i in range(200):
        comments.add_comment(db, user=member(db, ANNA).user, post_id=few[0], body=f"More {i}")
    db.commit()
    large = {url: len(statements_for(engine, client, url)) for url in pages(db, *few)}
    print("\n" + "\n".join(f"{url}: {small[url]} statements, then {large[url]}" for url in small))
    assert small == large
