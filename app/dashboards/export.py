"""A cohort's participants as CSV: one row each, for spreadsheets. UTF-8 with a byte-order mark
(so Excel reads Danish and Finnish names right); a cell that a spreadsheet would take for a
formula is written as text."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from app.dashboards.service import Dashboard
from app.i18n import _

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """Text a spreadsheet shows as text, never runs (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def to_csv(board: Dashboard) -> str:
    zone = ZoneInfo(board.member.cohort.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("email"), _("name"), _("organisation"), _("group"), _("must-do done"),
                     _("can-do done"), _("completed"), _("last activity"),
                     *([_("badges")] if board.awards_badges else []),
                     *(thing.key for thing in board.things)])
    for person in board.people:
        last = person.last_activity.astimezone(zone).strftime("%Y-%m-%d %H:%M") \
            if person.last_activity else ""
        writer.writerow([cell(person.email), cell(person.name), cell(person.organization or ""),
                         cell(person.group or ""), person.must_done, person.can_done,
                         _("yes") if person.completed else _("no"), last,
                         *([cell("; ".join(person.badges))] if board.awards_badges else []),
                         *(c.value for c in person.cells)])
    return BOM + out.getvalue()
