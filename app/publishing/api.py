"""Publishing through the API (and `ting publish --server`): the same review and the same
publish as the page, answered as JSON."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.auth.deps import CurrentUser
from app.db import id_of
from app.deps import SessionDep
from app.i18n import _, ngettext
from app.publishing import service as publishing
from app.publishing.schemas import (
    FileProblem,
    PublicationConflict,
    PublicationIn,
    PublicationOut,
    PublicationRefusal,
)
from app.publishing.service import Review, Upload
from app.schemas import problems

router = APIRouter(tags=["publishing"])


def _problems(review: Review) -> list[dict[str, object]]:
    return [FileProblem(file=q.problem.file, line=q.problem.line, col=q.problem.col,
                        message=q.problem.message, text=str(q.problem)).model_dump()
            for q in review.problems]


def _out(review: Review, revision: int | None) -> PublicationOut:
    return PublicationOut(published=revision is not None, revision=revision, changes=review.changes,
                          count=review.count,
                          programs=review.programs, cohorts=review.cohorts,
                          fingerprint=review.fingerprint)


@router.post("/publications", response_model=PublicationOut, status_code=200, responses={
    **problems(409), 201: {"model": PublicationOut, "description": "Published."},
    403: {"model": PublicationRefusal, "description": "Not an author, or files the caller may "
                                                       "not publish (listed)."},
    409: {"model": PublicationConflict, "description": "Nothing was published: every problem in "
          "the files as `ting validate` reports it, or the diff as it is now when the files no "
          "longer make the dry run's."},
})
def publish_publication(body: PublicationIn, user: CurrentUser, db: SessionDep) -> JSONResponse:
    """Validate programme and cohort files (a cohort's roster CSV beside it) as `ting validate`
    does. With problems: 409 and every one of them. Otherwise the changes: with `dry_run`, only
    shown (200); else applied and kept as a revision (201), or 200 when nothing changes."""
    publishing.require_publisher(db, user=user)
    uploads = [Upload.of(f.name, f.text) for f in body.files]
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
                     "the changes now."), changes=review.changes,
            fingerprint=review.fingerprint).model_dump())
    status = 201 if revision is not None else 200
    return JSONResponse(status_code=status, content=_out(
        review, id_of(revision) if revision is not None else None).model_dump())
