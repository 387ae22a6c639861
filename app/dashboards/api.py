from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from app.cohorts.deps import CohortMember
from app.dashboards import export
from app.dashboards import service as dashboards_service
from app.dashboards.schemas import DashboardPublic
from app.deps import SessionDep
from app.schemas import problems

router = APIRouter(tags=["dashboards"])
CSV = "text/csv"
_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {CSV: {"schema": {"type": "string"}}},
                       "description": "One row per participant."}}


def csv_response(board: dashboards_service.Dashboard) -> Response:
    name = f"{board.member.cohort.key}-participants.csv"
    return Response(export.to_csv(board), media_type=f"{CSV}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/cohorts/{cohort}/dashboard", response_model=DashboardPublic,
            responses={**_CSV_RESPONSE, **problems(403, 404)})
def get_dashboard(request: Request, member: CohortMember, db: SessionDep) -> Response:
    """The cohort's figures (trainers and managers). With `Accept: text/csv`, one row per
    participant instead."""
    if CSV in request.headers.get("accept", ""):
        return csv_response(dashboards_service.dashboard(db, member=member, with_cells=True))
    board = dashboards_service.dashboard(db, member=member)
    body = DashboardPublic.model_validate(board).model_dump_json()
    return Response(body, media_type="application/json")


@router.get("/cohorts/{cohort}/dashboard.csv", response_class=Response,
            responses={**_CSV_RESPONSE, **problems(403, 404)})
def get_dashboard_csv(member: CohortMember, db: SessionDep) -> Response:
    """One row per participant: e-mail, name, organisation, group, must-do and can-do Things
    done, completed, last activity, and each Thing's state."""
    return csv_response(dashboards_service.dashboard(db, member=member, with_cells=True))
