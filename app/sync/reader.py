"""Reading YAML with a line and column for every value, collecting every problem at once.

PyYAML's composed nodes keep their marks, so each error can point at the exact value. Scalars
are read from their raw text where text is expected, so `language: no` stays "no" (not False).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.programs.schedule import DateRuleError, parse_rule

SLUG = re.compile(r"[a-z0-9-]+")
EMAIL = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.]+")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")

SHORT_TEXT = 300  # titles; the columns hold this much
NAME_TEXT = 200  # people's names and organisations
HINTS_PER_FILE = 100  # "did you mean" hints; past this many unknown keys they stop helping

_TAG = "tag:yaml.org,2002:"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        if self.col <= 0:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Position:
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        if self.col <= 0:  # a roster CSV line has no column
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"


def parse_yaml(text: str, file: str) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document; a syntax error becomes a single located problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            return None, [Problem(file, 1, 1, f"could not read YAML: {what}")]
        return None, [Problem(file, mark.line + 1, mark.column + 1, f"could not read YAML: {what}")]
    except yaml.reader.ReaderError as exc:  # a control character; libyaml counts in bytes
        line, col = _line_col(text, max(text.find(chr(exc.character)), 0))  # its first is the one
        return None, [Problem(file, line, col,
                              f"could not read YAML: {exc.reason} (U+{exc.character:04X})")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, 1, f"could not read YAML: {exc}")]
    except RecursionError:
        return None, [Problem(file, 1, 1, "could not read YAML: it is nested too deeply")]
    except UnicodeEncodeError as exc:  # a lone surrogate: only text not read from a file has one
        line, col = _line_col(text, exc.start)
        return None, [Problem(file, line, col, "could not read YAML: not a valid character")]
    if node is None:
        return None, [Problem(file, 1, 1, "the file is empty; expected 'kind: program' or "
                                          "'kind: cohort' and the keys that go with it")]
    return node, []


def _line_col(text: str, index: int) -> tuple[int, int]:
    """Line and column (from 1) of a character, counting line breaks as YAML does."""
    lines = re.split("\r\n|[\n\r\x85\u2028\u2029]", text[:index])
    return len(lines), len(lines[-1]) + 1


def show(node: Node) -> str:
    """A short rendering of what was found, for messages."""
    if isinstance(node, ScalarNode):
        return repr(clip(node.value))
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return "something else"


def clip(text: str, most: int = 60) -> str:
    """Text as found, cut short for a message: a message never echoes a whole long value."""
    return text if len(text) <= most else text[: most - 3] + "..."


def listing(names: list[str], most: int = 20) -> str:
    """Names for an 'expected one of ...' message; a long list is cut short, as a message
    repeated for each of thousands of lines must not repeat thousands of names."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most:,} more"


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _TAG + "null")


