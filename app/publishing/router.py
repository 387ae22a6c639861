"""Publishing from the browser: authors (and a cohort's trainers, for its file) upload or paste
YAML, read every problem at its line or the changes it would make, and publish exactly those.
A site admin names the authors here (as `ting admin grant-author` does on the server); editors
fetch the files' schemas here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app.auth import service as auth_service
from app.auth.deps import CurrentUser
from app.auth.models import User
from app.deps import SessionDep
from app.errors import Forbidden
from app.i18n import _, ngettext
from app.limits import ROSTER_CSV_BYTES
from app.publishing import service as publishing
from app.publishing.service import Review, Upload
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


def _publish_page(request: Request, user: User, *, review: Review | None = None,
                  pasted: str = "", pasted_name: str = "", status_code: int = 200) -> Response:
    return render(request, "publishing/publish.html", {
        "user": user, "review": review, "pasted": pasted, "pasted_name": pasted_name or "pasted.yaml",
    }, status_code=status_code)


@router.get("/publish")
def publish_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    publishing.require_publisher(db, user=user)
    return _publish_page(request, user)


@router.post("/publish/review")
def review_files(
    request: Request, user: CurrentUser, db: SessionDep,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
    pasted: Annotated[str, Form()] = "", pasted_name: Annotated[str, Form()] = "",
) -> Response:
    """Validate what was uploaded or pasted; show every problem at its line, or the changes."""
    publishing.require_publisher(db, user=user)
    uploads = [Upload.from_bytes(f.filename or "", f.file.read(ROSTER_CSV_BYTES + 1))
               for f in files if f.filename]
    if pasted.strip():
        uploads.append(Upload.of(pasted_name.strip() or "pasted.yaml", pasted))
    review = publishing.review(db, user=user, uploads=uploads)
    return _publish_page(request, user, review=review, pasted=pasted, pasted_name=pasted_name,
                         status_code=200 if review.ok else 422)


@router.post("/publish")
def publish_files(
    request: Request, user: CurrentUser, db: SessionDep,
    names: Annotated[list[str], Form()] = [],  # noqa: B006
    texts: Annotated[list[str], Form()] = [],  # noqa: B006
    fingerprint: Annotated[str, Form()] = "",
) -> Response:
    """Apply the reviewed files, if they still make the diff that was shown."""
    publishing.require_publisher(db, user=user)
    uploads = [Upload.of(name, text) for name, text in zip(names, texts, strict=False)]
    review, revision = publishing.publish(db, user=user, uploads=uploads, fingerprint=fingerprint)
    if revision is None:
        # problems, nothing to change, or a diff that changed since it was shown: show it as it is
        return _publish_page(request, user, review=review,
                             status_code=409 if review.stale else (200 if review.ok else 422))
    count = len(review.changes)
    flash(request, ngettext("Published: {n} change.", "Published: {n} changes.", count).format(n=count))
    return RedirectResponse(request.app.url_path_for("publish_page"), status_code=303)
