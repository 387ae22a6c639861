from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import CurrentUser, OptionalUser
from app.cohorts import service as cohorts_service
from app.deps import SessionDep
from app.progress import service as progress_service
from app.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, user: OptionalUser) -> Response:
    return RedirectResponse(request.app.url_path_for("my_cohorts" if user else "login_page"),
                            status_code=303)


@router.get("/cohorts")
def my_cohorts(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    members = cohorts_service.my_cohorts(db, user=user)
    progress = progress_service.summaries_for(db, members=members)
    return render(request, "cohorts/list.html",
                  {"user": user, "members": members, "progress": progress,
                   # several cohorts to oversee: their figures side by side
                   "shows_overview": sum(m.is_staff for m in members) > 1})
