"""The cohort forum in the browser: lists stay on the event loop; writing redirects back."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.deps import QueryRowId, RowId, SessionDep, form_row_id
from app.errors import DomainError, Forbidden
from app.forum import moderation, subscriptions
from app.forum import search as forum_search
from app.forum import service as forum_service
from app.forum.deps import topic_link
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
        "categories": forum_service.categories(member),
        "following": subscriptions.following(db, member=member, category=listing.category)})


def _new_topic_page(request: Request, member: Member, *, category: str, title: str = "",
                    body: str = "", status_code: int = 200, error: str | None = None,
                    error_field: str | None = None) -> Response:
    return render(request, "forum/new.html", {
        "user": member.user, "member": member, "cohort": member.cohort,
        "categories": forum_service.require_forum(member), "category": category, "title": title,
        "body": body, "error": error, "error_field": error_field}, status_code=status_code)


@router.get("/c/{cohort}/forum/new")
def new_topic_page(request: Request, member: CohortMember, category: str = "",
                   title: str = "") -> Response:
    return _new_topic_page(request, member, category=category, title=title[:200])


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
        "body": body, "error": error, "error_field": error_field,
        "categories": forum_service.categories(member) if detail.may_moderate else [],
        "record": moderation.record(db, member=member, topic_id=topic_id),
        "following": subscriptions.following(db, member=member, topic_id=topic_id),
        "actions": moderation.ModerationAction}, status_code=status_code)


@router.get("/c/{cohort}/forum/topics/{topic_id}")
def topic_page(request: Request, topic_id: RowId, member: CohortMember, db: SessionDep,
               page: Page = 1, quote: QueryRowId = None) -> Response:
    """A topic; `quote` (a post's id) starts the reply with that post quoted."""
    body = forum_service.quote_of(db, member=member, topic_id=topic_id, post_id=quote) if quote else ""
    return _topic_page(request, db, member, topic_id, page=page, body=body)


@router.post("/c/{cohort}/forum/topics/{topic_id}/replies")
def reply_form(request: Request, topic_id: RowId, member: CohortMember, db: SessionDep,
               body: TextField = "") -> Response:
    try:
        post = forum_service.reply(db, member=member, topic_id=topic_id, body=body,
                                   link_for=topic_link(request))
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
    post_id = form_row_id(post)
    try:
        forum_service.mark_answer(db, member=member, topic_id=topic_id, post_id=post_id)
    except DomainError as exc:
        return _topic_page(request, db, member, topic_id, status_code=exc.status_code,
                           error=exc.detail, error_field=None)
    flash(request, _("The answer is marked: it is shown first.") if post_id is not None
          else _("The answer is unmarked."))
    url = request.app.url_path_for("topic_page", cohort=member.cohort.key, topic_id=str(topic_id))
    return RedirectResponse(url, status_code=303)


@router.get("/c/{cohort}/forum/search")
def search_page(request: Request, member: CohortMember, db: SessionDep, q: str = "",
                unanswered: bool = False, page: Page = 1) -> Response:
    results, error, status_code = None, None, 200
    if q.strip():
        try:
            results = forum_search.search(db, member=member, query=q, unanswered=unanswered,
                                          page=page)
        except DomainError as exc:
            error, status_code = exc.detail, exc.status_code
    else:
        forum_service.require_forum(member)
    return render(request, "forum/search.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "q": q,
        "unanswered": unanswered, "results": results, "error": error}, status_code=status_code)


@router.get("/c/{cohort}/forum/posts/{forum_post_id}")
def post_link(request: Request, forum_post_id: RowId, member: CohortMember,
              db: SessionDep) -> Response:
    """Where a forum post is: its topic's page that holds it, at the post."""
    topic_id, page = forum_service.place_of_post(db, member=member, post_id=forum_post_id)
    url = request.app.url_path_for("topic_page", cohort=member.cohort.key, topic_id=str(topic_id))
    anchor = f"#post-{forum_post_id}"
    return RedirectResponse(f"{url}?page={page}{anchor}" if page > 1 else f"{url}{anchor}",
                            status_code=303)


def _to_topic(request: Request, member: Member, topic_id: int, anchor: str = "") -> RedirectResponse:
    url = request.app.url_path_for("topic_page", cohort=member.cohort.key, topic_id=str(topic_id))
    return RedirectResponse(url + anchor, status_code=303)


