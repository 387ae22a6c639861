"""My Things in the browser. Forms post and redirect; with htmx the changed part is swapped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth import feed_keys
from app.auth.deps import CurrentUser
from app.auth.models import Person
from app.cohorts import service as cohorts_service
from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.db import id_of
from app.deps import RowId, SessionDep
from app.errors import DomainError
from app.forum import service as forum_service
from app.i18n import _
from app.posts import blog, cards
from app.posts import service as posts_service
from app.progress import calendar, review
from app.progress import service as progress_service
from app.progress.models import Decision
from app.progress.rows import row_renderer
from app.security import flash
from app.templating import absolute_url, is_htmx, render, submit_form

router = APIRouter()

TextField = Annotated[str | None, Form()]
COLLEAGUES_SHOWN = 3  # "what colleagues wrote about this Thing": the latest few


@router.get("/c/{cohort}/things")
async def my_things(request: Request, member: CohortMember, db: SessionDep) -> Response:
    overview = progress_service.my_things(db, member=member)
    return render(request, "progress/things.html", {"user": member.user, "member": member,
                                                    "overview": overview,
                                                    "rows": row_renderer(member, request)})


def _thing_page(
    request: Request, db: Session, member: Member, key: str, *, status_code: int = 200,
    error: str | None = None, error_field: str | None = None, notice: str | None = None,
    reflection_text: str | None = None, evidence_url: str | None = None,
) -> Response:
    """The Thing page, or (for htmx) its completion section and status; after a refusal it
    shows what the person typed, not what is stored, and ties the message to its field."""
    view = progress_service.thing_view(db, member=member, key=key)
    reflection = (posts_service.reflection_for(db, member=member, thing=view.thing)
                  if member.is_participant else None)
    decisions = (review.history(db, membership_id=id_of(member.membership), thing_id=view.thing.id)
                 if member.is_participant and view.needs_approval else [])
    colleagues = None if is_htmx(request) else blog.listing(
        db, member=member, choice=blog.StreamChoice(thing=view.thing, others_only=True),
        limit=COLLEAGUES_SHOWN)
    context = {
        "user": member.user, "member": member, "view": view,
        "reflection_text": reflection_text if reflection_text is not None
        else (reflection.body if reflection else ""),
        "evidence_url": evidence_url if evidence_url is not None
        else view.evidence_url or (reflection.draft_link if reflection else None) or "",
        "error": error, "error_field": error_field, "notice": notice, "decisions": decisions,
        "colleagues": colleagues, "cards": cards.card_renderer(request, member.cohort),
        "neighbours": progress_service.neighbours(db, member=member, thing=view.thing),
        "forum": None if is_htmx(request) else forum_service.thing_forum(
            db, member=member, category=view.thing.forum_category, topic=view.thing.forum_topic),
        "swapped": is_htmx(request),
    }
    block = "completion" if is_htmx(request) else None
    return render(request, "progress/thing.html", context, status_code=status_code, block=block)


def _form(request: Request, db: Session, member: Member, key: str, *,
          reflection: str | None = None, evidence_url: str | None = None,
          action: Callable[[], str | None], notice: str) -> Response:
    """Run a Thing form's action; then the page again (htmx) or a redirect to it."""
    def run() -> Response:
        message = action() or notice
        if is_htmx(request):
            return _thing_page(request, db, member, key, notice=message)
        flash(request, message)
        return RedirectResponse(
            request.app.url_path_for("thing_page", cohort=member.cohort.key, key=key),
            status_code=303)

    try:
        return run()
    except DomainError as exc:
        return _thing_page(request, db, member, key, status_code=exc.status_code,
                           error=exc.detail, error_field=exc.field, reflection_text=reflection,
                           evidence_url=evidence_url)


@router.get("/c/{cohort}/things/{key}")
def thing_page(request: Request, key: str, member: CohortMember, db: SessionDep) -> Response:
    return _thing_page(request, db, member, key)


@router.post("/c/{cohort}/things/{key}/reflection")
def save_reflection(
    request: Request, key: str, member: CohortMember, db: SessionDep,
    reflection: TextField = None, evidence_url: TextField = None,
) -> Response:
    def action() -> None:
        posts_service.save_reflection(db, member=member, key=key, body=reflection or "",
                                      draft_link=evidence_url)

    return _form(request, db, member, key, reflection=reflection, evidence_url=evidence_url,
                 action=action, notice=_("Your draft is saved. The Thing is not marked done "
                                         "yet."))


