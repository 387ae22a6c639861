from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import CurrentUser
from app.cohorts import service as cohorts_service
from app.cohorts.deps import CohortMember
from app.dashboards import export, matrix
from app.dashboards import service as dashboards_service
from app.dashboards.matrix import Show, SortBy
from app.dashboards.schemas import DashboardPublic, MatrixPublic, MatrixRowPublic, OverviewPublic
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


@router.get("/cohorts/{cohort}/matrix", response_model=MatrixPublic, responses=problems(403, 404))
def get_matrix(
    member: CohortMember, db: SessionDep, organization: str = "", group: str = "",
    show: Show = Show.everyone, q: str = "", sort: SortBy = SortBy.name,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = matrix.PER_PAGE,
) -> MatrixPublic:
    """Participants × Things (trainers and managers), filtered and paged as on the page."""
    grid = matrix.matrix(db, member=member, organization=organization or None, group=group or None,
                         show=show, search=q, sort=sort, page=page, per_page=per_page)
    return MatrixPublic(total=grid.total, page=grid.page, pages=grid.pages,
                        things=[t.key for t in grid.board.things],
                        rows=[MatrixRowPublic.model_validate(p) for p in grid.rows])


@router.get("/dashboards", response_model=OverviewPublic)
def get_overview(user: CurrentUser, db: SessionDep) -> OverviewPublic:
    """The figures of every cohort I train or manage, side by side and summed."""
    members = cohorts_service.my_cohorts(db, user=user)
    return OverviewPublic.model_validate(dashboards_service.overview(db, members=members))
