from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.auth.deps import CurrentUser
from app.cohorts.deps import CohortMember
from app.db import id_of
from app.deps import RowId, SessionDep
from app.forum import service as forum_service
from app.forum.schemas import (
    AnswerIn,
    ReplyIn,
    ReplyPublic,
    TopicIn,
    TopicListPublic,
    TopicPublic,
    TopicSummaryPublic,
)
from app.schemas import problems

router = APIRouter(tags=["forum"])

Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/cohorts/{cohort}/forum/topics", response_model=TopicListPublic,
            responses=problems(404))
def list_forum_topics(member: CohortMember, db: SessionDep, category: str | None = None,
                      page: Page = 1) -> TopicListPublic:
    """Topics, newest activity first; `category` picks one of the programme's categories."""
    found = forum_service.topics(db, member=member, category=category, page=page)
    return TopicListPublic(topics=[TopicSummaryPublic.model_validate(t) for t in found.topics],
                           next_page=page + 1 if found.has_next else None)


@router.post("/cohorts/{cohort}/forum/topics", status_code=201, response_model=TopicPublic,
             responses=problems(404))
def create_forum_topic(body: TopicIn, member: CohortMember, db: SessionDep) -> TopicPublic:
    topic = forum_service.create_topic(db, member=member, category=body.category,
                                       title=body.title, body=body.body)
    return TopicPublic.model_validate(
        forum_service.topic_detail(db, member=member, topic_id=id_of(topic)))


@router.get("/cohorts/{cohort}/forum/topics/{topic_id}", response_model=TopicPublic,
            responses=problems(404))
def get_forum_topic(topic_id: RowId, member: CohortMember, db: SessionDep,
                    page: Page = 1) -> TopicPublic:
    """A topic, its opening post and a page of replies."""
    detail = forum_service.topic_detail(db, member=member, topic_id=topic_id, page=page)
    topic = TopicPublic.model_validate(detail)
    topic.next_page = page + 1 if detail.has_next else None
    return topic


@router.post("/forum/topics/{topic_id}/replies", status_code=201, response_model=ReplyPublic,
             responses=problems(404))
def reply_to_forum_topic(topic_id: RowId, body: ReplyIn, user: CurrentUser,
                         db: SessionDep) -> ReplyPublic:
    member = forum_service.member_for_topic(db, user=user, topic_id=topic_id)
    post = forum_service.reply(db, member=member, topic_id=topic_id, body=body.body)
    return ReplyPublic.model_validate(forum_service.PostEntry(post=post, author_name=member.user.name))


@router.put("/forum/topics/{topic_id}/answer", response_model=TopicPublic,
            responses=problems(404))
def mark_forum_answer(topic_id: RowId, body: AnswerIn, user: CurrentUser,
                      db: SessionDep) -> TopicPublic:
    """Mark one of the replies as the answer: the person who asked, or a trainer."""
    member = forum_service.member_for_topic(db, user=user, topic_id=topic_id)
    forum_service.mark_answer(db, member=member, topic_id=topic_id, post_id=body.post)
    return TopicPublic.model_validate(
        forum_service.topic_detail(db, member=member, topic_id=topic_id))


@router.delete("/forum/topics/{topic_id}/answer", status_code=204, responses=problems(404))
def unmark_forum_answer(topic_id: RowId, user: CurrentUser, db: SessionDep) -> Response:
    member = forum_service.member_for_topic(db, user=user, topic_id=topic_id)
    forum_service.mark_answer(db, member=member, topic_id=topic_id, post_id=None)
    return Response(status_code=204)
