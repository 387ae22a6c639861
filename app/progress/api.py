from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.auth.deps import CurrentUser
from app.cohorts.deps import CohortMember, CohortParticipant
from app.deps import RowId, SessionDep
from app.posts import service as posts_service
from app.posts.schemas import DeletedPublic
from app.progress import review
from app.progress import service as progress_service
from app.progress.schemas import (
    THING_LIST,
    CompletionIn,
    CompletionPublic,
    DecisionIn,
    DecisionPublic,
    SignoffItemPublic,
    ThingPublic,
)
from app.schemas import problems

router = APIRouter(tags=["things"])

# Asked for most often of all: it only reads, so it stays on the event loop (no thread-pool
# hand-off), and writes its JSON in one pass of the schema the document declares.
@router.get("/cohorts/{cohort}/things", response_model=list[ThingPublic], responses=problems(404))
async def list_things(member: CohortParticipant, db: SessionDep) -> Response:
    """My Things in programme order, with dates in the cohort's time zone and my status."""
    overview = progress_service.my_things(db, member=member)
    things = THING_LIST.validate_python(overview.things, from_attributes=True)
    return Response(THING_LIST.dump_json(things), media_type="application/json")


@router.get("/cohorts/{cohort}/things/{key}", response_model=ThingPublic, responses=problems(404))
async def get_thing(key: str, member: CohortParticipant, db: SessionDep) -> ThingPublic:
    return ThingPublic.model_validate(progress_service.thing_view(db, member=member, key=key))


@router.put(
    "/cohorts/{cohort}/things/{key}/completion", response_model=CompletionPublic,
    responses=problems(404, 409, _409="The Thing is locked, or its required reflection is "
                       "missing or too short."),
)
async def complete(
    key: str, member: CohortParticipant, db: SessionDep, body: CompletionIn | None = None
) -> CompletionPublic:
    """Mark a Thing done. Doing it twice changes nothing (but may update the evidence link).
    A missing or invalid evidence link answers 422."""
    view = await run_in_threadpool(progress_service.complete_thing, db, member=member, key=key,
                                   evidence_url=body.evidence_url if body else None)
    return CompletionPublic.model_validate(view)


@router.delete("/cohorts/{cohort}/things/{key}/completion", status_code=204,
               responses=problems(404, 409, _409="A trainer approved it: ask them to reopen it."))
def undo(key: str, member: CohortParticipant, db: SessionDep) -> Response:
    """Take back "done"; the reflection stays."""
    progress_service.undo_completion(db, member=member, key=key)
    return Response(status_code=204)


@router.get("/cohorts/{cohort}/signoff", response_model=list[SignoffItemPublic],
            tags=["sign-off"], responses=problems(403, 404))
def list_signoff(member: CohortMember, db: SessionDep) -> list[SignoffItemPublic]:
    """Completions waiting for a trainer's sign-off, oldest first (trainers)."""
    return [SignoffItemPublic.model_validate(item) for item in review.queue(db, member=member)]


@router.put("/cohorts/{cohort}/signoff/{completion_id}", response_model=DecisionPublic,
            tags=["sign-off"],
            responses=problems(403, 404, 409, _409="It was decided already."))
def put_signoff_decision(completion_id: RowId, body: DecisionIn, member: CohortMember,
                   db: SessionDep) -> DecisionPublic:
    """Approve, or send back with a comment saying what is missing (trainers)."""
    completion = review.decide(db, member=member, completion_id=completion_id,
                               decision=body.decision, comment=body.comment)
    return DecisionPublic.model_validate(completion)


@router.delete("/posts/{post_id}", response_model=DeletedPublic, responses=problems(403, 404, 409),
               tags=["posts"])
def delete_post(post_id: RowId, user: CurrentUser, db: SessionDep,
                reopen_thing: bool = False) -> DeletedPublic:
    """Delete my post (it is kept for the record, out of every view). If it is the required
    reflection of a Thing I marked done, that Thing goes back to open: answered 409 unless
    `reopen_thing=true` says so."""
    member = posts_service.member_for_post(db, user=user, post_id=post_id)
    removal = progress_service.delete_post(db, member=member, post_id=post_id,
                                           reopen=reopen_thing)
    return DeletedPublic(id=post_id, reopened=removal.reopens.key if removal.reopens else None)
