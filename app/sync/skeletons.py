"""Starting points: a commented programme and a commented cohort that are valid as they stand,
so a trainer edits working files instead of starting from an empty page (`ting new`)."""

from __future__ import annotations

from datetime import date, timedelta

from app.sync.reader import SLUG

SCHEMA_LINE = "# yaml-language-server: $schema={base}/schema/{kind}.json\n"


def _schema_line(kind: str, base_url: str | None) -> str:
    return SCHEMA_LINE.format(base=base_url.rstrip("/"), kind=kind) if base_url else ""


def program_skeleton(key: str, *, base_url: str | None = None) -> str:
    """A programme with one Thing of each kind, every key explained."""
    if not SLUG.fullmatch(key):
        raise ValueError(f"{key!r} is not an id: use lower-case letters, digits and hyphens")
    return _schema_line("program", base_url) + f"""\
kind: program
id: {key}                     # stable: cohorts name the programme by it
title: My programme          # or per language: {{en: My programme, da: Mit program}}
language: en                 # the language the texts below are written in
summary: One line on what people learn.
completion: {{must: all, can: 1}}   # every must-do Thing and at least 1 can-do Thing
themes:
  - {{key: basics, title: The basics}}
things:                      # shown numbered 1, 2, 3 ... in this order
  - key: start-a-blog        # stable: progress is kept by this key; never reuse one
    title: Start your learning blog
    kind: must               # must | can | optional
    theme: basics
    opens: week 1            # locked before the first day of week 1
    due: week 2              # a date (2027-02-01), "week N" (its last day) or "+Nd"
    minutes: 20
    body: |
      What to do, in Markdown. **Bold**, lists and [links](https://example.org) work.
    reflection: {{prompt: "What did you learn?", required: true, min_words: 30}}
  - key: try-a-tool
    title: Try a tool of your choice
    kind: can
    due: +28d                # 28 days after the cohort starts
    links: [{{title: A guide, url: "https://example.org/guide"}}]
    evidence: url            # none | url (a link to their work) | approval (a trainer signs off)
  - key: something-extra
    title: Something extra, for the curious
    kind: optional
# groups: {{max_size: 5, self_select: true}}      # work in groups of up to five
# pitch: {{votes_per_participant: 1}}              # groups pitch an idea; everyone votes
# forum: {{categories: [General, Help, Ideas]}}
"""


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def cohort_skeleton(key: str, *, program: str, today: date,
                    base_url: str | None = None) -> str:
    """A cohort of the programme `program`, starting the Monday after `today`, for 12 weeks."""
    for value in (key, program):
        if not SLUG.fullmatch(value):
            raise ValueError(f"{value!r} is not an id: use lower-case letters, digits and hyphens")
    starts = _next_monday(today)
    ends = starts + timedelta(weeks=12) - timedelta(days=3)  # a Friday
    return _schema_line("cohort", base_url) + f"""\
kind: cohort
id: {key}                 # stable: progress is kept by it
program: {program}
title: My cohort
timezone: Europe/Copenhagen  # deadlines end at midnight here
starts: {starts.isoformat()}
ends: {ends.isoformat()}
# language: da               # the pages' language for its people (en, da, nl, fi)
organizations: [My library]
trainers: [trainer@example.org]
managers: [manager@example.org]
participants:                # or participants_csv: roster.csv (email,name,organization,group)
  - {{email: anna@example.org, name: Anna Example, organization: My library}}
  - {{email: bo@example.org, name: Bo Example, organization: My library}}
# due_overrides: {{start-a-blog: {(starts + timedelta(days=14)).isoformat()}}}   # another due date
"""
