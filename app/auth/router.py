"""Sign-in and sign-out pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth import passwords
from app.auth.deps import OptionalUser
from app.auth.models import LinkPurpose, SignInMethod, User
from app.auth.sessions import sign_in, sign_out
from app.db import id_of, utcnow
from app.deps import SessionDep
from app.i18n import _
from app.security import flash
from app.templating import absolute_url, render, submit_form

router = APIRouter()


def safe_next(request: Request, target: str | None) -> str:
    """Only local paths, so a crafted link cannot send people elsewhere after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return request.app.url_path_for("my_cohorts")


def link_builder(request: Request, route: str = "set_password_page") -> Callable[[str], str]:
    """The full address of a mailed link (by default, set-your-password) for a secret."""
    return lambda secret: absolute_url(request, route, token=secret)


def follow_password_link(
    request: Request, db: Session, *, spend: Callable[[], User], welcome: str,
    form: Callable[[str, int], Response],
) -> Response:
    """Every mailed link that sets a password: spend it, sign the person in and welcome them
    (`welcome` has a {name}); a refusal shows the form again, or says the link is spent."""
    def action() -> Response:
        person = spend()
        sign_in(request, db, user_id=id_of(person), method=SignInMethod.password)
        flash(request, welcome.format(name=person.name))
        return RedirectResponse(request.app.url_path_for("my_cohorts"), status_code=303)

    def form_again(status: int, error: str) -> Response:
        if status == passwords.LinkNotUsable.status_code:
            return link_not_usable(request, error, status)
        return form(error, status)

    return submit_form(action, form_again)


def login_page_response(request: Request, *, next: str | None = None, error: str | None = None,
                        status_code: int = 200, email: str = "") -> Response:
    """The sign-in page: a button per single sign-on provider, the password form (and the
    demo login in demo mode), with why the last attempt failed, if it did."""
    context = {"user": None, "next": safe_next(request, next), "error": error, "email": email,
               "providers": request.app.state.settings.oidc_providers}
    return render(request, "auth/login.html", context, status_code=status_code)


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(request, next), status_code=303)
    return login_page_response(request, next=next)


@router.post("/logout")
def logout(request: Request, db: SessionDep) -> Response:
    sign_out(request, db)
    flash(request, _("You are signed out."))
    return RedirectResponse(request.app.url_path_for("login_page"), status_code=303)


@router.post("/login")
def password_sign_in(
    request: Request, db: SessionDep, email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    def action() -> Response:
        client = request.client.host if request.client else "unknown"
        person = passwords.sign_in_with_password(db, email=email, password=password,
                                                 client=client, now=utcnow())
        sign_in(request, db, user_id=id_of(person), method=SignInMethod.password)
        flash(request, _("Signed in as {name}.").format(name=person.name))
        return RedirectResponse(safe_next(request, next), status_code=303)

    # a refusal still commits: the failed attempt must count
    return submit_form(action, lambda status, error: login_page_response(
        request, next=next, error=error, status_code=status, email=email))


@router.get("/password/reset")
def reset_request_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "auth/reset_request.html", {"user": user, "sent_to": None, "email": ""})


@router.post("/password/reset")
def request_reset(
    request: Request, db: SessionDep, user: OptionalUser,
    email: Annotated[str, Form()] = "",
) -> Response:
    address = email.strip()
    if not address:
        return render(request, "auth/reset_request.html",
                      {"user": user, "sent_to": None, "email": "",
                       "error": _("Type the e-mail address you sign in with.")}, status_code=422)
    passwords.request_reset(db, email=address, link_for=link_builder(request), now=utcnow())
    return render(request, "auth/reset_request.html", {"user": user, "sent_to": address, "email": ""})


def set_password_form(request: Request, *, action: str, error: str | None = None,
                      status_code: int = 200, intro: str | None = None) -> Response:
    """The choose-a-password form, posting to `action` (a link's own address)."""
    return render(request, "auth/set_password.html",
                  {"user": None, "action": action, "error": error, "intro": intro},
                  status_code=status_code)


def link_not_usable(request: Request, detail: str, status_code: int) -> Response:
    return render(request, "auth/link_not_usable.html", {"user": None, "detail": detail},
                  status_code=status_code)


def _set_password_page(request: Request, token: str, *, error: str | None = None,
                       status_code: int = 200) -> Response:
    action = str(request.app.url_path_for("set_password", token=token))
    return set_password_form(request, action=action, error=error, status_code=status_code)


@router.get("/password/set/{token}")
def set_password_page(request: Request, db: SessionDep, token: str) -> Response:
    try:
        passwords.usable_link(db, secret=token, now=utcnow(), purposes=(
            LinkPurpose.invitation, LinkPurpose.password_reset))
    except passwords.LinkNotUsable as exc:
        return link_not_usable(request, exc.detail, exc.status_code)
    return _set_password_page(request, token)


@router.post("/password/set/{token}")
def set_password(
    request: Request, db: SessionDep, token: str,
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
) -> Response:
    return follow_password_link(
        request, db, welcome=_("Your password is set. Welcome, {name}!"),
        spend=lambda: passwords.set_password_with_link(db, secret=token, password=password,
                                                       again=password_again, now=utcnow()),
        form=lambda error, status: _set_password_page(request, token, error=error,
                                                      status_code=status))
