from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.auth.deps import CurrentUser
from app.cohorts.deps import CohortMember
from app.db import id_of
from app.deps import RowId, SessionDep
from app.forum import moderation
from app.forum import search as forum_search
from app.forum import service as forum_service
from app.forum.deps import topic_link
from app.forum.schemas import (
    AnswerIn,
    EditIn,
    FollowIn,
    FollowingPublic,
    HiddenIn,
    ModerationIn,
    ReplyIn,
    ReplyPublic,
    SearchHitPublic,
    SearchResultsPublic,
    TopicIn,
    TopicListPublic,
    TopicPublic,
    TopicSummaryPublic,
)
from app.schemas import SOME_TEXT, problems

router = APIRouter(tags=["forum"])

Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/cohorts/{cohort}/forum/topics", response_model=TopicListPublic,
            responses=problems(404))
async def list_forum_topics(
    member: CohortMember, db: SessionDep,
    category: Annotated[str | None, Query(max_length=100, pattern=SOME_TEXT)] = None,
    page: Page = 1,
) -> TopicListPublic:
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


@router.get("/cohorts/{cohort}/forum/search", response_model=SearchResultsPublic,
            responses=problems(404))
def search_forum(member: CohortMember, db: SessionDep,
                 q: Annotated[str, Query(min_length=1, max_length=200, pattern=SOME_TEXT)],
                 unanswered: bool = False, page: Page = 1) -> SearchResultsPublic:
    """Posts holding every word of `q` (each also as a prefix), best first, with snippets;
    the cohort's forum and the group spaces the caller may enter."""
    found = forum_search.search(db, member=member, query=q, unanswered=unanswered, page=page)
    return SearchResultsPublic(query=found.query,
                               hits=[SearchHitPublic.model_validate(h) for h in found.hits],
                               next_page=page + 1 if found.has_next else None)


@router.get("/cohorts/{cohort}/forum/topics/{topic_id}", response_model=TopicPublic,
            responses=problems(404))
def get_forum_topic(topic_id: RowId, member: CohortMember, db: SessionDep,
                    page: Page = 1) -> TopicPublic:
    """A topic, its opening post and a page of replies."""
    # a plain `def`, unlike the other readings: opening a topic marks it read, a write
    detail = forum_service.topic_detail(db, member=member, topic_id=topic_id, page=page)
    topic = TopicPublic.model_validate(detail)
    topic.next_page = page + 1 if detail.has_next else None
    return topic


@router.post("/forum/topics/{topic_id}/replies", status_code=201, response_model=ReplyPublic,
             responses=problems(404))
def reply_to_forum_topic(request: Request, topic_id: RowId, body: ReplyIn, user: CurrentUser,
                         db: SessionDep) -> ReplyPublic:
    member = forum_service.member_for_topic(db, user=user, topic_id=topic_id)
    post = forum_service.reply(db, member=member, topic_id=topic_id, body=body.body,
                               link_for=topic_link(request))
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


@router.post("/forum/topics/{topic_id}/moderation", response_model=TopicPublic,
             responses=problems(404, 409))
def moderate_forum_topic(topic_id: RowId, body: ModerationIn, user: CurrentUser,
                         db: SessionDep) -> TopicPublic:
    """A trainer pins, unpins, locks, unlocks or moves a topic; each action joins its record."""
    member = forum_service.member_for_topic(db, user=user, topic_id=topic_id)
    moderation.moderate_topic(db, member=member, topic_id=topic_id, action=body.action,
                              category=body.category)
    return TopicPublic.model_validate(
        forum_service.topic_detail(db, member=member, topic_id=topic_id))


@router.put("/forum/posts/{forum_post_id}/hidden", status_code=204, responses=problems(404))
def hide_forum_post(forum_post_id: RowId, body: HiddenIn, user: CurrentUser,
                    db: SessionDep) -> Response:
    """A trainer hides a post (kept, and seen by trainers) or shows it again."""
    member = forum_service.member_for_post(db, user=user, post_id=forum_post_id)
    moderation.set_hidden(db, member=member, post_id=forum_post_id, hidden=body.hidden)
    return Response(status_code=204)


@router.patch("/forum/posts/{forum_post_id}", response_model=ReplyPublic,
              responses=problems(404, 409))
def edit_forum_post(forum_post_id: RowId, body: EditIn, user: CurrentUser,
                    db: SessionDep) -> ReplyPublic:
    """The author edits a post, within minutes of writing it; it is then shown as edited."""
    member = forum_service.member_for_post(db, user=user, post_id=forum_post_id)
    post = forum_service.edit_post(db, member=member, post_id=forum_post_id, body=body.body)
    return ReplyPublic.model_validate(forum_service.PostEntry(post=post, author_name=member.user.name))


@router.put("/cohorts/{cohort}/forum/following", response_model=FollowingPublic,
            responses=problems(404))
def follow_forum(body: FollowIn, member: CohortMember, db: SessionDep) -> FollowingPublic:
    """Follow a topic (`topic`) or a category (`category`) by mail: `each` reply at once, a
    daily `digest`, or `none` to stop."""
    if body.mode == "none":
        forum_service.unfollow(db, member=member, topic_id=body.topic, category=body.category)
        return FollowingPublic(subscribed=False, each=False)
    found = forum_service.follow(db, member=member, topic_id=body.topic, category=body.category,
                                 each=body.mode == "each")
    return FollowingPublic(subscribed=found.subscribed, each=found.each)
