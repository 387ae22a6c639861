"""Domain errors, and the one place that turns them (and every other failure) into responses."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.i18n import _
from app.security import SECURITY_HEADERS

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

log = logging.getLogger("ting")


class DomainError(Exception):
    """A rule of the product refused the request; `detail` is meant for a person."""

    status_code = 409

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class NotSignedIn(DomainError):
    status_code = 401


class InvalidInput(DomainError):
    status_code = 422


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def readable_validation_errors(errors: Sequence[Any]) -> str:
    """One sentence per field, e.g. `body.title: Field required`."""
    parts = []
    for error in errors:
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request"
        parts.append(f"{location}: {error.get('msg') or _('invalid value')}")
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    from app.templating import is_htmx, render_error

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if wants_json(request):
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotSignedIn) else None
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)
        if isinstance(exc, NotSignedIn):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            login = f"/login?next={quote(target, safe='/')}"
            if is_htmx(request):  # a whole-page visit, not a sign-in form swapped into a fragment
                page = request.headers.get("hx-current-url", "")
                if page.startswith(str(request.base_url)):
                    login = f"/login?next={quote('/' + page[len(str(request.base_url)):], safe='/')}"
                return Response(status_code=204, headers={"HX-Redirect": login})
            return RedirectResponse(login, status_code=303)
        return render_error(request, exc.status_code, exc.detail)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _("Request failed.")
        if exc.status_code == 404:
            detail = _("There is nothing at this address, or you do not have access to it.")
        if wants_json(request):
            return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)
        return render_error(request, exc.status_code, detail)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        detail = readable_validation_errors(errors)
        if wants_json(request):
            fields = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
                for e in errors
            ]
            return JSONResponse({"detail": detail, "errors": fields}, 422)
        return render_error(request, 400, detail)

    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        detail = _("Something went wrong on our side. Please try again in a moment.")
        response = (JSONResponse({"detail": detail}, 500) if wants_json(request)
                    else render_error(request, 500, detail))
        response.headers.update(SECURITY_HEADERS)  # made outside the headers middleware
        return response

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
