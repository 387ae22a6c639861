"""A badge's certificate: one printable A4 page with who earned what, from whom, when, the
Things done and the hours, the cohort's signatory, and the credential's id and address with a
QR code, so anyone holding the paper can check it. In the reader's language.

The QR code is drawn as squares (no image), module for module as segno makes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from babel.dates import format_date
from fpdf import FPDF

from app.i18n import _, locale, ngettext

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
MARGIN = 18.0
QR_MODULE = 1.2  # mm per module: a version-4 code is about 5 cm across
THINGS_LISTED = 12


@dataclass(frozen=True)
class CertificateText:
    name: str
    badge: str
    program: str
    cohort: str
    library: str
    awarded_on: str  # already in the reader's language
    hours: float | None
    things: list[str]  # titles of the Things done that earned it
    signatory: str | None
    credential_id: str
    verify_url: str


def render(text: CertificateText, *, font: Path | None) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(_("Certificate") + f": {text.badge}")
    pdf.set_author(text.library)
    pdf.set_lang(locale())
    family = _fonts(pdf, font)
    pdf.add_page()
    pdf.set_draw_color(29, 78, 137)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)

    def line(size: float, words: str, *, bold: bool = False, gap: float = 2.0) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.set_x(MARGIN)
        pdf.multi_cell(PAGE_W - 2 * MARGIN, size * 0.45, _safe(words, family), align="C")
        pdf.ln(gap)

    pdf.set_y(24)
    line(30, _("Certificate"), bold=True, gap=6)
    line(13, _("This certifies that"))
    line(24, text.name, bold=True, gap=4)
    line(13, _("has earned the badge “{badge}” in {program} ({cohort}).").format(
        badge=text.badge, program=text.program, cohort=text.cohort))
    awarded = _("Awarded by {library} on {day}.").format(library=text.library, day=text.awarded_on)
    if text.hours:
        awarded += " " + ngettext("%(hours)s hour of learning", "%(hours)s hours of learning",
                                  1 if text.hours == 1 else 2) % {"hours": f"{text.hours:g}"}
    line(12, awarded, gap=4)
    if text.things:
        shown = text.things[:THINGS_LISTED]
        listed = ", ".join(shown)
        if len(text.things) > len(shown):
            listed += _(", and {n} more").format(n=len(text.things) - len(shown))
        line(10, _("Things done: {things}").format(things=listed), gap=4)

    # the signatory on the left, the credential and its QR code on the right
    bottom = PAGE_H - 22
    if text.signatory:
        pdf.set_line_width(0.3)
        pdf.line(MARGIN + 6, bottom - 8, MARGIN + 96, bottom - 8)
        pdf.set_font(family, "", 11)
        pdf.set_xy(MARGIN + 6, bottom - 6)
        pdf.cell(90, 5, _safe(text.signatory, family))
    qr = segno.make(text.verify_url, error="m")
    size = len(qr.matrix) * QR_MODULE
    left, top = PAGE_W - MARGIN - size, bottom - size + 4
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(qr.matrix):
        for column, dark in enumerate(row):
            if dark:
                pdf.rect(left + column * QR_MODULE, top + row_index * QR_MODULE, QR_MODULE,
                         QR_MODULE, style="F")
    pdf.set_font(family, "", 8.5)
    for offset, words in ((0, _("Credential {id}").format(id=text.credential_id)),
                          (4.5, _("Check it at {url}").format(url=text.verify_url))):
        pdf.set_xy(MARGIN + 100, bottom - 4 + offset)
        pdf.cell(PAGE_W - 2 * MARGIN - 104 - size, 4, _safe(words, family), align="R")
    return bytes(pdf.output())


def _fonts(pdf: FPDF, font: Path | None) -> str:
    """The TrueType font (and its bold beside it, as DejaVu names it) when there is one: names
    in any script then print. Else the PDF's own Helvetica, which knows Latin-1 only."""
    if font is not None and font.exists():
        pdf.add_font("body", "", str(font))
        bold = font.with_name(font.stem + "-Bold" + font.suffix)
        pdf.add_font("body", "B", str(bold if bold.exists() else font))
        return "body"
    return "helvetica"


def _safe(words: str, family: str) -> str:
    if family != "helvetica":
        return words
    return words.encode("latin-1", "replace").decode("latin-1")


def day_text(day: date) -> str:
    return format_date(day, "long", locale=locale())