@dataclass
class Source:
    """One file being read; every `read_*` records problems instead of raising."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    hints_left: int = HINTS_PER_FILE  # difflib is slow enough to matter for a file of typos

    def position(self, node: Node) -> Position:
        return Position(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: Node, where: str, message: str) -> None:
        prefix = f"{where}: " if where else ""
        self.problems.append(
            Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1,
                    prefix + message)
        )

    # -- structure ----------------------------------------------------------------------------

    def mapping(
        self, node: Node, where: str, *, required: tuple[str, ...] = (), optional: tuple[str, ...]
    ) -> dict[str, Node] | None:
        """The keys of a mapping; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, MappingNode):
            self.error(node, where, f"expected a mapping with keys; got {show(node)}")
            return None
        allowed = tuple(dict.fromkeys((*required, *optional)))  # each key named once
        found: dict[str, Node] = {}
        seen_at: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, where, "keys must be plain words")
                continue
            key = key_node.value
            if key in seen_at:
                line = seen_at[key].start_mark.line + 1
                self.error(key_node, _join(where, clip(key, 40)),
                           f"duplicate key (also on line {line})")
                continue
            seen_at[key] = key_node
            if key not in allowed:
                self.error(key_node, where, self._unknown_key(key, allowed))
                continue
            found[key] = value_node
        for key in required:
            if key not in found and key not in seen_at:
                self.error(node, where, f"missing required key '{key}'")
        return found

    def _unknown_key(self, key: str, allowed: tuple[str, ...]) -> str:
        hint = ""
        if self.hints_left > 0 and len(key) <= 100:  # no key we know is longer
            self.hints_left -= 1
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{clip(key, 40)}'{hint}; expected one of {', '.join(allowed)}"

    def sequence(self, node: Node, where: str, *, limit: int, what: str) -> list[Node] | None:
        """The items of a list of at most `limit` `what` (like "Things per programme"). A list
        past its limit is one problem and is not read item by item."""
        if is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, where, f"expected a list; got {show(node)}")
            return None
        if len(node.value) > limit:
            self.too_many(node, where, len(node.value), limit, what)
            return None
        return list(node.value)

    def too_many(self, node: Node, where: str, count: int, limit: int, what: str) -> None:
        self.error(node, where, f"too many: at most {limit:,} {what}; got {count:,}")

    # -- scalars ------------------------------------------------------------------------------

    def scalar(self, node: Node, where: str, expected: str) -> ScalarNode | None:
        if not isinstance(node, ScalarNode) or node.tag == _TAG + "null":
            found = show(node) if not is_null(node) else "nothing"
            self.error(node, where, f"expected {expected}; got {found}")
            return None
        if node.tag.startswith("!") or (
            node.tag.startswith(_TAG) and node.tag[len(_TAG):] not in _PLAIN_TAGS
        ):
            self.error(node, where, f"expected {expected}; YAML tags like {node.tag} are not used")
            return None
        return node

    def text(self, node: Node, where: str, max_len: int = SHORT_TEXT) -> str | None:
        """Plain text; short by default (titles, names), longer for instructions."""
        scalar = self.scalar(node, where, "text")
        if scalar is None:
            return None
        value = scalar.value.strip()
        if not value:
            self.error(node, where, "expected text; got an empty string")
            return None
        if len(value) > max_len:
            self.error(node, where, f"too long: at most {max_len} characters; got {len(value)}")
            return None
        return value

    def localized(
        self, node: Node, where: str, translations: dict[str, Any], field_name: str,
        language: str | None = None, max_len: int = SHORT_TEXT,
    ) -> str | None:
        """Text, or a map of language code to text ({en: ..., da: ...})."""
        if not isinstance(node, MappingNode):
            return self.text(node, where, max_len)
        values: dict[str, str] = {}
        for key_node, value_node in node.value:
            code = key_node.value if isinstance(key_node, ScalarNode) else ""
            if not LANGUAGE.fullmatch(code):
                self.error(key_node, where, f"expected a language code like en or da; got {show(key_node)}")
                continue
            text = self.text(value_node, _join(where, code), max_len)
            if text is not None:
                values[code] = text
        if not values:
            if not node.value:
                self.error(node, where, "expected text or a map of language to text; got an empty map")
            return None
        translations[field_name] = values
        if language and language in values:
            return values[language]
        return next(iter(values.values()))

    def slug(self, node: Node, where: str) -> str | None:
        value = self.text(node, where, max_len=100)
        if value is not None and not SLUG.fullmatch(value):
            self.error(node, where, "expected an id of lower-case letters, digits and hyphens "
                                    f"(like team-1); got {value!r}")
            return None
        return value

    def email(self, node: Node, where: str) -> str | None:
        value = self.text(node, where, max_len=320)
        if value is None:
            return None
        if not EMAIL.fullmatch(value):
            self.error(node, where, f"expected an e-mail address like name@example.org; got {value!r}")
            return None
        return value.lower()

    def choice(self, node: Node, where: str, options: tuple[str, ...]) -> str | None:
        value = self.text(node, where)
        if value is not None and value not in options:
            self.error(node, where, f"expected one of {', '.join(options)}; got {value!r}")
            return None
        return value

    def integer(self, node: Node, where: str, *, minimum: int, maximum: int) -> int | None:
        scalar = self.scalar(node, where, "a whole number")
        if scalar is None:
            return None
        if scalar.tag != _TAG + "int" or not re.fullmatch(r"[-+]?[0-9_]+", scalar.value):
            self.error(node, where, f"expected a whole number; got {show(node)}")
            return None
        digits = scalar.value.replace("_", "").lstrip("+-").lstrip("0")
        if len(digits) > 18:  # int() refuses very long numbers; none of ours is that big
            self.error(node, where,
                       f"expected a number from {minimum} to {maximum}; got {show(node)}")
            return None
        value = int(scalar.value.replace("_", ""))
        if not minimum <= value <= maximum:
            self.error(node, where, f"expected a number from {minimum} to {maximum}; got {value}")
            return None
        return value

    def number(self, node: Node, where: str, *, minimum: float, maximum: float) -> float | None:
        scalar = self.scalar(node, where, "a number")
        if scalar is None:
            return None
        try:
            if scalar.tag not in (_TAG + "int", _TAG + "float"):
                raise ValueError
            value = float(scalar.value.replace("_", ""))
        except ValueError:
            self.error(node, where, f"expected a number; got {show(node)}")
            return None
        if not minimum <= value <= maximum:
            self.error(node, where, f"expected a number from {minimum:g} to {maximum:g}; got {value:g}")
            return None
        return value

    def boolean(self, node: Node, where: str) -> bool | None:
        scalar = self.scalar(node, where, "true or false")
        if scalar is None:
            return None
        if scalar.tag != _TAG + "bool":
            self.error(node, where, f"expected true or false; got {show(node)}")
            return None
        return scalar.value.lower() in ("true", "yes", "on", "y")

    def date(self, node: Node, where: str) -> date | None:
        scalar = self.scalar(node, where, "a date like 2027-01-11")
        if scalar is None:
            return None
        try:
            return date.fromisoformat(scalar.value.strip())
        except ValueError:
            self.error(node, where, f"expected a date like 2027-01-11; got {show(node)}")
            return None

    def local_datetime(self, node: Node, where: str) -> datetime | None:
        scalar = self.scalar(node, where, "a date and time like 2027-03-30T14:00")
        if scalar is None:
            return None
        value = scalar.value.strip()
        try:
            if len(value) <= 10:  # a bare date is not an instant
                raise ValueError
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.error(node, where, f"expected a date and time like 2027-03-30T14:00; got {show(node)}")
            return None
        if parsed.tzinfo is not None:
            self.error(node, where, "give the time without an offset; the cohort's timezone applies")
            return None
        return parsed

    def date_rule(self, node: Node, where: str) -> str | None:
        """A date rule (`2027-02-01`, `week N`, `+Nd`), kept in its normal written form."""
        scalar = self.scalar(node, where, "a date like 2027-02-01, 'week N' or '+Nd'")
        if scalar is None:
            return None
        try:
            return str(parse_rule(scalar.value))
        except DateRuleError as exc:
            self.error(node, where, str(exc))
            return None

    def url(self, node: Node, where: str) -> str | None:
        value = self.text(node, where, max_len=2000)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. https://[oops]/: brackets that are not an IPv6 address
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            self.error(node, where, f"expected a web address starting with https://; got {value!r}")
            return None
        return value


_PLAIN_TAGS = {"str", "int", "float", "bool", "timestamp"}


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
