"""The cohort forum in the browser: lists stay on the event loop; writing redirects back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.deps import RowId, SessionDep
from app.errors import DomainError
from app.forum import service as forum_service
from app.i18n import _
from app.security import flash
from app.templating import render

router = APIRouter()

TextField = Annotated[str, Form()]
Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/c/{cohort}/forum")
async def forum_page(request: Request, member: CohortMember, db: SessionDep,
                     category: str = "", unanswered: bool = False, page: Page = 1) -> Response:
    listing = forum_service.topics(db, member=member, category=category or None,
                                   unanswered=unanswered, page=page)
    return render(request, "forum/index.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "listing": listing,
        "categories": forum_service.categories(member)})


def _new_topic_page(request: Request, member: Member, *, category: str, title: str = "",
                    body: str = "", status_code: int = 200, error: str | None = None,
                    error_field: str | None = None) -> Response:
    return render(request, "forum/new.html", {
        "user": member.user, "member": member, "cohort": member.cohort,
        "categories": forum_service.require_forum(member), "category": category, "title": title,
        "body": body, "error": error, "error_field": error_field}, status_code=status_code)


@router.get("/c/{cohort}/forum/new")
def new_topic_page(request: Request, member: CohortMember, category: str = "") -> Response:
    return _new_topic_page(request, member, category=category)


@router.post("/c/{cohort}/forum/new")
def new_topic_form(request: Request, member: CohortMember, db: SessionDep,
                   category: TextField = "", title: TextField = "", body: TextField = "") -> Response:
    try:
        topic = forum_service.create_topic(db, member=member, category=category, title=title,
                                           body=body)
    except DomainError as exc:
        return _new_topic_page(request, member, category=category, title=title, body=body,
                               status_code=exc.status_code, error=exc.detail, error_field=exc.field)
    flash(request, _("Your topic is posted."))
    return RedirectResponse(request.app.url_path_for(
        "topic_page", cohort=member.cohort.key, topic_id=str(topic.id)), status_code=303)


def _topic_page(request: Request, db: Session, member: Member, topic_id: int, *, page: int = 1,
                body: str = "", status_code: int = 200, error: str | None = None,
                error_field: str | None = "body") -> Response:
    detail = forum_service.topic_detail(db, member=member, topic_id=topic_id, page=page)
    return render(request, "forum/topic.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "detail": detail,
        "body": body, "error": error, "error_field": error_field}, status_code=status_code)


@router.get("/c/{cohort}/forum/topics/{topic_id}")
def topic_page(request: Request, topic_id: RowId, member: CohortMember, db: SessionDep,
                     page: Page = 1) -> Response:
    return _topic_page(request, db, member, topic_id, page=page)


@router.post("/c/{cohort}/forum/topics/{topic_id}/replies")
def reply_form(request: Request, topic_id: RowId, member: CohortMember, db: SessionDep,
               body: TextField = "") -> Response:
    try:
        post = forum_service.reply(db, member=member, topic_id=topic_id, body=body)
    except DomainError as exc:
        return _topic_page(request, db, member, topic_id, body=body,
                           status_code=exc.status_code, error=exc.detail)
    flash(request, _("Your reply is posted."))
    last_page = forum_service.page_of_reply(db, topic_id=topic_id, post_id=post.id or 0)
    url = request.app.url_path_for("topic_page", cohort=member.cohort.key, topic_id=str(topic_id))
    return RedirectResponse(f"{url}?page={last_page}#post-{post.id}" if last_page > 1
                            else f"{url}#post-{post.id}", status_code=303)


@router.post("/c/{cohort}/forum/topics/{topic_id}/answer")
def answer_form(request: Request, topic_id: RowId, member: CohortMember, db: SessionDep,
                post: TextField = "") -> Response:
    """Mark a reply as the answer (`post` its id), or unmark it (`post` empty)."""
    post_id = int(post) if post.isdigit() else (None if not post.strip() else 0)
    try:
        forum_service.mark_answer(db, member=member, topic_id=topic_id, post_id=post_id)
    except DomainError as exc:
        return _topic_page(request, db, member, topic_id, status_code=exc.status_code,
                           error=exc.detail, error_field=None)
    flash(request, _("The answer is marked: it is shown first.") if post_id is not None
          else _("The answer is unmarked."))
    url = request.app.url_path_for("topic_page", cohort=member.cohort.key, topic_id=str(topic_id))
    return RedirectResponse(url, status_code=303)
