"""Rendered post cards for lists (the stream, blogs, a Thing's page, the desk), cached.

A card's HTML depends only on what the key holds: the post (its id and when it last changed),
its author's name, its Thing, its comment count, the cohort's time zone (dates) and whether the
author is named. Any change makes a new key instead of a stale card. Everyone reads the newest
posts, so the cards of a stream's first pages are rendered once, not once per reader.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup
from starlette.requests import Request

from app.cohorts.models import Cohort
from app.i18n import locale
from app.posts.blog import Entry
from app.templating import RenderedPieces

# a bound on memory (a card is about 1 KB), not a tuning knob
_cards = RenderedPieces("posts/_entry.html", "entry_card", limit=20_000)


def card_renderer(request: Request, cohort: Cohort) -> Callable[..., Markup]:
    """(entries, hide_author=False) -> their cards, for lists of this cohort's posts."""
    macro = _cards.macro(request)
    stamp = (id(request.app), locale(), cohort.key, cohort.timezone)

    def render(entry: Entry, hide_author: bool = False) -> Markup:
        post = entry.post
        key = (*stamp, post.id, post.updated_at, post.visibility, entry.comments, entry.author_name,
               entry.author_membership_id, entry.thing_key, entry.thing_title, hide_author)
        return _cards.get(key, lambda: macro(entry, cohort, hide_author))

    def render_all(entries: list[Entry], hide_author: bool = False) -> Markup:
        return Markup("\n").join(render(e, hide_author) for e in entries)  # one piece for the page

    return render_all
