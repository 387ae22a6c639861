"""Publishing from the browser: authors (and a cohort's trainers, for its file) upload or paste
YAML, read every problem at its line or the changes it would make, and publish exactly those.
A site admin names the authors here (as `ting admin grant-author` does on the server); editors
fetch the files' schemas here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.deps import CurrentUser
from app.auth.models import User
from app.config import get_settings
from app.deps import RowId, SessionDep
from app.errors import Forbidden, InvalidInput
from app.i18n import _, ngettext
from app.limits import FORM_FIELD_BYTES, ROSTER_CSV_BYTES, ROW_ID_MAX
from app.publishing import history
from app.publishing import service as publishing
from app.publishing.service import NewFile, Review, Upload
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


def _publish_page(request: Request, db: Session, user: User, *, review: Review | None = None,
                  pasted: str = "", pasted_name: str = "", status_code: int = 200,
                  start: dict[str, Any] | None = None) -> Response:
    programs = history.programs_with_history(db) if user.is_author else []
    return render(request, "publishing/publish.html", {
        "user": user, "review": review, "pasted": pasted, "pasted_name": pasted_name or "pasted.yaml",
        "programs": programs, "start": start or {}, "kinds": NewFile,
    }, status_code=status_code)


@router.get("/publish")
def publish_page(
    request: Request, user: CurrentUser, db: SessionDep,
    new: NewFile | None = None,
    key: Annotated[str, Query(max_length=100)] = "",
    program: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The publish page; `new` puts a skeleton programme or cohort in the text area to edit."""
    publishing.require_publisher(db, user=user)
    if new is None:
        return _publish_page(request, db, user)
    try:
        start = publishing.skeleton(kind=new, key=key.strip(), program=program.strip(),
                                    today=date.today(), base_url=get_settings().base_url)
    except InvalidInput as problem:
        return _publish_page(request, db, user, status_code=422,
                             start={"new": new, "key": key, "program": program,
                                    "error": problem.detail})
    return _publish_page(request, db, user, pasted=start.text,
                         pasted_name=start.name)


# A file pasted, or carried from the review to the publish button, may be as large as any file.
LARGE_FIELDS: Any = {"max_part_size": FORM_FIELD_BYTES}  # FastAPI's form_limits


@router.post("/publish/review", form_limits=LARGE_FIELDS)
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
    return _publish_page(request, db, user, review=review, pasted=pasted, pasted_name=pasted_name,
                         status_code=200 if review.ok else 422)


@router.post("/publish", form_limits=LARGE_FIELDS)
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
        return _publish_page(request, db, user, review=review,
                             status_code=409 if review.stale else (200 if review.ok else 422))
    count = len(review.changes)
    flash(request, ngettext("Published: {n} change.", "Published: {n} changes.", count).format(n=count))
    return RedirectResponse(request.app.url_path_for("publish_page"), status_code=303)


Page = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/programmes/{program}")
def program_history(request: Request, user: CurrentUser, db: SessionDep, program: str,
                    page: Page = 1) -> Response:
    """A programme's revisions, newest first, with two to compare."""
    found = history.program_for_history(db, user=user, key=program)
    listing = history.revisions(db, program=found, page=page)
    return render(request, "publishing/history.html",
                  {"user": user, "program": found, "listing": listing})


@router.get("/programmes/{program}/revisions/{revision}")
def revision_page(request: Request, user: CurrentUser, db: SessionDep, program: str,
                  revision: RowId) -> Response:
    found = history.program_for_history(db, user=user, key=program)
    return render(request, "publishing/revision.html", {
        "user": user, "program": found,
        "revision": history.revision(db, program=found, revision_id=revision),
        "files": history.files_of(db, program=found, revision_id=revision)})


@router.get("/programmes/{program}/compare")
def compare_revisions(
    request: Request, user: CurrentUser, db: SessionDep, program: str,
    old: Annotated[int, Query(ge=1, le=ROW_ID_MAX)], new: Annotated[int, Query(ge=1, le=ROW_ID_MAX)],
) -> Response:
    """Two revisions' files side by side, line against line."""
    found = history.program_for_history(db, user=user, key=program)
    older = history.revision(db, program=found, revision_id=old)
    newer = history.revision(db, program=found, revision_id=new)
    files = history.side_by_side(history.files_of(db, program=found, revision_id=old),
                                 history.files_of(db, program=found, revision_id=new))
    return render(request, "publishing/compare.html", {
        "user": user, "program": found, "older": older, "newer": newer, "files": files})


@router.post("/programmes/{program}/revisions/{revision}/review")
def review_revision(request: Request, user: CurrentUser, db: SessionDep, program: str,
                    revision: RowId) -> Response:
    """Publish an earlier revision again: its files go through the same checks and dry run,
    and the publish page shows what that would change now."""
    found = history.program_for_history(db, user=user, key=program)
    publishing.require_publisher(db, user=user)
    uploads = [Upload.of(name, text)
               for name, text in history.files_of(db, program=found, revision_id=revision)]
    review = publishing.review(db, user=user, uploads=uploads)
    return _publish_page(request, db, user, review=review, status_code=200 if review.ok else 422)
