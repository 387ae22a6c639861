from __future__ import annotations

from fastapi import APIRouter

from app.cohorts import service as cohorts_service
from app.cohorts.models import CohortPublic
from app.deps import CurrentUser, SessionDep

router = APIRouter(tags=["cohorts"])


@router.get("/cohorts", response_model=list[CohortPublic])
def list_cohorts(user: CurrentUser, db: SessionDep) -> list[CohortPublic]:
    """The cohorts I belong to, with my role in each (participant first when I hold several)."""
    return [
        CohortPublic(
            key=m.cohort.key, title=m.cohort.title, program=m.program.key, role=m.roles[0],
            roles=m.roles, timezone=m.cohort.timezone, starts=m.cohort.starts_on,
            ends=m.cohort.ends_on,
        )
        for m in cohorts_service.my_cohorts(db, user=user)
    ]
