"""The one place that turns refusals and failures into responses: JSON `{"detail": ...}` for the
API, the error page (or an htmx alert) for the browser, a sign-in redirect for a lost session."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.deps import wants_json
from app.errors import DomainError, NotSignedIn
from app.i18n import _
from app.observability import REQUEST_ID_HEADER, request_id_of
from app.schemas import SOME_TEXT, STORABLE_TEXT
from app.security import SECURITY_HEADERS, STRICT_TRANSPORT
from app.templating import is_htmx, render_error

log = logging.getLogger("ting")

# The last resort when even the error page cannot be drawn: no template, no data.
_BARE_ERROR_PAGE = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Error · Ting"
                    "</title><h1>Something went wrong</h1><p>Please try again in a moment.</p>"
                    "<p><a href=\"/\">Back to the start page</a></p></html>")


def _message(error: dict[str, Any]) -> str:
    """Pydantic's message, or a plain one where it would quote a regular expression."""
    pattern = (error.get("ctx") or {}).get("pattern")
    if pattern == SOME_TEXT:
        return _("needs some text, not only spaces")
    if pattern == STORABLE_TEXT:
        return _("may not contain a NUL character")
    return str(error.get("msg") or _("invalid value"))


def readable_validation_errors(errors: Sequence[Any]) -> str:
    """One sentence per field, e.g. `title: Field required`."""
    parts = []
    for error in errors:
        loc = list(error.get("loc", ()))
        location = ".".join(str(p) for p in (loc[1:] if loc[:1] == ["body"] else loc)) or "request"
        parts.append(f"{location}: {_message(error)}")
    return "; ".join(parts)


def _sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = request.app.url_path_for("login_page")
    if is_htmx(request):  # a whole-page visit, not a sign-in form swapped into a fragment
        page = request.headers.get("hx-current-url", "")
        base = str(request.base_url)
        target = "/" + page[len(base):] if page.startswith(base) else target
        return Response(status_code=204,
                        headers={"HX-Redirect": f"{login}?next={quote(target, safe='/')}"})
    return RedirectResponse(f"{login}?next={quote(target, safe='/')}", status_code=303)


_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (Starlette names only the first route's)."""
    routes = request.app.router.routes
    allowed = [method for method in _METHODS if any(
        route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)]
    return ", ".join(allowed)


def _problem(request: Request, body: dict[str, Any], status: int,
             headers: dict[str, str] | None = None) -> JSONResponse:
    """An API error, with the request's id for the person to quote when they ask for help."""
    return JSONResponse({**body, "request_id": request_id_of(request)}, status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if wants_json(request):
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotSignedIn) else None
            return _problem(request, {"detail": exc.detail}, exc.status_code, headers)
        if isinstance(exc, NotSignedIn):
            return _sign_in_redirect(request)
        return render_error(request, exc.status_code, exc.detail)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _("Request failed.")
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            detail = _("There is nothing at this address, or you do not have access to it.")
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
            detail = _("This address does not answer {method}; it answers {allowed}.").format(
                method=request.method, allowed=headers["Allow"])
            if not wants_json(request) and request.method == "GET":
                detail = _("This address is where a form sends what you typed; it is not a page "
                           "to open. Go back to the form, or start again from your cohorts.")
        if wants_json(request):
            return _problem(request, {"detail": detail}, exc.status_code, headers)
        response = render_error(request, exc.status_code, detail)
        response.headers.update(headers)
        return response

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        detail = readable_validation_errors(errors)
        if wants_json(request):
            fields = [{"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
                       "msg": _message(e), "type": str(e.get("type", ""))}
                      for e in errors]
            return _problem(request, {"detail": detail, "errors": fields}, 422)
        return render_error(request, 400, detail)

    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        detail = _("Something went wrong on our side. Please try again in a moment.")
        response: Response
        if wants_json(request):
            response = _problem(request, {"detail": detail}, 500)
        else:
            try:
                response = render_error(request, 500, detail)
            except Exception:  # the page itself failed: answer with one that cannot
                log.exception("the error page failed too")
                response = HTMLResponse(_BARE_ERROR_PAGE, 500)
        response.headers.update(SECURITY_HEADERS)  # made outside the headers middleware
        if request.app.state.settings.cookies_secure:
            response.headers.update(STRICT_TRANSPORT)
        response.headers[REQUEST_ID_HEADER] = request_id_of(request)  # and the id's, too
        response.headers["cache-control"] = "no-store"
        return response

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
