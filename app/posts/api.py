from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.auth.deps import CurrentUser
from app.auth.models import Person
from app.cohorts.deps import CohortMember, CohortParticipant
from app.deps import QueryRowId, RowId, SessionDep
from app.posts import blog, comments
from app.posts import service as posts_service
from app.posts.schemas import (
    CommentIn,
    CommentPublic,
    PostChange,
    PostIn,
    PostListPublic,
    PostPublic,
    PostSummaryPublic,
    QuestionIn,
    ReflectionIn,
)
from app.schemas import STORABLE_TEXT, problems

router = APIRouter(tags=["posts"])


def _post(db: Session, user: Person, post_id: int) -> PostPublic:
    return PostPublic.model_validate(posts_service.read_post(db, user=user, post_id=post_id))


@router.put("/cohorts/{cohort}/things/{key}/reflection", response_model=PostPublic,
            responses=problems(404))
async def put_reflection(key: str, body: ReflectionIn, member: CohortParticipant,
                         db: SessionDep) -> PostPublic:
    """Write or rewrite my reflection on a Thing (what the Thing page's text box edits)."""
    post = await run_in_threadpool(posts_service.rewrite_reflection, db, member=member, key=key,
                                   body=body.body)
    return PostPublic.model_validate(posts_service.authors_view(db, member=member, post=post))


@router.post("/cohorts/{cohort}/posts", status_code=201, response_model=PostPublic,
             responses=problems(404, 409))
async def create_post(body: PostIn, member: CohortParticipant, db: SessionDep) -> PostPublic:
    """Write a post; with `thing` it is a reflection on that Thing."""
    post = await run_in_threadpool(posts_service.create_post, db, member=member, title=body.title,
                                   body=body.body, thing_key=body.thing, visibility=body.visibility)
    return PostPublic.model_validate(posts_service.authors_view(db, member=member, post=post))


@router.post("/cohorts/{cohort}/questions", status_code=201, response_model=PostPublic,
             responses=problems(404))
def ask_trainers(body: QuestionIn, member: CohortParticipant, db: SessionDep) -> PostPublic:
    """Ask the cohort's trainers (a private post); they answer in a comment."""
    post = posts_service.ask_trainers(db, member=member, body=body.body, thing_key=body.thing)
    return PostPublic.model_validate(posts_service.authors_view(db, member=member, post=post))


@router.get("/cohorts/{cohort}/posts", response_model=PostListPublic, responses=problems(404))
async def list_posts(
    member: CohortMember, db: SessionDep, after: QueryRowId = None,
    thing: Annotated[str, Query(max_length=100, pattern=STORABLE_TEXT)] = "",
    organization: Annotated[str, Query(max_length=200, pattern=STORABLE_TEXT)] = "",
    group: Annotated[str, Query(max_length=100, pattern=STORABLE_TEXT)] = "",
    author: QueryRowId = None,
) -> PostListPublic:
    """The cohort stream: every post I may read, newest first, a page at a time; narrowed to a
    Thing, an organisation, a group or one author (their blog)."""
    chosen = blog.stream_choice(db, member=member, thing=thing, organization=organization,
                                group=group, author_id=author)
    listing = blog.listing(db, member=member, choice=chosen, after=after)
    return PostListPublic(posts=[PostSummaryPublic.model_validate(e) for e in listing.entries],
                          next=listing.next_after)


@router.get("/posts/{post_id}", response_model=PostPublic, responses=problems(404))
async def get_post(post_id: RowId, user: CurrentUser, db: SessionDep) -> PostPublic:
    return _post(db, user, post_id)


@router.patch("/posts/{post_id}", response_model=PostPublic, responses=problems(403, 404, 409))
def change_post(post_id: RowId, body: PostChange, user: CurrentUser, db: SessionDep) -> PostPublic:
    """Edit my post: its title, text or who reads it."""
    member = posts_service.member_for_post(db, user=user, post_id=post_id)
    posts_service.edit_post(db, member=member, post_id=post_id, title=body.title, body=body.body,
                            visibility=body.visibility)
    return _post(db, user, post_id)


@router.post("/posts/{post_id}/comments", status_code=201, response_model=CommentPublic,
             responses=problems(403, 404))
async def add_comment(post_id: RowId, body: CommentIn, user: CurrentUser,
                      db: SessionDep) -> CommentPublic:
    """Comment on a post I may read."""
    comment = await run_in_threadpool(comments.add_comment, db, user=user, post_id=post_id,
                                      body=body.body)
    return CommentPublic.model_validate(posts_service.CommentView(comment=comment, author_name=user.name))


@router.post("/comments/{comment_id}/hide", status_code=204, responses=problems(403, 404))
def hide_comment(comment_id: RowId, user: CurrentUser, db: SessionDep) -> None:
    """Hide a comment on my post (or, as a trainer, on any post of the cohort); it is kept."""
    comments.hide_comment(db, user=user, comment_id=comment_id)
