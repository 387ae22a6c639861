from __future__ import annotations

from fastapi import APIRouter

from app.cohorts.deps import CohortMember
from app.deps import SessionDep
from app.pitches import service as pitches_service
from app.pitches.schemas import PitchIn, PitchPublic, PitchVersionPublic
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