@router.post("/c/{cohort}/things/{key}/done")
def mark_done(
    request: Request, key: str, member: CohortMember, db: SessionDep,
    reflection: TextField = None, evidence_url: TextField = None,
) -> Response:
    def action() -> str:
        was_done = progress_service.thing_view(db, member=member, key=key).is_done
        view = progress_service.submit(db, member=member, key=key, reflection=reflection,
                                       evidence_url=evidence_url)
        if was_done:
            return _("Your changes are saved.")
        if view.is_waiting_for_trainer:
            return _("Marked done. Your trainer will check it.")
        earned = "".join(" " + _("You have earned the badge “{name}”!").format(name=badge.name)
                         for badge in view.badges_earned)
        return _("Marked done. Well done!") + earned

    return _form(request, db, member, key, reflection=reflection, evidence_url=evidence_url,
                 action=action, notice="")


@router.post("/c/{cohort}/things/{key}/undo")
def undo_done(request: Request, key: str, member: CohortMember, db: SessionDep) -> Response:
    def action() -> None:
        progress_service.undo_completion(db, member=member, key=key)

    return _form(request, db, member, key, action=action, notice=_("No longer marked done."))


# -- signing off evidence (trainers) ----------------------------------------------------------

def _signoff_page(request: Request, db: Session, member: Member, *, status_code: int = 200,
                  error: str | None = None, failed_id: int | None = None,
                  comment: str = "") -> Response:
    items = review.queue(db, member=member)
    return render(request, "progress/signoff.html",
                  {"user": member.user, "member": member, "cohort": member.cohort, "items": items,
                   "error": error, "failed_id": failed_id, "comment": comment},
                  status_code=status_code)


@router.get("/c/{cohort}/signoff")
def signoff_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    return _signoff_page(request, db, member)


@router.post("/c/{cohort}/signoff/{completion_id}")
def decide_signoff(
    request: Request, completion_id: RowId, member: CohortMember, db: SessionDep,
    decision: Annotated[Decision, Form()], comment: TextField = None,
) -> Response:
    def action() -> Response:
        review.decide(db, member=member, completion_id=completion_id, decision=decision,
                      comment=comment)
        flash(request, _("Approved: it counts now.") if decision == Decision.approve
              else _("Sent back with your comment."))
        return RedirectResponse(request.app.url_path_for("signoff_page", cohort=member.cohort.key),
                                status_code=303)

    return submit_form(action, lambda status, error: _signoff_page(
        request, db, member, status_code=status, error=error, failed_id=completion_id,
        comment=comment or ""))


# -- deleting a post (here: it may reopen a done Thing) -----------------------------------------

def _delete_page(request: Request, db: Session, user: Person, post_id: int, *,
                 status_code: int = 200, error: str | None = None) -> Response:
    member = posts_service.member_for_post(db, user=user, post_id=post_id)
    removal = progress_service.removal_of(db, member=member, post_id=post_id)
    return render(request, "posts/delete.html", {"user": user, "member": member,
                                                 "cohort": member.cohort, "removal": removal,
                                                 "error": error}, status_code=status_code)


@router.get("/posts/{post_id}/delete")
def delete_post_page(request: Request, post_id: RowId, user: CurrentUser, db: SessionDep) -> Response:
    """Asks first, and says when deleting reopens a done Thing."""
    return _delete_page(request, db, user, post_id)


@router.post("/posts/{post_id}/delete")
def delete_post_form(request: Request, post_id: RowId, user: CurrentUser, db: SessionDep,
                     reopen_thing: Annotated[bool, Form()] = False) -> Response:
    def action() -> Response:
        member = posts_service.member_for_post(db, user=user, post_id=post_id)
        removal = progress_service.delete_post(db, member=member, post_id=post_id,
                                               reopen=reopen_thing)
        flash(request, _("Your post is deleted.") if removal.reopens is None else
              _("Your post is deleted, and “{title}” is open again.").format(
                  title=removal.reopens.title))
        return RedirectResponse(request.app.url_path_for("my_blog", cohort=member.cohort.key),
                                status_code=303)

    return submit_form(action, lambda status, error: _delete_page(
        request, db, user, post_id, status_code=status, error=error))


@router.get("/feeds/{feed_key}/deadlines.ics")
def deadlines_feed(request: Request, feed_key: str, db: SessionDep) -> Response:
    """When each of my Things opens and is due, in every cohort I take part in."""
    user = feed_keys.feed_owner(db, key=feed_key, secret=request.app.state.secret_key)
    body = calendar.deadlines(
        db, members=cohorts_service.my_cohorts(db, user=user), host=request.url.hostname or "ting",
        link=lambda member, thing: absolute_url(request, "thing_page", cohort=member.cohort.key, key=thing))
    return Response(body, media_type="text/calendar; charset=utf-8")
