from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.db import id_of
from app.deps import RowId, SessionDep
from app.forum import service as forum_service
from app.forum.schemas import SpaceTopicIn, TopicListPublic, TopicPublic, TopicSummaryPublic
from app.groups import service as groups_service
from app.groups.schemas import GroupListPublic, GroupMoveIn, GroupPublic, IdeaIn
from app.schemas import problems

router = APIRouter(tags=["groups"])

Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/cohorts/{cohort}/groups", response_model=GroupListPublic, responses=problems(404))
async def list_groups(member: CohortMember, db: SessionDep) -> GroupListPublic:
    return GroupListPublic.model_validate(groups_service.overview(db, member=member))


@router.get("/cohorts/{cohort}/groups/{group}", response_model=GroupPublic, responses=problems(404))
async def get_group(group: str, member: CohortMember, db: SessionDep) -> GroupPublic:
    return GroupPublic.model_validate(groups_service.group_view(db, member=member, key=group))


def _view(db: SessionDep, member: Member, group: str) -> GroupPublic:
    db.expire_all()  # the memberships just changed in SQL
    return GroupPublic.model_validate(groups_service.group_view(db, member=member, key=group))


@router.put("/cohorts/{cohort}/groups/{group}/members/me", response_model=GroupPublic,
            responses=problems(404, 409))
def join_group(group: str, member: CohortMember, db: SessionDep) -> GroupPublic:
    """Join a group (leaving your current one) while groups are open; 409 when it is full."""
    groups_service.join(db, member=member, key=group)
    return _view(db, member, group)


@router.delete("/cohorts/{cohort}/groups/{group}/members/me", status_code=204,
               responses=problems(404, 409))
def leave_group(group: str, member: CohortMember, db: SessionDep) -> Response:
    groups_service.leave(db, member=member, key=group)
    return Response(status_code=204)


@router.put("/cohorts/{cohort}/people/{membership_id}/group", status_code=204,
            responses=problems(404, 409))
def move_to_group(membership_id: RowId, body: GroupMoveIn, member: CohortMember,
                  db: SessionDep) -> Response:
    """A trainer puts a participant in a group, or (`group` null) in none."""
    groups_service.move(db, member=member, membership_id=membership_id, key=body.group)
    return Response(status_code=204)


@router.put("/cohorts/{cohort}/groups/{group}/idea", response_model=GroupPublic,
            responses=problems(404))
def set_group_idea(group: str, body: IdeaIn, member: CohortMember, db: SessionDep) -> GroupPublic:
    groups_service.set_idea(db, member=member, key=group, idea=body.idea)
    return _view(db, member, group)


@router.get("/cohorts/{cohort}/groups/{group}/topics", response_model=TopicListPublic,
            responses=problems(404))
async def list_group_topics(group: str, member: CohortMember, db: SessionDep,
                            page: Page = 1) -> TopicListPublic:
    """The group's space: its members, its resource person and the trainers only."""
    found = groups_service.get_group(db, member=member, key=group)
    listing = forum_service.topics(db, member=member, group=found, page=page)
    return TopicListPublic(topics=[TopicSummaryPublic.model_validate(t) for t in listing.topics],
                           next_page=page + 1 if listing.has_next else None)


@router.post("/cohorts/{cohort}/groups/{group}/topics", status_code=201,
             response_model=TopicPublic, responses=problems(404))
def create_group_topic(group: str, body: SpaceTopicIn, member: CohortMember,
                       db: SessionDep) -> TopicPublic:
    found = groups_service.get_group(db, member=member, key=group)
    topic = forum_service.create_topic(db, member=member, category="", title=body.title,
                                       body=body.body, group=found)
    return TopicPublic.model_validate(
        forum_service.topic_detail(db, member=member, topic_id=id_of(topic)))
