"""Markdown to safe HTML: no raw HTML in the source, and the output sanitised again."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("js-default")

_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "s", "img",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
               "td": {"align"}, "ol": {"start"}}


def render(text: str) -> str:
    """A trainer's Markdown (a Thing's instructions, a programme's texts)."""
    if not text:
        return ""
    return nh3.clean(_md.render(text), tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")


def _only_https_images(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None  # an image over plain http would let a third party watch who reads
    return value


def render_user_text(text: str) -> str:
    """What participants write (posts, comments): links marked as user content, which search
    engines do not follow, and images only over https."""
    if not text:
        return ""
    return nh3.clean(_md.render(text), tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     attribute_filter=_only_https_images,
                     link_rel="nofollow ugc noopener")
