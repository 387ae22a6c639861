"""How much of anything Ting accepts, in one place, for every face (HTML forms, the JSON API,
YAML and CSV files). A value past a limit is refused with a message, never cut short."""

from __future__ import annotations

# Text people type.
POST_TITLE_CHARS = 300
POST_BODY_CHARS = 100_000  # a reflection or post; about 15,000 words
URL_CHARS = 2000  # evidence links; the column's size

# Files trainers write. A file past its limit is refused as a whole, with one located problem.
ROSTER_CSV_BYTES = 5_000_000  # 5 MB: 50,000 participants at 100 bytes a line
