"""Rendered rows of the My Things list, cached.

A row's HTML depends only on the Thing (the programme's stamp), its dates in the cohort (the
cohort's stamp), its status and whether statuses are shown. The cache key holds exactly that,
so a new import or a change of status makes a new key instead of a stale row.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from app.cohorts.models import Member
from app.progress.service import ThingView
from app.templating import env

MAX_ROWS = 50_000  # far more than all rows of all current cohorts; a bound, not a tuning knob

_rows: dict[tuple[Any, ...], Markup] = {}
_macros: dict[int, Any] = {}  # the row macro per app (its links come from that app's routes)
_lock = Lock()


def _row_macro(request: Request) -> Any:
    macro = _macros.get(id(request.app))
    if macro is None:
        # the template's url_for finds the app through a "request" in its context
        module = env.get_template("progress/_thing_row.html").make_module(
            {"request": SimpleNamespace(app=request.app)})
        macro = _macros[id(request.app)] = module.row  # type: ignore[attr-defined]
    return macro


def row_renderer(member: Member, request: Request) -> Callable[[list[ThingView]], Markup]:
    """views -> their rows' HTML, for the My Things template of this member's cohort."""
    cohort, program = member.cohort, member.program
    show_status = member.is_participant
    stamp = (id(request.app), program.id, program.updated_at, cohort.id, cohort.updated_at,
             show_status)
    macro = _row_macro(request)

    def render(view: ThingView) -> Markup:
        key = (*stamp, view.thing.key, view.status, view.is_waiting_for_trainer, view.is_returned)
        html = _rows.get(key)
        if html is None:
            html = Markup(str(macro(view, cohort.key, show_status)).strip())
            with _lock:
                if len(_rows) >= MAX_ROWS:
                    _rows.clear()
                _rows[key] = html
        return html

    def render_all(views: list[ThingView]) -> Markup:
        return Markup("\n").join(render(view) for view in views)  # one piece for the template

    return render_all
