"""Sign-in and sign-out pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import OptionalUser
from app.auth.sessions import sign_out
from app.deps import SessionDep
from app.i18n import _
from app.security import flash
from app.templating import render

router = APIRouter()


def safe_next(request: Request, target: str | None) -> str:
    """Only local paths, so a crafted link cannot send people elsewhere after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return request.app.url_path_for("my_cohorts")


def login_page_response(request: Request, *, next: str | None = None, error: str | None = None,
                        status_code: int = 200) -> Response:
    """The sign-in page: a button per single sign-on provider (and the demo login in demo
    mode), with why the last attempt failed, if it did."""
    context = {"user": None, "next": safe_next(request, next), "error": error,
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
