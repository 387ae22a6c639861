"""How much of anything Ting accepts, in one place, for every face (HTML forms, the JSON API,
YAML and CSV files). A value past a limit is refused with a message, never cut short."""

from __future__ import annotations

# Text people type.
POST_TITLE_CHARS = 300
POST_BODY_CHARS = 100_000  # a reflection or post; about 15,000 words
URL_CHARS = 2000  # evidence links; the column's size

# Files trainers write: programme and cohort YAML, roster CSVs. A file or list past its limit
# is refused as a whole, with one located problem. The numbers are far above real use (the
# largest shipped programme is 32 KB with 23 Things) and bound the worst case: a 2 MB file of
# nothing but a million one-letter list items takes `ting validate` about 10 s and 400 MB,
# most of it spent by the YAML parser; without limits a larger file took minutes and gigabytes.
YAML_FILE_BYTES = 2_000_000  # 2 MB; checked before reading, and text given in memory too
ROSTER_CSV_BYTES = 5_000_000  # 5 MB: 50,000 participants at 100 bytes a line
# A text field on the publish page: a file pasted, or carried from the review to the button,
# may be as large as the largest file (other forms keep the 1 MB a field may have by default)
FORM_FIELD_BYTES = ROSTER_CSV_BYTES + 100_000
LONG_TEXT_CHARS = 50_000  # a Thing's body, a reflection prompt, a programme's description
THINGS_PER_PROGRAM = 500  # also bounds a cohort's due_overrides: one per Thing
THEMES_PER_PROGRAM = 100
FORUM_CATEGORIES = 50  # per programme; each is a heading on the forum page
LINKS_PER_THING = 50
BADGES_PER_PROGRAM = 50
BADGE_IMAGE_BYTES = 256_000  # a badge's SVG or PNG: it shows at 64 pixels, prints at a few hundred
ORGANIZATIONS_PER_COHORT = 1000
GROUPS_PER_COHORT = 2000
STAFF_PER_COHORT = 500  # trainers, and managers, each
PARTICIPANTS_PER_COHORT = 50_000  # listed in the YAML and in its roster CSV together

# Row ids. The columns are 32-bit integers on PostgreSQL; a larger id is a typo, not a row.
ROW_ID_MAX = 2**31 - 1
