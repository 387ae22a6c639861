from __future__ import annotations

from fastapi import APIRouter

from app.auth import service as auth_service
from app.auth.models import MePublic
from app.deps import CurrentUser, SessionDep

router = APIRouter(tags=["me"])


@router.get("/me", response_model=MePublic)
def me(user: CurrentUser, db: SessionDep) -> MePublic:
    """Who the token or session belongs to, and the roles they hold in any cohort."""
    return MePublic(email=user.email, name=user.name, roles=auth_service.roles_of(db, user=user))
