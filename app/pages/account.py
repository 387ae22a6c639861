"""My account: who I am, my cohorts and roles, how I signed in, my API tokens, and signing out
everywhere. It combines people (auth) with cohorts, so it sits above both."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import feed_keys
from app.auth import service as auth_service
from app.auth.deps import CurrentUser
from app.auth.models import SignInMethod, User
from app.cohorts import service as cohorts_service
from app.db import id_of
from app.deps import RowId, SessionDep
from app.i18n import _
from app.security import end_session, flash, session_secret
from app.templating import render, submit_form

router = APIRouter()



def method_label(method: SignInMethod) -> str:
    labels = {SignInMethod.demo: _("the demo login"),
              SignInMethod.oidc: _("your organisation's single sign-on"),
              SignInMethod.password: _("your e-mail address and password")}
    return labels[method]


def _account_page(request: Request, db: SessionDep, user: User, *, status_code: int = 200,
                  **extra: Any) -> Response:
    secret = session_secret(request)
    current = auth_service.browser_session(db, secret=secret) if secret else None
    context = {
        "user": user,
        "members": cohorts_service.my_cohorts(db, user=user),
        "sign_in_method": method_label(current.method) if current else None,
        "signed_in_at": current.started_at if current else None,
        "tokens": auth_service.tokens_of(db, user_id=id_of(user)),
        "feed_key": feed_keys.feed_key(user, secret=request.app.state.secret_key),
        "token_name": "", "token_error": None, "new_token": None,
        **extra,
    }
    return render(request, "auth/account.html", context, status_code=status_code)


@router.get("/account")
def account_page(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    return _account_page(request, db, user)


@router.post("/account/tokens")
def create_token(
    request: Request, user: CurrentUser, db: SessionDep, name: Annotated[str, Form()] = "",
) -> Response:
    def action() -> Response:
        token, plain = auth_service.issue_token(db, user_id=id_of(user), name=name)
        # shown in this answer only: it is stored hashed and cannot be shown again
        return _account_page(request, db, user, status_code=201, new_token=plain,
                             new_token_name=token.name)

    return submit_form(action, lambda status, error: _account_page(
        request, db, user, status_code=status, token_name=name, token_error=error))


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, user: CurrentUser, db: SessionDep) -> Response:
    token = auth_service.revoke_token(db, user_id=id_of(user), token_id=token_id)
    flash(request, _("The token “{name}” is revoked; programs using it are now refused.")
          .format(name=token.name))
    return RedirectResponse(request.app.url_path_for("account_page"), status_code=303)


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    count = auth_service.end_every_browser_session(db, user_id=id_of(user))
    end_session(request)
    flash(request, _("You are signed out on every browser ({count}).").format(count=count))
    return RedirectResponse(request.app.url_path_for("login_page"), status_code=303)


@router.post("/account/feeds/renew")
def renew_feeds(request: Request, user: CurrentUser, db: SessionDep) -> Response:
    """New private feed addresses; the old ones stop working (for when one has leaked)."""
    feed_keys.renew_feed_key(db, user=user)
    flash(request, _("Your feeds have new addresses; the old ones no longer work. Give the new "
                     "ones to your feed reader and calendar."))
    return RedirectResponse(request.app.url_path_for("account_page") + "#feeds", status_code=303)