@router.post("/c/{cohort}/forum/topics/{topic_id}/moderation")
def moderate_form(request: Request, topic_id: RowId, member: CohortMember, db: SessionDep,
                  action: TextField = "", category: TextField = "") -> Response:
    """A trainer pins, locks or moves a topic (`action`), or undoes it."""
    try:
        chosen = moderation.ModerationAction(action)
    except ValueError:
        chosen = moderation.ModerationAction.hide  # refused below, with a message
    try:
        moderation.moderate_topic(db, member=member, topic_id=topic_id, action=chosen,
                                  category=category or None)
    except DomainError as exc:
        return _topic_page(request, db, member, topic_id, status_code=exc.status_code,
                           error=exc.detail, error_field=None)
    flash(request, _("Done: the change is in the topic's record."))
    return _to_topic(request, member, topic_id)


@router.post("/c/{cohort}/forum/posts/{forum_post_id}/hidden")
def hide_form(request: Request, forum_post_id: RowId, member: CohortMember, db: SessionDep,
              hidden: TextField = "") -> Response:
    """A trainer hides a post (`hidden` 1) or shows it again (`hidden` 0)."""
    post = moderation.set_hidden(db, member=member, post_id=forum_post_id, hidden=hidden == "1")
    flash(request, _("The post is hidden: only trainers see it now.") if post.hidden_at
          else _("The post is shown again."))
    return _to_topic(request, member, post.topic_id, f"#post-{forum_post_id}")


def _edit_page(request: Request, member: Member, post_id: int, topic_id: int, body: str, *,
               status_code: int = 200, error: str | None = None) -> Response:
    return render(request, "forum/edit.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "post_id": post_id,
        "topic_id": topic_id, "body": body, "error": error,
        "minutes": forum_service.EDIT_MINUTES}, status_code=status_code)


@router.get("/c/{cohort}/forum/posts/{forum_post_id}/edit")
def edit_page(request: Request, forum_post_id: RowId, member: CohortMember,
              db: SessionDep) -> Response:
    post, _topic = forum_service.post_in(db, member=member, post_id=forum_post_id)
    if not forum_service.may_edit(member, post):
        raise Forbidden(_("A post can be edited by the person who wrote it, for {minutes} "
                          "minutes after it is written.").format(minutes=forum_service.EDIT_MINUTES))
    return _edit_page(request, member, forum_post_id, post.topic_id, post.body)


@router.post("/c/{cohort}/forum/posts/{forum_post_id}/edit")
def edit_form(request: Request, forum_post_id: RowId, member: CohortMember, db: SessionDep,
              body: TextField = "") -> Response:
    post, _topic = forum_service.post_in(db, member=member, post_id=forum_post_id)
    try:
        forum_service.edit_post(db, member=member, post_id=forum_post_id, body=body)
    except DomainError as exc:
        return _edit_page(request, member, forum_post_id, post.topic_id, body,
                          status_code=exc.status_code, error=exc.detail)
    flash(request, _("Your post is saved."))
    page = forum_service.page_of_reply(db, topic_id=post.topic_id, post_id=forum_post_id)
    return _to_topic(request, member, post.topic_id,
                     (f"?page={page}" if page > 1 else "") + f"#post-{forum_post_id}")


@router.post("/c/{cohort}/forum/following")
def follow_form(request: Request, member: CohortMember, db: SessionDep, topic: TextField = "",
                category: TextField = "", mode: TextField = "") -> Response:
    """Follow a topic or a category by mail (`mode` each or digest), or stop (none)."""
    topic_id = form_row_id(topic)
    if mode == "none":
        forum_service.unfollow(db, member=member, topic_id=topic_id, category=category)
        flash(request, _("You no longer get mail about this."))
    else:
        forum_service.follow(db, member=member, topic_id=topic_id, category=category or None,
                             each=mode == "each")
        flash(request, _("You get each reply by mail.") if mode == "each"
              else _("You get at most one digest a day by mail."))
    if topic_id is not None:
        return _to_topic(request, member, topic_id)
    url = request.app.url_path_for("forum_page", cohort=member.cohort.key)
    return RedirectResponse(f"{url}?{urlencode({'category': category})}", status_code=303)
