"""My Things in the browser. Forms post and redirect; with htmx the changed part is swapped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth.sessions import flash
from app.cohorts.service import Member
from app.deps import CohortMember, SessionDep
from app.errors import DomainError
from app.i18n import _
from app.posts import service as posts_service
from app.progress import service as progress_service
from app.progress.rows import row_renderer
from app.templating import is_htmx, render

router = APIRouter()

TextField = Annotated[str | None, Form()]


@router.get("/c/{cohort}/things")
async def my_things(request: Request, member: CohortMember, db: SessionDep) -> Response:
    overview = progress_service.my_things(db, member=member)
    return render(request, "progress/things.html", {"user": member.user, "member": member,
                                                    "overview": overview,
                                                    "row": row_renderer(member)})


def _thing_page(
    request: Request, db: Session, member: Member, key: str, *, status_code: int = 200,
    error: str | None = None, notice: str | None = None, reflection_text: str | None = None,
    evidence_url: str | None = None,
) -> Response:
    view = progress_service.thing_view(db, member=member, key=key)
    reflection = (posts_service.reflection_for(db, member=member, thing=view.thing)
                  if member.is_participant else None)
    context = {
        "user": member.user, "member": member, "view": view, "reflection": reflection,
        "reflection_text": reflection_text if reflection_text is not None
        else (reflection.body if reflection else ""),
        "evidence_url": evidence_url if evidence_url is not None
        else (view.completion.evidence_url if view.completion else "") or "",
        "error": error, "notice": notice,
    }
    block = "completion" if is_htmx(request) else None
    return render(request, "progress/thing.html", context, status_code=status_code, block=block)


def _after_change(request: Request, db: Session, member: Member, key: str, notice: str) -> Response:
    if is_htmx(request):
        return _thing_page(request, db, member, key, notice=notice)
    flash(request, notice)
    return RedirectResponse(f"/c/{member.cohort.key}/things/{key}", status_code=303)


@router.get("/c/{cohort}/things/{key}")
def thing_page(request: Request, key: str, member: CohortMember, db: SessionDep) -> Response:
    return _thing_page(request, db, member, key)


@router.post("/c/{cohort}/things/{key}/reflection")
def save_reflection(
    request: Request, key: str, member: CohortMember, db: SessionDep,
    reflection: TextField = None, evidence_url: TextField = None,
) -> Response:
    try:
        thing = posts_service.find_thing(db, member=member, key=key)
        posts_service.save_reflection(db, member=member, thing=thing, body=reflection or "")
    except DomainError as exc:
        return _thing_page(request, db, member, key, status_code=exc.status_code,
                           error=exc.detail, reflection_text=reflection, evidence_url=evidence_url)
    return _after_change(request, db, member, key, _("Your reflection is saved."))


@router.post("/c/{cohort}/things/{key}/done")
def mark_done(
    request: Request, key: str, member: CohortMember, db: SessionDep,
    reflection: TextField = None, evidence_url: TextField = None,
) -> Response:
    try:
        view = progress_service.submit(db, member=member, key=key, reflection=reflection,
                                       evidence_url=evidence_url)
    except DomainError as exc:
        return _thing_page(request, db, member, key, status_code=exc.status_code,
                           error=exc.detail, reflection_text=reflection, evidence_url=evidence_url)
    notice = (_("Marked done. Your trainer will check it.") if view.is_waiting_for_trainer
              else _("Marked done. Well done!"))
    return _after_change(request, db, member, key, notice)


@router.post("/c/{cohort}/things/{key}/undo")
def undo_done(request: Request, key: str, member: CohortMember, db: SessionDep) -> Response:
    try:
        progress_service.undo_completion(db, member=member, key=key)
    except DomainError as exc:
        return _thing_page(request, db, member, key, status_code=exc.status_code, error=exc.detail)
    return _after_change(request, db, member, key, _("No longer marked done."))
