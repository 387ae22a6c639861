"""The caller as a member of the cohort named in the path; strangers get 404. Each dependency
does its whole lookup itself (see app.auth.deps)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app import i18n
from app.auth.deps import caller, record_token_use, require_signed_in
from app.cohorts import service as cohorts_service
from app.cohorts.models import Member, require_participant
from app.deps import SessionDep, bearer_token
from app.security import session_secret


async def cohort_member(cohort: str, request: Request, db: SessionDep) -> Member:
    token, secret = bearer_token(request), session_secret(request)
    member = (cohorts_service.find_member(db, cohort_key=cohort, token=token, session_secret=secret)
              if token or secret else None)
    if member is None:  # why not: not signed in (401), or not in this cohort (404)
        user = require_signed_in(caller(request, db))
        if not user.is_admin:
            raise cohorts_service.cohort_not_found(cohort)
        member = cohorts_service.admin_member(db, user=user, cohort_key=cohort)
        member.token_id, member.token_used_at = getattr(request.state, "token_use", (None, None))
    request.state.user = member.user  # for the page header
    request.state.cohort = member.cohort  # for an error page's way back
    i18n.remembered(member.user.language)
    i18n.prefer(member.cohort.language, member.program.language)
    await record_token_use(db, member.token_id, member.token_used_at)
    return member


async def cohort_participant(cohort: str, request: Request, db: SessionDep) -> Member:
    return require_participant(await cohort_member(cohort, request, db))


CohortMember = Annotated[Member, Depends(cohort_member)]
CohortParticipant = Annotated[Member, Depends(cohort_participant)]
