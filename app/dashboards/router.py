"""The manager's and trainer's dashboard page: the cohort's figures, with charts and tables."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.auth.deps import CurrentUser
from app.badges import service as badges_service
from app.cohorts import service as cohorts_service
from app.cohorts.deps import CohortMember
from app.cohorts.models import Member
from app.dashboards import matrix, reminders
from app.dashboards import service as dashboards_service
from app.dashboards.matrix import Show, SortBy
from app.dashboards.reminders import ThingLink
from app.deps import RowId, SessionDep
from app.i18n import _
from app.limits import ROW_ID_MAX
from app.posts import blog, cards
from app.progress import review
from app.progress import service as progress_service
from app.security import flash
from app.templating import absolute_url, render, submit_form

router = APIRouter()
QUESTIONS_SHOWN = 10  # the latest questions on the trainer's desk


@router.get("/c/{cohort}/dashboard")
def dashboard_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    board = dashboards_service.dashboard(db, member=member)
    return render(request, "dashboards/dashboard.html",
                  {"user": member.user, "member": member, "cohort": member.cohort, "board": board})


def _thing_link(request: Request, cohort_key: str) -> ThingLink:
    return lambda key: absolute_url(request, "thing_page", cohort=cohort_key, key=key)


@router.get("/c/{cohort}/desk")
def trainer_desk(request: Request, member: CohortMember, db: SessionDep) -> Response:
    """A trainer's home for a cohort: the figures, what waits for sign-off, who is behind."""
    reminders.require_trainer(member)
    board = dashboards_service.dashboard(db, member=member, with_cells=True)  # who is behind
    return render(request, "dashboards/desk.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "board": board,
        "waiting": len(review.queue(db, member=member)),
        "behind": reminders.behind_with_days(board),
        "questions": blog.listing(db, member=member, choice=blog.StreamChoice(questions_only=True),
                                  limit=QUESTIONS_SHOWN),
        "cards": cards.card_renderer(request, member.cohort),
    })


@router.post("/c/{cohort}/reminders")
def send_reminders(
    request: Request, member: CohortMember, db: SessionDep,
    membership_id: Annotated[int | None, Form(ge=1, le=ROW_ID_MAX)] = None,
) -> Response:
    sent = reminders.remind(db, member=member, only=membership_id,
                            link_for=_thing_link(request, member.cohort.key))
    mailed = sum(r.sent for r in sent)
    skipped = len(sent) - mailed
    message = _("Reminders are on their way to {count} people.").format(count=mailed)
    if skipped:
        message += " " + _("{count} had one today already and get none now.").format(count=skipped)
    flash(request, message)
    return RedirectResponse(request.app.url_path_for("trainer_desk", cohort=member.cohort.key),
                            status_code=303)


@router.get("/c/{cohort}/matrix")
def matrix_page(
    request: Request, member: CohortMember, db: SessionDep,
    organization: str = "", group: str = "", show: Show = Show.everyone, q: str = "",
    sort: SortBy = SortBy.name, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    grid = matrix.matrix(db, member=member, organization=organization or None,
                         group=group or None, show=show, search=q, sort=sort, page=page)
    filters = {"organization": organization, "group": group, "show": show.value, "q": q,
               "sort": sort.value}
    return render(request, "dashboards/matrix.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "grid": grid,
        "filters": filters, "Show": Show, "SortBy": SortBy,
        "page_query": lambda n: urlencode({**filters, "page": n}),
    })


@router.get("/c/{cohort}/participants/{membership_id}")
def participant_page(request: Request, membership_id: RowId, member: CohortMember,
                     db: SessionDep) -> Response:
    return _participant_page(request, db, member, membership_id)


def _participant_page(request: Request, db: Session, member: Member, membership_id: int, *,
                      status_code: int = 200, error: str | None = None,
                      failed_badge: str | None = None, reason: str = "") -> Response:
    dashboards_service.require_staff(member)
    them = cohorts_service.participant_in(db, member=member, membership_id=membership_id)
    overview = progress_service.my_things(db, member=them)
    return render(request, "dashboards/participant.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "them": them,
        "overview": overview,
        "history": review.history_of(db, membership_id=membership_id),
        "error": error, "failed_badge": failed_badge, "reason": reason,
    }, status_code=status_code)


@router.post("/c/{cohort}/participants/{membership_id}/badges/{badge}/revoke")
def revoke_badge(request: Request, membership_id: RowId, badge: str, member: CohortMember,
                 db: SessionDep, reason: Annotated[str | None, Form()] = None) -> Response:
    """A trainer withdraws a participant's badge, saying why (the participant is told)."""
    def action() -> Response:
        badges_service.revoke(db, member=member, membership_id=membership_id, badge_key=badge,
                              reason=reason or "")
        flash(request, _("The badge is withdrawn, and the participant is told by mail."))
        return RedirectResponse(request.app.url_path_for(
            "participant_page", cohort=member.cohort.key, membership_id=str(membership_id)),
            status_code=303)

    return submit_form(action, lambda status, error: _participant_page(
        request, db, member, membership_id, status_code=status, error=error, failed_badge=badge,
        reason=reason or ""))


@router.get("/dashboards")
def overview_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """Every cohort the caller trains or manages, side by side and summed."""
    members = cohorts_service.my_cohorts(db, user=user)
    return render(request, "dashboards/overview.html", {
        "user": user, "overview": dashboards_service.overview(db, members=members)})
