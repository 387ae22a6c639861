from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser
from app.cohorts import service as cohorts_service
from app.cohorts.schemas import CohortPublic, MePublic
from app.deps import SessionDep

router = APIRouter()


@router.get("/me", response_model=MePublic, tags=["me"])
async def me(user: CurrentUser, db: SessionDep) -> MePublic:
    """Who the token or session belongs to, and the roles they hold in any cohort."""
    return MePublic(email=user.email, name=user.name, roles=cohorts_service.roles_of(db, user=user),
                    admin=user.is_admin)


@router.get("/cohorts", response_model=list[CohortPublic], tags=["cohorts"])
async def list_cohorts(user: CurrentUser, db: SessionDep) -> list[CohortPublic]:
    """The cohorts I belong to, with my role in each (participant first when I hold several)."""
    return [CohortPublic.model_validate(m) for m in cohorts_service.my_cohorts(db, user=user)]
