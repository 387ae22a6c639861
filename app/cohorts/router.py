"""A cohort's own address, and the demo sign-in (only when the server runs with --demo)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import passwords
from app.auth.deps import OptionalUser
from app.auth.models import LinkPurpose, SignInMethod
from app.auth.router import (
    follow_password_link,
    link_builder,
    link_not_usable,
    safe_next,
    set_password_form,
)
from app.auth.sessions import sign_in
from app.cohorts import enrolment, invitations
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
    """Where each role lands in a cohort: participants on their Things, trainers at their desk,
    managers on the dashboard."""
    page = ("my_things" if member.is_participant else "trainer_desk" if member.is_trainer
            else "dashboard_page")
    return RedirectResponse(request.app.url_path_for(page, cohort=member.cohort.key),
                            status_code=303)


def _demo_page(request: Request, db: SessionDep, user: OptionalUser, next: str | None,
               *, status_code: int = 200, error: str | None = None) -> Response:
    return render(request, "auth/demo.html",
                  {"user": user, "groups": cohorts_service.demo_groups(db),
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


# -- open enrolment (anyone, for a cohort with `enrolment: open`) -----------------------------

def _join_page(request: Request, user: OptionalUser, opened: enrolment.OpenCohort, *,
               status_code: int = 200, **values: str | None) -> Response:
    form = {"name": "", "email": "", "organization": "", "error": None, "sent_to": None, **values}
    return render(request, "cohorts/join.html",
                  {"user": user, "cohort": opened.cohort, "program": opened.program, **form},
                  status_code=status_code)


@router.get("/join/{cohort}")
def join_page(request: Request, cohort: str, db: SessionDep, user: OptionalUser) -> Response:
    return _join_page(request, user, enrolment.open_cohort(db, cohort_key=cohort))


@router.post("/join/{cohort}")
def register(
    request: Request, cohort: str, db: SessionDep, user: OptionalUser,
    name: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "",
    organization: Annotated[str, Form()] = "",
) -> Response:
    opened = enrolment.open_cohort(db, cohort_key=cohort)

    def action() -> Response:
        address = enrolment.register(db, opened=opened, name=name, email=email,
                                     organization=organization, now=utcnow(),
                                     link_for=link_builder(request, "confirm_page"))
        return _join_page(request, user, opened, sent_to=address)

    return submit_form(action, lambda status, error: _join_page(
        request, user, opened, status_code=status, error=error, name=name, email=email,
        organization=organization))


def _confirm_form(request: Request, token: str, *, error: str | None = None,
                  status_code: int = 200) -> Response:
    return set_password_form(
        request, action=str(request.app.url_path_for("confirm_registration", token=token)),
        error=error, status_code=status_code,
        intro=_("Your e-mail address is confirmed once you have chosen a password."))


@router.get("/join/confirm/{token}")
def confirm_page(request: Request, db: SessionDep, token: str) -> Response:
    try:
        passwords.usable_link(db, secret=token, purposes=(LinkPurpose.email_verification,),
                              now=utcnow())
    except passwords.LinkNotUsable as exc:
        return link_not_usable(request, exc.detail, exc.status_code)
    return _confirm_form(request, token)


@router.post("/join/confirm/{token}")
def confirm_registration(
    request: Request, db: SessionDep, token: str,
    password: Annotated[str, Form()] = "", password_again: Annotated[str, Form()] = "",
) -> Response:
    return follow_password_link(
        request, db, welcome=_("Your address is confirmed. Welcome, {name}!"),
        spend=lambda: enrolment.confirm(db, secret=token, password=password,
                                        again=password_again, now=utcnow()),
        form=lambda error, status: _confirm_form(request, token, error=error, status_code=status))
