"""Publishing from the browser. A site admin names the programme authors here (as
`ting admin grant-author` does on the server); editors fetch the files' schemas here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import service as auth_service
from app.auth.deps import CurrentUser
from app.auth.models import User
from app.deps import SessionDep
from app.errors import Forbidden
from app.i18n import _
from app.security import flash
from app.sync import schema as sync_schema
from app.templating import render, submit_form

router = APIRouter()


def _site_admin(user: User) -> User:
    if not user.is_admin:
        raise Forbidden(_("Only site admins name programme authors."))
    return user


def _authors_page(request: Request, db: SessionDep, user: User, *, status_code: int = 200,
                  **extra: Any) -> Response:
    context = {"user": user, "authors": auth_service.authors(db), "email": "", "name": "",
               "error": None, **extra}
    return render(request, "publishing/authors.html", context, status_code=status_code)


@router.get("/admin/authors")
def authors_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return _authors_page(request, db, _site_admin(user))


@router.post("/admin/authors")
def grant_author(
    request: Request, user: CurrentUser, db: SessionDep,
    email: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
) -> Response:
    _site_admin(user)

    def action() -> Response:
        author, _created = auth_service.grant_author(db, email=email, name=name or None)
        flash(request, _("{email} may now publish programmes and cohorts.").format(email=author.email))
        return RedirectResponse(request.app.url_path_for("authors_page"), status_code=303)

    return submit_form(action, lambda status, error: _authors_page(
        request, db, user, status_code=status, email=email, name=name, error=error))


@router.post("/admin/authors/revoke")
def revoke_author(
    request: Request, user: CurrentUser, db: SessionDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    _site_admin(user)
    author = auth_service.revoke_author(db, email=email)
    flash(request, _("{email} no longer publishes; what they published stays.").format(
        email=author.email))
    return RedirectResponse(request.app.url_path_for("authors_page"), status_code=303)


def _schema(name: str) -> Response:
    return Response(sync_schema.schema_files()[name], media_type="application/schema+json",
                    headers={"Cache-Control": "public, max-age=3600"})


# For editors (no sign-in: a schema holds no data). `ting schema` writes the same files.
@router.get("/schema/program.json")
def program_schema() -> Response:
    return _schema("program.json")


@router.get("/schema/cohort.json")
def cohort_schema() -> Response:
    return _schema("cohort.json")
