"""The outbox: what Ting has mailed and what waits. Site admins always see it; a demo server
without an SMTP server shows it to everyone as the "mails sent" page, since that is where its
mail arrives (invitation links included)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth.deps import OptionalUser
from app.deps import SessionDep
from app.errors import Forbidden
from app.i18n import _
from app.mail import service as mail_service
from app.templating import render

router = APIRouter()


@router.get("/outbox")
def outbox_page(request: Request, user: OptionalUser, db: SessionDep) -> Response:
    if not request.app.state.settings.shows_mail_on_page and not (user is not None and user.is_admin):
        raise Forbidden(_("Only site admins see the outbox."))
    settings = request.app.state.settings
    return render(request, "mail/outbox.html", {
        "user": user, "mails": mail_service.recent(db),
        "waiting": mail_service.waiting_count(db),
        "is_demo_page": request.app.state.settings.shows_mail_on_page,
        "smtp_missing": not settings.smtp_host and not settings.demo,
    })
