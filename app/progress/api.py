from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from app.deps import CohortParticipant, SessionDep
from app.progress import service as progress_service
from app.progress.models import CompletionIn, CompletionPublic, ThingPublic
from app.progress.service import ThingView

router = APIRouter(tags=["things"])

ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "not signed in"},
          404: {"description": "no such cohort for you, or no such Thing"}}


class Problem(BaseModel):
    detail: str


def thing_public(view: ThingView) -> ThingPublic:
    completion = view.completion
    return ThingPublic(
        key=view.thing.key, number=view.number, title=view.thing.title, kind=view.thing.kind,
        theme=view.thing.theme_key, opens=view.window.opens_on, due=view.window.due_on,
        status=view.status, completed_at=completion.completed_at if completion else None,
        evidence=view.thing.evidence,
        evidence_url=completion.evidence_url if completion else None,
        approval=completion.approval if completion else None,
        reflection_required=view.thing.reflection_required,
        reflection_min_words=view.thing.reflection_min_words,
    )


@router.get("/cohorts/{cohort}/things", response_model=list[ThingPublic], responses=ERRORS)
def list_things(member: CohortParticipant, db: SessionDep) -> list[ThingPublic]:
    """My Things in programme order, with dates in the cohort's time zone and my status."""
    overview = progress_service.my_things(db, member=member)
    return [thing_public(v) for v in overview.things]


@router.get("/cohorts/{cohort}/things/{key}", response_model=ThingPublic, responses=ERRORS)
def get_thing(key: str, member: CohortParticipant, db: SessionDep) -> ThingPublic:
    return thing_public(progress_service.thing_view(db, member=member, key=key))


@router.put(
    "/cohorts/{cohort}/things/{key}/completion", response_model=CompletionPublic,
    responses={**ERRORS, 409: {"model": Problem, "description": "locked, or the required "
                                "reflection is missing or too short"},
               422: {"model": Problem, "description": "the evidence link is missing or invalid"}},
)
def complete(
    key: str, member: CohortParticipant, db: SessionDep, body: CompletionIn | None = None
) -> CompletionPublic:
    """Mark a Thing done. Doing it twice changes nothing (but may update the evidence link)."""
    view = progress_service.complete_thing(
        db, member=member, key=key, evidence_url=body.evidence_url if body else None)
    assert view.completion is not None
    return CompletionPublic(thing=key, status=view.status,
                            completed_at=view.completion.completed_at,
                            evidence_url=view.completion.evidence_url,
                            approval=view.completion.approval)


@router.delete("/cohorts/{cohort}/things/{key}/completion", status_code=204, responses=ERRORS)
def undo(key: str, member: CohortParticipant, db: SessionDep) -> Response:
    """Take back "done"; the reflection stays."""
    progress_service.undo_completion(db, member=member, key=key)
    return Response(status_code=204)
