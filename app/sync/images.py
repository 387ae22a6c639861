"""A badge's picture as shipped beside the programme YAML: an SVG or a PNG, checked before it
is stored so that what the server hands out is a picture and nothing more."""

from __future__ import annotations

import hashlib
import re
import struct
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
MAX_SIDE = 4096  # pixels: a badge shows at 64 and prints at a few hundred
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# Entities can make a small file expand without end; a picture never needs them
_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ACTIVE = {"script", "foreignObject", "iframe", "embed", "object"}


@dataclass(frozen=True)
class BadgeImage:
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def suffix(self) -> str:
        return next(s.lstrip(".") for s, t in MEDIA_TYPES.items() if t == self.media_type)


def checked(data: bytes, suffix: str) -> BadgeImage | str:
    """The picture, or what is wrong with it (in words for the file's author)."""
    media_type = MEDIA_TYPES.get(suffix.lower())
    if media_type is None:
        return "expected an .svg or .png file"
    problem = _png_problem(data) if suffix.lower() == ".png" else _svg_problem(data)
    return problem or BadgeImage(media_type, data)


def _png_problem(data: bytes) -> str | None:
    # the signature, then the IHDR chunk: length 13, then width and height
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 24:
        return "not a PNG image (it does not start as one); export it again as PNG"
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return f"the image is {width}×{height} pixels; at most {MAX_SIDE} on each side"
    return None


def _svg_problem(data: bytes) -> str | None:
    if _DECLARATIONS.search(data):
        return "an SVG badge may not declare a DOCTYPE or entities; remove them"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        line, col = exc.position
        return f"not well-formed SVG (XML) at its line {line}, column {col + 1}"
    if root.tag != f"{SVG_NAMESPACE}svg":
        return "not an SVG image: expected <svg xmlns=\"http://www.w3.org/2000/svg\"> at the top"
    for element in root.iter():
        name = str(element.tag).rpartition("}")[2]
        if name in _ACTIVE:
            return f"an SVG badge may not hold <{name}>: a badge is a picture, nothing runs in it"
        handlers = sorted(a for a in element.attrib if a.rpartition("}")[2].lower().startswith("on"))
        if handlers:
            return f"an SVG badge may not hold event attributes like {handlers[0]!r}"
        links = [v for a, v in element.attrib.items() if a.endswith("href")]
        if any(v.strip().lower().startswith("javascript:") for v in links):
            return "an SVG badge may not link to javascript:"
    return None
