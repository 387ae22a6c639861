"""The manager's and trainer's dashboard page: the cohort's figures, with charts and tables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.cohorts.deps import CohortMember
from app.dashboards import reminders
from app.dashboards import service as dashboards_service
from app.dashboards.reminders import ThingLink
from app.deps import SessionDep
from app.i18n import _
from app.limits import ROW_ID_MAX
from app.progress import review
from app.security import flash
from app.templating import render

router = APIRouter()


@router.get("/c/{cohort}/dashboard")
def dashboard_page(request: Request, member: CohortMember, db: SessionDep) -> Response:
    board = dashboards_service.dashboard(db, member=member)
    return render(request, "dashboards/dashboard.html",
                  {"user": member.user, "member": member, "cohort": member.cohort, "board": board})


def _thing_link(request: Request, cohort_key: str) -> ThingLink:
    base = request.app.state.settings.base_url.rstrip("/")
    return lambda key: base + str(request.app.url_path_for("thing_page", cohort=cohort_key, key=key))


@router.get("/c/{cohort}/desk")
def trainer_desk(request: Request, member: CohortMember, db: SessionDep) -> Response:
    """A trainer's home for a cohort: the figures, what waits for sign-off, who is behind."""
    reminders.require_trainer(member)
    board = dashboards_service.dashboard(db, member=member)
    return render(request, "dashboards/desk.html", {
        "user": member.user, "member": member, "cohort": member.cohort, "board": board,
        "waiting": len(review.queue(db, member=member)),
        "behind": reminders.behind_with_days(board),
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
