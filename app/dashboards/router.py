"""The manager's and trainer's dashboard page: the cohort's figures, with charts and tables."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cohorts.deps import CohortMember
from app.dashboards import service as dashboards_service
from app.deps import SessionDep
from app.templating import render

router = APIRouter()


@router.get("/c/{cohort}/dashboard")
def dashboard_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    board = dashboards_service.dashboard(db, member=member)
    return render(request, "dashboards/dashboard.html",
                  {"user": member.user, "member": member, "cohort": member.cohort, "board": board})
