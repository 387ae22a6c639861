"""Publishing through the API (and `ting publish --server`): the same review and the same
publish as the page, answered as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.auth.deps import CurrentUser
from app.db import id_of
from app.deps import SessionDep
from app.i18n import _, ngettext
from app.limits import FORM_FIELD_BYTES, ROSTER_CSV_BYTES
from app.publishing import service as publishing
from app.publishing.schemas import (
    ChangePartOut,
    FileProblem,
    PublicationConflict,
    PublicationForm,
    PublicationIn,
    PublicationOut,
    PublicationRefusal,
)
from app.publishing.service import MAX_FILES, Review, Upload
from app.schemas import problems

router = APIRouter(tags=["publishing"])


def _problems(review: Review) -> list[dict[str, object]]:
    return [FileProblem(file=q.problem.file, line=q.problem.line, col=q.problem.col,
                        message=q.problem.message, text=str(q.problem)).model_dump()
            for q in review.problems]


def _summary(review: Review) -> list[ChangePartOut]:
    return [ChangePartOut.model_validate(part.as_json()) for part in review.parts]


def _out(review: Review, revision: int | None) -> PublicationOut:
    return PublicationOut(published=revision is not None, revision=revision, changes=review.changes,
                          count=review.count, summary=_summary(review),
                          programs=review.programs, cohorts=review.cohorts,
                          fingerprint=review.fingerprint)


@dataclass(frozen=True)
class Publication:
    uploads: list[Upload]
    dry_run: bool
    fingerprint: str | None


async def publication_body(request: Request) -> Publication:
    """The files as JSON (`{files: [{name, text}], ...}`), or uploaded as multipart form data;
    a body that fits neither is a 422, as any request body that does not fit its schema."""
    try:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            body = PublicationIn.model_validate_json(await request.body())
            return Publication([Upload.of(f.name, f.text) for f in body.files], body.dry_run,
                               body.fingerprint)
        form = await request.form(max_files=MAX_FILES, max_part_size=FORM_FIELD_BYTES)
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        fields = PublicationForm.model_validate({
            "files": [b""] * len(files), "dry_run": form.get("dry_run") or False,
            "fingerprint": form.get("fingerprint") or ""})
        uploads = [Upload.from_bytes(f.filename or "", await f.read(ROSTER_CSV_BYTES + 1))
                   for f in files]
        return Publication(uploads, fields.dry_run, fields.fingerprint or None)
    except ValidationError as invalid:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])}
                                      for e in invalid.errors()]) from None


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON Schema with its nested models written in place: a request body declared
    by hand cannot point into the document's components."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if str(node.get("$ref", "")).startswith("#/$defs/"):
                return resolve(definitions[node["$ref"].removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


# Two ways to send the files, so the body is declared here rather than by a parameter.
_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _inline(PublicationIn.model_json_schema())},
    "multipart/form-data": {"schema": _inline(PublicationForm.model_json_schema())},
}}}


@router.post("/publications", response_model=PublicationOut, status_code=200, openapi_extra=_BODY,
             responses={
    **problems(409, 422), 201: {"model": PublicationOut, "description": "Published."},
    403: {"model": PublicationRefusal, "description": "Not an author, or files the caller may "
                                                       "not publish (listed)."},
    409: {"model": PublicationConflict, "description": "Nothing was published: every problem in "
          "the files as `ting validate` reports it, or the diff as it is now when the files no "
          "longer make the dry run's."},
})
def publish_publication(body: Annotated[Publication, Depends(publication_body)],
                        user: CurrentUser, db: SessionDep) -> JSONResponse:
    """Validate programme and cohort files (a cohort's roster CSV beside it) as `ting validate`
    does. With problems: 409 and every one of them. Otherwise the changes: with `dry_run`, only
    shown (200); else applied and kept as a revision (201), or 200 when nothing changes."""
    publishing.require_publisher(db, user=user)
    uploads = body.uploads
    if body.dry_run:
        review, revision = publishing.review(db, user=user, uploads=uploads), None
    else:
        review, revision = publishing.publish(db, user=user, uploads=uploads,
                                              fingerprint=body.fingerprint)
    if not review.ok:
        count = len(review.problems)
        detail = ngettext("%(num)d problem: nothing was published.",
                          "%(num)d problems: nothing was published.", count) % {"num": count}
        return JSONResponse(status_code=403 if review.forbidden else 409,
                            content={"detail": detail, "problems": _problems(review)})
    if review.stale:
        return JSONResponse(status_code=409, content=PublicationConflict(
            detail=_("The database changed since the dry run: nothing was published. These are "
                     "the changes now."), changes=review.changes, summary=_summary(review),
            fingerprint=review.fingerprint).model_dump(mode="json"))
    status = 201 if revision is not None else 200
    return JSONResponse(status_code=status, content=_out(
        review, id_of(revision) if revision is not None else None).model_dump(mode="json"))
