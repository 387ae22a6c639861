from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import CohortMember, CurrentUser, SessionDep
from app.errors import InvalidInput
from app.i18n import _
from app.posts import service as posts_service
from app.posts.models import AuthorPublic, PostIn, PostPublic, ReflectionIn

router = APIRouter(tags=["posts"])


def post_public(detail: posts_service.PostDetail) -> PostPublic:
    post = detail.post
    assert post.id is not None
    return PostPublic(
        id=post.id, title=post.title, body=post.body, html=posts_service.plain_html(post.body),
        author=AuthorPublic(name=detail.author.name, email=detail.author.email),
        thing=detail.thing.key if detail.thing else None, cohort=detail.cohort.key,
        word_count=post.word_count, visibility=post.visibility, created_at=post.created_at,
        updated_at=post.updated_at, comments=[],
    )


@router.put("/cohorts/{cohort}/things/{key}/reflection", response_model=PostPublic,
            responses={404: {"description": "no such cohort for you, or no such Thing"}})
def put_reflection(key: str, body: ReflectionIn, member: CohortMember, db: SessionDep) -> PostPublic:
    """Write or rewrite my reflection on a Thing (what the Thing page's text box edits)."""
    if not body.body.strip():
        raise InvalidInput(_("A reflection needs some text."))
    thing = posts_service.find_thing(db, member=member, key=key)
    post = posts_service.save_reflection(db, member=member, thing=thing, body=body.body)
    assert post is not None and post.id is not None  # saved: the text is not blank
    return post_public(posts_service.get_post(db, user=member.user, post_id=post.id))


@router.post("/cohorts/{cohort}/posts", status_code=201, response_model=PostPublic)
def create_post(body: PostIn, member: CohortMember, db: SessionDep) -> PostPublic:
    """Write a post; with `thing` it is a reflection on that Thing."""
    post = posts_service.create_post(db, member=member, title=body.title, body=body.body,
                                     thing_key=body.thing)
    assert post.id is not None
    return post_public(posts_service.get_post(db, user=member.user, post_id=post.id))


# ids are 64-bit in every database we support; a larger number is a typo, not a post
PostId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The post's id.")]


@router.get("/posts/{post_id}", response_model=PostPublic,
            responses={404: {"description": "no such post that you can see"}})
def get_post(post_id: PostId, user: CurrentUser, db: SessionDep) -> PostPublic:
    return post_public(posts_service.get_post(db, user=user, post_id=post_id))
