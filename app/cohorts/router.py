"""A cohort's own address, and the demo sign-in (only when the server runs with --demo)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import OptionalUser
from app.auth.models import SignInMethod
from app.auth.router import safe_next
from app.auth.sessions import sign_in
from app.cohorts import service as cohorts_service
from app.cohorts.deps import CohortMember
from app.db import id_of
from app.deps import SessionDep
from app.i18n import _
from app.security import flash
from app.templating import render, submit_form

router = APIRouter()
demo_router = APIRouter()


@router.get("/c/{cohort}")
def cohort_home(request: Request, member: CohortMember) -> Response:
    return RedirectResponse(request.app.url_path_for("my_things", cohort=member.cohort.key),
                            status_code=303)


def _demo_page(request: Request, db: SessionDep, user: OptionalUser, next: str | None,
               *, status_code: int = 200, error: str | None = None) -> Response:
    return render(request, "auth/demo.html",
                  {"user": user, "people": cohorts_service.demo_people(db),
                   "next": safe_next(request, next), "error": error}, status_code=status_code)


@demo_router.get("/demo")
def demo_page(
    request: Request, db: SessionDep, user: OptionalUser, next: str | None = None
) -> Response:
    return _demo_page(request, db, user, next)


@demo_router.post("/demo")
def demo_sign_in(
    request: Request, db: SessionDep, email: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    def action() -> Response:
        person = cohorts_service.demo_person(db, email=email)
        sign_in(request, db, user_id=id_of(person), method=SignInMethod.demo)
        flash(request, _("Signed in as {name}.").format(name=person.name))
        return RedirectResponse(safe_next(request, next), status_code=303)

    return submit_form(action, lambda status, error: _demo_page(
        request, db, None, next, status_code=status, error=error))
