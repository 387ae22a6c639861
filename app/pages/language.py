"""The language switcher in every page's footer: a plain form, so it works without script."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app import i18n
from app.auth import service as auth_service
from app.auth.deps import OptionalUser
from app.auth.router import safe_next
from app.config import Settings
from app.db import id_of
from app.deps import SessionDep
from app.errors import InvalidInput
from app.i18n import _

router = APIRouter()

A_YEAR = 365 * 24 * 3600


@router.post("/language")
def choose_language(
    request: Request, user: OptionalUser, db: SessionDep,
    language: Annotated[str, Form(max_length=10)], next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    chosen = i18n.supported(language)
    if chosen is None or chosen != language:
        raise InvalidInput(_("Choose one of the languages listed."))
    i18n.choose(chosen)
    if user is not None:
        auth_service.set_language(db, user_id=id_of(user), language=chosen)
    response = RedirectResponse(safe_next(request, next or None), status_code=303)
    settings: Settings = request.app.state.settings
    response.set_cookie(i18n.LANGUAGE_COOKIE, chosen, max_age=A_YEAR, httponly=True,
                        samesite="lax", secure=settings.cookies_secure)
    return response
