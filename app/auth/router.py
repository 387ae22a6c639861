"""Sign-in pages. The demo login exists only when the server runs with --demo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import service as auth_service
from app.auth.sessions import flash, sign_in, sign_out
from app.deps import OptionalUser, SessionDep
from app.i18n import _
from app.templating import render

router = APIRouter()
demo_router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot send people elsewhere after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cohorts"


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"user": None, "next": _safe_next(next)})


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    flash(request, _("You are signed out."))
    return RedirectResponse("/login", status_code=303)


@demo_router.get("/demo")
def demo_page(
    request: Request, db: SessionDep, user: OptionalUser, next: str | None = None
) -> Response:
    people = auth_service.demo_people(db)
    return render(request, "auth/demo.html",
                  {"user": user, "people": people, "next": _safe_next(next)})


@demo_router.post("/demo")
def demo_sign_in(
    request: Request, db: SessionDep, email: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    person = auth_service.get_user_by_email(db, email=email) if email else None
    if person is None:
        people = auth_service.demo_people(db)
        return render(request, "auth/demo.html",
                      {"user": None, "people": people, "next": _safe_next(next),
                       "error": _("Choose one of the demo people below.")}, status_code=422)
    sign_in(request, person)
    flash(request, _("Signed in as {name}.").format(name=person.name))
    return RedirectResponse(_safe_next(next), status_code=303)
