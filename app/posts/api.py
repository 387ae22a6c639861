from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlmodel import Session

from app.deps import CohortMember, CurrentUser, SessionDep
from app.posts import service as posts_service
from app.posts.models import AuthorPublic, PostIn, PostPublic

router = APIRouter(tags=["posts"])


def post_public(db: Session, detail: posts_service.PostDetail) -> PostPublic:
    post = detail.post
    assert post.id is not None
    return PostPublic(
        id=post.id, title=post.title, body=post.body, html=posts_service.plain_html(post.body),
        author=AuthorPublic(name=detail.author.name, email=detail.author.email),
        thing=detail.thing.key if detail.thing else None, cohort=detail.cohort.key,
        word_count=post.word_count, visibility=post.visibility, created_at=post.created_at,
        updated_at=post.updated_at, comments=[],
    )


@router.post("/cohorts/{cohort}/posts", status_code=201, response_model=PostPublic)
def create_post(body: PostIn, member: CohortMember, db: SessionDep) -> PostPublic:
    """Write a post; with `thing` it is a reflection on that Thing."""
    post = posts_service.create_post(db, member=member, title=body.title, body=body.body,
                                     thing_key=body.thing)
    assert post.id is not None
    return post_public(db, posts_service.get_post(db, user=member.user, post_id=post.id))


# ids are 64-bit in every database we support; a larger number is a typo, not a post
PostId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The post's id.")]


@router.get("/posts/{post_id}", response_model=PostPublic,
            responses={404: {"description": "no such post that you can see"}})
def get_post(post_id: PostId, user: CurrentUser, db: SessionDep) -> PostPublic:
    return post_public(db, posts_service.get_post(db, user=user, post_id=post_id))
