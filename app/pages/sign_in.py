"""Single sign-on: to the provider and back. Who the provider vouches for (auth) is let in only
when a cohort's roster lists them (cohorts), so this sits above both."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.auth import oidc
from app.auth.models import SignInMethod
from app.auth.router import login_page_response, safe_next
from app.auth.sessions import sign_in
from app.cohorts import service as cohorts_service
from app.db import id_of
from app.deps import SessionDep
from app.i18n import _
from app.security import flash, pop_next, remember_next
from app.templating import render

router = APIRouter()


@router.get("/login/oidc/{provider}")
async def oidc_start(request: Request, provider: str, next: str | None = None) -> Response:
    chosen = oidc.provider_named(request.app.state.settings, provider)
    remember_next(request, safe_next(request, next))
    try:
        return await oidc.start(request, chosen)
    except oidc.SignInFailed as exc:
        return login_page_response(request, error=exc.detail, status_code=exc.status_code)


@router.get("/login/oidc/{provider}/callback")
async def oidc_callback(request: Request, provider: str, db: SessionDep) -> Response:
    chosen = oidc.provider_named(request.app.state.settings, provider)
    try:
        identity = await oidc.finish(request, chosen)
    except oidc.SignInFailed as exc:
        return login_page_response(request, error=exc.detail, status_code=exc.status_code)
    person = cohorts_service.rostered_person(db, email=identity.email) \
        if identity.email_verified and identity.email else None
    if person is None:
        return render(request, "auth/not_on_roster.html",
                      {"user": None, "identity": identity,
                       "contact": request.app.state.settings.contact}, status_code=403)
    target = safe_next(request, pop_next(request))  # signing in starts a fresh session
    # a write: off the event loop (a write may wait for a lock)
    await run_in_threadpool(lambda: sign_in(request, db, user_id=id_of(person),
                                            method=SignInMethod.oidc))
    flash(request, _("Signed in as {name}.").format(name=person.name))
    return RedirectResponse(target, status_code=303)
