from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser
from app.cohorts.deps import CohortParticipant
from app.db import id_of
from app.deps import RowId, SessionDep
from app.posts import service as posts_service
from app.posts.schemas import PostIn, PostPublic, ReflectionIn
from app.schemas import problems

router = APIRouter(tags=["posts"])


@router.put("/cohorts/{cohort}/things/{key}/reflection", response_model=PostPublic,
            responses=problems(404))
def put_reflection(key: str, body: ReflectionIn, member: CohortParticipant,
                   db: SessionDep) -> PostPublic:
    """Write or rewrite my reflection on a Thing (what the Thing page's text box edits)."""
    post = posts_service.rewrite_reflection(db, member=member, key=key, body=body.body)
    return PostPublic.model_validate(posts_service.get_post(db, user=member.user, post_id=id_of(post)))


@router.post("/cohorts/{cohort}/posts", status_code=201, response_model=PostPublic,
             responses=problems(404))
def create_post(body: PostIn, member: CohortParticipant, db: SessionDep) -> PostPublic:
    """Write a post; with `thing` it is a reflection on that Thing."""
    post = posts_service.create_post(db, member=member, title=body.title, body=body.body,
                                     thing_key=body.thing)
    return PostPublic.model_validate(posts_service.get_post(db, user=member.user, post_id=id_of(post)))


@router.get("/posts/{post_id}", response_model=PostPublic, responses=problems(404))
def get_post(post_id: RowId, user: CurrentUser, db: SessionDep) -> PostPublic:
    return PostPublic.model_validate(posts_service.get_post(db, user=user, post_id=post_id))
