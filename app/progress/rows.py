"""Rendered rows of the My Things list, cached.

A row's HTML depends only on the Thing (the programme's stamp), its dates in the cohort (the
cohort's stamp), its status and whether statuses are shown. The cache key holds exactly that,
so a new import or a change of status makes a new key instead of a stale row.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup
from starlette.requests import Request

from app.cohorts.models import Member
from app.i18n import locale
from app.progress.service import ThingView
from app.templating import RenderedPieces

# far more than all rows of all current cohorts; a bound, not a tuning knob
_rows = RenderedPieces("progress/_thing_row.html", "row", limit=50_000)


def row_renderer(member: Member, request: Request) -> Callable[..., Markup]:
    """(views, theme_titles=None) -> their rows' HTML, for the My Things template of this
    member's cohort; with `theme_titles`, each row names its theme."""
    cohort, program = member.cohort, member.program
    show_status = member.is_participant
    stamp = (id(request.app), locale(), program.id, program.updated_at, cohort.id,
             cohort.updated_at, show_status)
    macro = _rows.macro(request)

    def render(view: ThingView, theme_title: str | None) -> Markup:
        # the day is part of the key: "due in 3 days" changes at midnight
        key = (*stamp, view.thing.key, view.status, view.is_waiting_for_trainer, view.is_returned,
               view.today if show_status else None, theme_title)
        return _rows.get(key, lambda: macro(view, cohort.key, show_status, theme_title))

    def render_all(views: list[ThingView], theme_titles: dict[str, str] | None = None) -> Markup:
        titles = theme_titles or {}
        return Markup("\n").join(render(view, titles.get(view.thing.theme_key or ""))
                                 for view in views)  # one piece for the template

    return render_all
