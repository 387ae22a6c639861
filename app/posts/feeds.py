"""Atom feeds of posts (RFC 4287), written with the standard library: a feed is a title, a
few links and its entries, and ElementTree escapes every text it is given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from app.posts.blog import Entry

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom(*, title: str, feed_url: str, page_url: str, author: str, entries: list[Entry],
         link_of: Callable[[Entry], str]) -> bytes:
    """The entries (newest first) as an Atom document."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", page_url)
    _add(feed, "title", title)
    newest = max((e.post.updated_at for e in entries), default=datetime(2000, 1, 1, tzinfo=UTC))
    _add(feed, "updated", _stamp(newest))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(_add(feed, "author"), "name", author)
    _add(feed, "generator", "Ting")
    for entry in entries:
        item = _add(feed, "entry")
        link = link_of(entry)
        _add(item, "id", link)
        _add(item, "title", entry.post.title)
        _add(item, "link", rel="alternate", type="text/html", href=link)
        _add(item, "published", _stamp(entry.post.created_at))
        _add(item, "updated", _stamp(entry.post.updated_at))
        _add(_add(item, "author"), "name", entry.author_name)
        if entry.thing_title:
            _add(item, "category", term=entry.thing_key or "", label=entry.thing_title)
        _add(item, "content", entry.html, type="html")  # sanitised HTML, escaped once more here
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
