"""Jinja2 with autoescaping and gettext; one template serves a page and its htmx fragments.

The core knows no domain: the app factory registers the domain's words (enums) and filters
with `register`, and `url_for` with the app's routes, so templates name routes, not paths.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from threading import Lock
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from babel.numbers import format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup

from app.config import ROOT
from app.errors import DomainError
from app.i18n import LOCALE_NAMES, LOCALES, _, babel_locale, locale, ngettext
from app.observability import request_id_of
from app.security import CSRF_FIELD, csrf_token, pop_flashes

TEMPLATES_DIR = ROOT / "templates"
HTMX = "htmx-2.0.11.min.js"

env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the code; checking their files on every render costs a stat each.
    auto_reload=False,
)
# The request's language decides (app.i18n): one environment serves every language.
env.install_gettext_callables(_, ngettext, newstyle=True)  # type: ignore[attr-defined]


@lru_cache(maxsize=8192)
def _date_in(value: date, fmt: str, language: str) -> str:
    return format_date(value, format=fmt, locale=language)


def _date(value: date | str | None, fmt: str = "medium") -> str:
    """A day in the request's language; also a day kept as ISO text (2027-02-14)."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return _date_in(value, fmt, locale()) if value else ""


def _datetime(value: datetime | None, timezone: str = "UTC", fmt: str = "medium") -> str:
    """A moment in a time zone, in the request's language, to the minute (seconds say nothing
    to a reader): "medium" spells the month, "short" is all digits."""
    if value is None:
        return ""
    language = locale()
    local = value.astimezone(ZoneInfo(timezone))
    pattern = babel_locale(language).datetime_formats[fmt]
    return str(pattern).format(format_time(local, "short", locale=language),
                               _date_in(local.date(), fmt, language))


@lru_cache(maxsize=256)
def _zone_city_in(zone: str, language: str) -> str:
    return get_timezone_location(ZoneInfo(zone), locale=language, return_city=True)


def _zone_city(zone: str) -> str:
    """A time zone by its city, as the reader's language names it ("København")."""
    return _zone_city_in(zone, locale())


def _percent(value: float) -> str:
    return format_percent(value, locale=locale())


@lru_cache(maxsize=len(LOCALES))
def _language_options_in(language: str) -> Markup:
    return Markup("").join(
        Markup('<option value="{0}" lang="{0}"{1}>{2}</option>').format(
            code, Markup(" selected") if code == language else "", LOCALE_NAMES[code])
        for code in LOCALES)


def _language_options() -> Markup:
    """The footer's language choices, the reader's selected: built once per language (every
    page shows them)."""
    return _language_options_in(locale())


env.filters.update(date=_date, datetime=_datetime, zone_city=_zone_city, percent=_percent)
env.globals.update(htmx_file=HTMX, locale=locale, language_options=_language_options)


def register(*, filters: dict[str, Callable[..., Any]], words: dict[str, Any]) -> None:
    """What templates may use from the app: domain filters and the domain's enums, the same for
    every app instance. Route names are looked up in the app serving the request (`url_for`):
    two apps in one process (a test's servers) may have different routes."""
    env.filters.update(filters)
    env.globals.update(words)


_MAX_PATHS = 65_536


def _path(request: Request, name: str, params: tuple[tuple[str, Any], ...]) -> str:
    """A route's path in this request's app, remembered per app: routes never change while an
    app runs, and looking one up walks every router."""
    paths: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = request.app.state.url_paths
    key = (name, params)
    found = paths.get(key)
    if found is None:
        if len(paths) >= _MAX_PATHS:
            paths.clear()
        found = paths[key] = str(request.app.url_path_for(name, **dict(params)))
    return found


@pass_context
def _url_for(context: Any, name: str, **params: Any) -> str:
    return _path(context["request"], name, tuple(sorted(params.items())))


@pass_context
def _static(context: Any, file: str) -> str:
    return _path(context["request"], "static", (("path", file),))


@pass_context
def _absolute(context: Any, path: str) -> str:
    """A path as a full address (for what is copied out of Ting: feed addresses)."""
    return str(context["request"].app.state.settings.absolute(path))


env.globals["url_for"] = _url_for
env.globals["static"] = _static
env.globals["absolute"] = _absolute


def absolute_url(request: Request, name: str, **params: Any) -> str:
    """A route's full address (mails, single sign-on), from the configured base address."""
    return str(request.app.state.settings.absolute(str(request.app.url_path_for(name, **params))))


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _context(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    return {
        "request": request,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
        "demo": request.app.state.settings.demo,
        "mails_page_open": request.app.state.settings.shows_mail_on_page,
        **context,
    }


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *,
    status_code: int = 200, block: str | None = None,
) -> HTMLResponse:
    """The whole page, or only `block` of it (what htmx swaps in)."""
    template = env.get_template(name)
    values = _context(request, context or {})
    if block is None:
        html = template.render(values)
    else:
        html = "".join(template.blocks[block](template.new_context(values)))
    return HTMLResponse(html, status_code=status_code)


def _came_from(request: Request) -> str | None:
    """The page a person came from, when it is one of ours (and not this one): a way back."""
    referer = request.headers.get("referer", "")
    base = str(request.base_url)
    if not referer.startswith(base):
        return None
    path = "/" + referer[len(base):].lstrip("/")
    return None if path.startswith("//") or path == request.url.path else path


def render_error(request: Request, status_code: int, detail: str) -> HTMLResponse:
    """The error page; for htmx, the message alone, aimed at the page's alert region so it is
    seen (and read out) instead of a whole page landing inside a form."""
    user = getattr(request.state, "user", None)
    context = {"status_code": status_code, "detail": detail, "user": user,
               "cohort": getattr(request.state, "cohort", None), "came_from": _came_from(request),
               "request_id": request_id_of(request)}
    if is_htmx(request):
        response = render(request, "errors/_htmx_error.html", context, status_code=status_code)
        response.headers["HX-Retarget"] = "#htmx-error"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "errors/error.html", context, status_code=status_code)


def submit_form(
    action: Callable[[], Response], form_again: Callable[[int, str], Response]
) -> Response:
    """Every form route: run the action; when a rule refuses it, show the form again with the
    message (and, through `form_again`, what the person typed), with the refusal's status."""
    try:
        return action()
    except DomainError as exc:
        return form_again(exc.status_code, exc.detail)


class RenderedPieces:
    """Pieces of HTML rendered once by a template macro and kept under a key that holds
    everything they depend on (any change makes a new key, never a stale piece); bounded, and
    safe to share between the threads that serve requests."""

    def __init__(self, template: str, macro: str, *, limit: int) -> None:
        self._template, self._macro_name, self._limit = template, macro, limit
        self._pieces: dict[tuple[Any, ...], Markup] = {}
        self._macros: dict[int, Any] = {}  # per app: its links come from that app's routes
        self._lock = Lock()

    def macro(self, request: Request) -> Any:
        found = self._macros.get(id(request.app))
        if found is None:
            # the template's url_for finds the app through a "request" in its context
            module = env.get_template(self._template).make_module(
                {"request": SimpleNamespace(app=request.app)})
            found = self._macros[id(request.app)] = getattr(module, self._macro_name)
        return found

    def get(self, key: tuple[Any, ...], render: Callable[[], Any]) -> Markup:
        piece = self._pieces.get(key)
        if piece is None:
            piece = Markup(str(render()).strip())
            with self._lock:
                if len(self._pieces) >= self._limit:
                    self._pieces.clear()
                self._pieces[key] = piece
        return piece
