"""The XSS payloads, and a check that a page holds no active content but Ting's own."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

PAYLOADS = [line.replace("\\n", "\n")
            for line in (Path(__file__).parent / "payloads.txt").read_text().splitlines()
            if line and not line.startswith("# ")]

# What Ting's own pages hold: the vendored htmx, the style sheet, the inline icon.
_OWN_SCRIPT = re.compile(r"^/static/[\w.-]+\.js$")
_OWN_ICON = "data:image/svg+xml,"
_NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "template",
          "math", "isindex", "x"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc",
                   "poster", "background", "srcset", "content"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):")
_INVISIBLE = re.compile(r"[\x00-\x20\u200b-\u200f\u2028-\u202e\ufeff]")
# A browser reads `<svg/onload=...>` as an attribute where Python's parser may not: any event
# handler inside a raw tag counts, however it is written.
_TAG = re.compile(r"<[a-z][^>]*>", re.IGNORECASE)
_OWN_IMAGE = re.compile(r"^/static/[\w.-]+\.svg$")  # the logo mark
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_HANDLER = re.compile(r"[\s/`]on[a-z]+\s*=", re.IGNORECASE)


class _ActiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in values.items())}>"
        if tag == "script" and not _OWN_SCRIPT.match(values.get("src", "")):
            self.found.append(where)
        if tag in _NEVER:
            self.found.append(where)
        if tag == "meta" and "http-equiv" in values:
            self.found.append(where)
        src = values.get("src", "https://")
        if tag == "img" and not (src.startswith("https://") or _OWN_IMAGE.match(src)):
            self.found.append(where)  # images only over https, or Ting's own
        for name, value in values.items():
            if name.startswith("on") or name == "style":
                self.found.append(where)
            if name in _URL_ATTRIBUTES:
                url = _INVISIBLE.sub("", value).lower()
                own_icon = tag == "link" and values.get("rel") == "icon" and value.startswith(_OWN_ICON)
                if _BAD_SCHEME.match(url) and not own_icon:
                    self.found.append(where)


def active_content(html: str) -> list[str]:
    """Elements and attributes in `html` that could run script or load a page's worth of
    someone else's content; [] for a page that holds only Ting's own."""
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    handlers = [tag for tag in _TAG.findall(html) if _HANDLER.search(_QUOTED.sub("", tag))]
    return parser.found + handlers
