"""A badge's default picture, made from its name: a coloured medal with its initials, the same
every time for the same name (so a credential's image never changes under it)."""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

# Colours dark enough for white initials to read (contrast 4.5:1 or more)
_COLOURS = ("#1d4e89", "#7a2e8e", "#0f6b4f", "#8a3b12", "#5a4a00", "#9b1c3a", "#2f4858",
            "#4a3aa8")


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:2]) or name[:1] or "?"
    return letters.upper()


def default_svg(name: str) -> str:
    """An SVG medal for a badge called `name`."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    colour = _COLOURS[digest[0] % len(_COLOURS)]
    text = escape(initials(name))
    label = escape(name, {'"': "&quot;"})
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" \
height="120" role="img" aria-label="{label}">
<title>{escape(name)}</title>
<path d="M42 88 30 118l16-8 10 12 8-30zM78 88l12 30-16-8-10 12-8-30z" fill="{colour}" opacity=".75"/>
<circle cx="60" cy="52" r="46" fill="{colour}"/>
<circle cx="60" cy="52" r="38" fill="none" stroke="#fff" stroke-width="3" opacity=".8"/>
<text x="60" y="64" text-anchor="middle" font-family="sans-serif" font-size="34" \
font-weight="700" fill="#fff">{text}</text>
</svg>
"""
