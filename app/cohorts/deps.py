"""The caller as a member of the cohort named in the path; strangers get 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.auth.deps import CurrentUser
from app.cohorts import service as cohorts_service
from app.cohorts.models import Member, require_participant
from app.deps import SessionDep


async def cohort_member(cohort: str, user: CurrentUser, db: SessionDep) -> Member:
    return cohorts_service.get_member(db, user=user, cohort_key=cohort)


CohortMember = Annotated[Member, Depends(cohort_member)]


async def cohort_participant(member: CohortMember) -> Member:
    return require_participant(member)


CohortParticipant = Annotated[Member, Depends(cohort_participant)]
