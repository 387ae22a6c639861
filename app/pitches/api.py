from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from app.cohorts.deps import CohortMember
from app.deps import SessionDep
from app.pitches import service as pitches_service
from app.pitches import voting
from app.pitches.schemas import (
    BallotIn,
    BallotPublic,
    GroupResultPublic,
    PitchIn,
    PitchPublic,
    PitchVersionPublic,
    VotingIn,
    VotingPublic,
    WinnerIn,
)
from app.schemas import problems

router = APIRouter(tags=["pitches"])


def _public(view: pitches_service.PitchView) -> PitchPublic:
    current = view.current
    return PitchPublic(
        group=view.group.key, version=current.number if current else None,
        title=current.title if current else None, summary=current.summary if current else None,
        plan=current.plan if current else None, html=current.plan_html if current else None,
        slides_url=current.slides_url if current else None, author=view.author_name,
        updated_at=current.created_at if current else None, editable_until=view.due,
        may_edit=view.may_edit,
        history=None if view.history is None else [
            PitchVersionPublic(number=v.number, author=v.author_name, created_at=v.created_at,
                               changed=list(v.changed)) for v in view.history])


@router.get("/cohorts/{cohort}/groups/{group}/pitch", response_model=PitchPublic,
            responses=problems(404))
def get_pitch(group: str, member: CohortMember, db: SessionDep) -> PitchPublic:
    return _public(pitches_service.pitch_view(db, member=member, key=group))


@router.put("/cohorts/{cohort}/groups/{group}/pitch", response_model=PitchPublic,
            responses=problems(404, 409))
def put_pitch(group: str, body: PitchIn, member: CohortMember, db: SessionDep) -> PitchPublic:
    """Save the group's pitch (its members, until the pitch is due); a new version each time
    something changed, the earlier ones kept."""
    pitches_service.save_pitch(db, member=member, key=group, title=body.title,
                               summary=body.summary, plan=body.plan, slides_url=body.slides_url)
    return _public(pitches_service.pitch_view(db, member=member, key=group))


def _voting_public(view: voting.VotingView) -> VotingPublic:
    return VotingPublic(
        state=view.state, closes_at=view.closes_at, eligible=view.eligible, voted=view.voted,
        results=None if view.results is None else [
            GroupResultPublic.model_validate(r) for r in view.results],
        my_ballot=view.my_choices, winners=view.winners, tied=view.tied,
        tie_reason=view.tie_reason)


@router.get("/cohorts/{cohort}/voting", response_model=VotingPublic, responses=problems(404))
def get_voting(member: CohortMember, db: SessionDep) -> VotingPublic:
    """Where the vote stands: turnout always; results for trainers once counted and for
    everyone once published; never who voted for whom."""
    return _voting_public(voting.voting_view(db, member=member))


@router.put("/cohorts/{cohort}/voting", response_model=VotingPublic, responses=problems(404, 409))
def put_voting(body: VotingIn, member: CohortMember, db: SessionDep) -> VotingPublic:
    """A trainer moves the vote: closed → open → counted → published (open → closed too)."""
    voting.set_state(db, member=member, state=body.state, closes_at=body.closes_at)
    return _voting_public(voting.voting_view(db, member=member))


@router.put("/cohorts/{cohort}/ballot", response_model=BallotPublic, responses=problems(404, 409))
async def put_ballot(body: BallotIn, member: CohortMember, db: SessionDep) -> BallotPublic:
    """Your ballot, replacing the one before, while voting is open; 409 when it is not, for
    your own group, or for too many groups."""
    # a whole room votes at once: only the write goes to the thread pool
    keys = await run_in_threadpool(voting.cast_ballot, db, member=member, group_keys=body.groups)
    return BallotPublic(groups=keys)


@router.put("/cohorts/{cohort}/voting/winner", response_model=VotingPublic,
            responses=problems(404, 409))
def put_winner(body: WinnerIn, member: CohortMember, db: SessionDep) -> VotingPublic:
    """A trainer settles a tie among the groups with the most votes, with the reason (the
    programme's tie_break: trainer); 409 when there is no tie to settle."""
    voting.choose_winner(db, member=member, key=body.group, reason=body.reason)
    return _voting_public(voting.voting_view(db, member=member))
