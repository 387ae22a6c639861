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


def mails_page_is_open(request: Request) -> bool:
    settings = request.app.state.settings
    return bool(settings.demo and not settings.smtp_host)


@router.get("/outbox")
def outbox_page(request: Request, user: OptionalUser, db: SessionDep) -> Response:
    if not mails_page_is_open(request) and not (user is not None and user.is_admin):
        raise Forbidden(_("Only site admins see the outbox."))
    settings = request.app.state.settings
    return render(request, "mail/outbox.html", {
        "user": user, "mails": mail_service.recent(db),
        "waiting": mail_service.waiting_count(db),
        "is_demo_page": mails_page_is_open(request),
        "smtp_missing": not settings.smtp_host and not settings.demo,
    })
