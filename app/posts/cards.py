"""Rendered post cards for lists (the stream, blogs, a Thing's page, the desk), cached.

A card's HTML depends only on what the key holds: the post (its id and when it last changed),
its author's name, its Thing, its comment count, the cohort's time zone (dates) and whether the
author is named. Any change makes a new key instead of a stale card. Everyone reads the newest
posts, so the cards of a stream's first pages are rendered once, not once per reader.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from app.cohorts.models import Cohort
from app.i18n import DEFAULT_LOCALE
from app.posts.blog import Entry
from app.templating import env

MAX_CARDS = 20_000  # a bound on memory (a card is about 1 KB), not a tuning knob

_cards: dict[tuple[Any, ...], Markup] = {}
_macros: dict[int, Any] = {}  # the card macro per app (its links come from that app's routes)
_lock = Lock()


def _card_macro(request: Request) -> Any:
    macro = _macros.get(id(request.app))
    if macro is None:
        # the template's url_for finds the app through a "request" in its context
        module = env.get_template("posts/_entry.html").make_module(
            {"request": SimpleNamespace(app=request.app)})
        macro = _macros[id(request.app)] = module.entry_card  # type: ignore[attr-defined]
    return macro


def card_renderer(request: Request, cohort: Cohort) -> Callable[..., Markup]:
    """(entries, hide_author=False) -> their cards, for lists of this cohort's posts."""
    macro = _card_macro(request)
    stamp = (id(request.app), DEFAULT_LOCALE, cohort.key, cohort.timezone)

    def render(entry: Entry, hide_author: bool = False) -> Markup:
        post = entry.post
        key = (*stamp, post.id, post.updated_at, post.visibility, entry.comments, entry.author_name,
               entry.author_membership_id, entry.thing_key, entry.thing_title, hide_author)
        html = _cards.get(key)
        if html is None:
            html = Markup(str(macro(entry, cohort, hide_author)).strip())
            with _lock:
                if len(_cards) >= MAX_CARDS:
                    _cards.clear()
                _cards[key] = html
        return html

    def render_all(entries: list[Entry], hide_author: bool = False) -> Markup:
        return Markup("\n").join(render(e, hide_author) for e in entries)  # one piece for the page

    return render_all
