"""Groups in the browser: the cohort's groups, a group's page with its space, joining and
leaving, and the trainers' moves. Every form redirects back to the page it came from."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.deps import RowId, SessionDep, form_row_id
from app.errors import DomainError
from app.forum import service as forum_service
from app.groups import service as groups_service
from app.i18n import _
from app.security import flash
from app.templating import render

router = APIRouter()

TextField = Annotated[str, Form()]
Page = Annotated[int, Query(ge=1, le=100_000)]
GROUP_KEY = re.compile(r"[a-z0-9-]{1,100}")  # as cohort files name groups


def _back(request: Request, member: Member, group: str | None = None) -> RedirectResponse:
    url = (request.app.url_path_for("group_page", cohort=member.cohort.key, group=group) if group
           else request.app.url_path_for("groups_page", cohort=member.cohort.key))
    return RedirectResponse(url, status_code=303)


def _groups_page(request: Request, db: Session, member: Member, *, status_code: int = 200,
                 error: str | None = None) -> Response:
    found = groups_service.overview(db, member=member)
    return render(request, "groups/index.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "overview": found,
        "error": error}, status_code=status_code)


@router.get("/c/{cohort}/groups")
def groups_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    return _groups_page(request, db, member)


def _group_page(request: Request, db: Session, member: Member, group: str, *, page: int = 1,
                idea: str | None = None, status_code: int = 200, error: str | None = None,
                error_field: str | None = None) -> Response:
    view = groups_service.group_view(db, member=member, key=group)
    space = (forum_service.topics(db, member=member, group=view.group, page=page)
             if view.may_enter else None)
    choices = (groups_service.resource_choices(db, member=member) if member.is_trainer
               and not member.is_admin_view else [])
    others = groups_service.overview(db, member=member).groups if member.is_trainer else []
    return render(request, "groups/group.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "view": view,
        "space": space, "resource_choices": choices, "other_groups": others,
        "idea": view.group.idea or "" if idea is None else idea, "error": error,
        "error_field": error_field}, status_code=status_code)


@router.get("/c/{cohort}/groups/{group}")
def group_page(request: Request, group: str, member: CohortMember, db: SessionDep,
               page: Page = 1) -> Response:
    return _group_page(request, db, member, group, page=page)


@router.post("/c/{cohort}/groups/{group}/join")
def join_group_form(request: Request, group: str, member: CohortMember, db: SessionDep) -> Response:
    try:
        joined = groups_service.join(db, member=member, key=group)
    except DomainError as exc:
        return _groups_page(request, db, member, status_code=exc.status_code, error=exc.detail)
    flash(request, _("You are in {group} now.").format(group=joined.name))
    return _back(request, member, group)


@router.post("/c/{cohort}/groups/{group}/leave")
def leave_group_form(request: Request, group: str, member: CohortMember, db: SessionDep) -> Response:
    try:
        groups_service.leave(db, member=member, key=group)
    except DomainError as exc:
        return _groups_page(request, db, member, status_code=exc.status_code, error=exc.detail)
    flash(request, _("You have left the group."))
    return _back(request, member)


@router.post("/c/{cohort}/groups/{group}/idea")
def group_idea_form(request: Request, group: str, member: CohortMember, db: SessionDep,
                    idea: TextField = "") -> Response:
    try:
        groups_service.set_idea(db, member=member, key=group, idea=idea)
    except DomainError as exc:
        return _group_page(request, db, member, group, idea=idea, status_code=exc.status_code,
                           error=exc.detail, error_field=exc.field)
    flash(request, _("The working title is saved."))
    return _back(request, member, group)


@router.post("/c/{cohort}/groups/{group}/resource")
def group_resource_form(request: Request, group: str, member: CohortMember, db: SessionDep,
                        resource: TextField = "") -> Response:
    try:
        groups_service.set_resource(db, member=member, key=group,
                                    user_id=form_row_id(resource))
    except DomainError as exc:
        return _group_page(request, db, member, group, status_code=exc.status_code,
                           error=exc.detail, error_field=exc.field)
    flash(request, _("The resource person is saved."))
    return _back(request, member, group)


@router.post("/c/{cohort}/groups/moves/{membership_id}")
def move_to_group_form(request: Request, membership_id: RowId, member: CohortMember,
                       db: SessionDep, group: TextField = "", back: TextField = "") -> Response:
    try:
        groups_service.move(db, member=member, membership_id=membership_id, key=group or None)
    except DomainError as exc:
        return _groups_page(request, db, member, status_code=exc.status_code, error=exc.detail)
    flash(request, _("The move is saved."))
    return _back(request, member, back if GROUP_KEY.fullmatch(back) else None)


def _new_topic_page(request: Request, member: Member, view: groups_service.GroupView, *,
                    title: str = "", body: str = "", status_code: int = 200,
                    error: str | None = None, error_field: str | None = None) -> Response:
    return render(request, "forum/new.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "group": view.group,
        "categories": [], "category": "", "title": title, "body": body, "error": error,
        "error_field": error_field}, status_code=status_code)


def _space(db: Session, member: Member, group: str) -> groups_service.GroupView:
    view = groups_service.group_view(db, member=member, key=group)
    forum_service.require_space(member, view.group)
    return view


@router.get("/c/{cohort}/groups/{group}/topics/new")
def new_group_topic_page(request: Request, group: str, member: CohortMember,
                         db: SessionDep) -> Response:
    return _new_topic_page(request, member, _space(db, member, group))


@router.post("/c/{cohort}/groups/{group}/topics/new")
def new_group_topic_form(request: Request, group: str, member: CohortMember, db: SessionDep,
                         title: TextField = "", body: TextField = "") -> Response:
    view = _space(db, member, group)
    try:
        topic = forum_service.create_topic(db, member=member, category="", title=title,
                                           body=body, group=view.group)
    except DomainError as exc:
        return _new_topic_page(request, member, view, title=title, body=body,
                               status_code=exc.status_code, error=exc.detail,
                               error_field=exc.field)
    flash(request, _("Your topic is posted."))
    return RedirectResponse(request.app.url_path_for(
        "topic_page", cohort=member.cohort.key, topic_id=str(topic.id)), status_code=303)
