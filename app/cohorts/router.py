"""A cohort's own address, and the demo sign-in (only when the server runs with --demo)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import OptionalUser
from app.auth.models import SignInMethod
from app.auth.router import link_builder, safe_next
from app.auth.sessions import sign_in
from app.cohorts import invitations
from app.cohorts import service as cohorts_service
from app.cohorts.deps import CohortMember
from app.db import id_of, utcnow
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


# -- the roster and invitations (trainers) --------------------------------------------------

def _people_page(request: Request, db: SessionDep, member: CohortMember, *, status_code: int = 200,
                 error: str | None = None) -> Response:
    invitations.require_trainer(member)
    entries = invitations.roster(db, cohort=member.cohort)
    return render(request, "cohorts/people.html",
                  {"user": member.user, "member": member, "cohort": member.cohort,
                   "entries": entries, "not_signed_in": sum(not e.has_signed_in for e in entries),
                   "error": error}, status_code=status_code)


@router.get("/c/{cohort}/people")
def cohort_people(request: Request, db: SessionDep, member: CohortMember) -> Response:
    return _people_page(request, db, member)


@router.post("/c/{cohort}/invitations")
def invite_people(
    request: Request, db: SessionDep, member: CohortMember,
    email: Annotated[list[str] | None, Form()] = None,
    everyone: Annotated[bool, Form()] = False,
) -> Response:
    invitations.require_trainer(member)

    def action() -> Response:
        people = invitations.chosen(db, cohort=member.cohort, emails=email or [],
                                    everyone_new=everyone)
        settings = request.app.state.settings
        sent = invitations.invite(db, people=people, link_for=link_builder(request), now=utcnow(),
                                  lifetime=timedelta(days=settings.invitation_days),
                                  cohort=member.cohort, inviter=member.user.name)
        flash(request, _("Invitations are on their way to {count} people.").format(count=len(sent))
              if sent else _("Everyone on the list has signed in already; nobody was invited."))
        return RedirectResponse(request.app.url_path_for("cohort_people", cohort=member.cohort.key),
                                status_code=303)

    return submit_form(action, lambda status, error: _people_page(
        request, db, member, status_code=status, error=error))
