"""Languages: gettext for Python code and templates, and the request's locale.

Each request holds one `LocaleChoice`, shared by the event loop and the worker thread that
serve it (a context variable holds the object, so a choice made in a thread is seen by the
error handler too). Outside a request (the CLI, the mail sender) everything is English.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.support import NullTranslations, Translations

from app.config import ROOT

TRANSLATIONS_DIR = ROOT / "app" / "translations"
DEFAULT_LOCALE = "en"
LOCALES = ("en", "da", "nl", "fi")
# Each language named in itself, for the switcher.
LOCALE_NAMES = {"en": "English", "da": "Dansk", "nl": "Nederlands", "fi": "Suomi"}
LANGUAGE_COOKIE = "ting_language"


@dataclass
class LocaleChoice:
    """The request's language, and whether the person chose it (then nothing overrides it)."""

    locale: str = DEFAULT_LOCALE
    chosen: bool = False


_current: ContextVar[LocaleChoice | None] = ContextVar("ting_locale", default=None)


@cache
def load_translations(locale: str = DEFAULT_LOCALE) -> _gettext.NullTranslations:
    if (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.mo").is_file():
        return Translations.load(str(TRANSLATIONS_DIR), [locale])
    return NullTranslations()


def supported(code: str | None) -> str | None:
    """`code` as one of Ting's languages (`da-DK` → `da`), or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else None


def from_accept_language(header: str | None) -> str | None:
    """The first of the browser's languages Ting speaks, by their weights."""
    if not header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        code, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        found = supported(code)
        if found and weight > 0:
            weighted.append((-weight, position, found))
    return min(weighted)[2] if weighted else None


def begin_request(choice: LocaleChoice) -> None:
    _current.set(choice)



def locale() -> str:
    choice = _current.get()
    return choice.locale if choice is not None else DEFAULT_LOCALE


def prefer(*candidates: str | None) -> None:
    """The first of `candidates` Ting speaks becomes the request's language, unless the person
    chose one (cohort, then programme: a place's language beats the browser's)."""
    choice = _current.get()
    if choice is None or choice.chosen:
        return
    for candidate in candidates:
        found = supported(candidate)
        if found:
            choice.locale = found
            return


def remembered(locale_code: str | None) -> None:
    """The language a signed-in person chose on another visit, unless they chose one now."""
    choice = _current.get()
    found = supported(locale_code)
    if choice is not None and found and not choice.chosen:
        choice.locale, choice.chosen = found, True


def choose(locale_code: str) -> None:
    """The person's own choice, for the rest of this request."""
    choice = _current.get()
    found = supported(locale_code)
    if choice is not None and found:
        choice.locale, choice.chosen = found, True


@contextmanager
def speaking(*candidates: str | None) -> Iterator[None]:
    """Everything inside speaks the first of `candidates` Ting knows (a mail in its reader's
    language, not the sender's); the request's language comes back afterwards."""
    language = next((found for c in candidates if (found := supported(c))), DEFAULT_LOCALE)
    token = _current.set(LocaleChoice(language, True))
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    choice = _current.get()  # what locale() does, inline: this runs for every string shown
    return load_translations(choice.locale if choice else DEFAULT_LOCALE).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    choice = _current.get()
    return load_translations(choice.locale if choice else DEFAULT_LOCALE).ngettext(singular, plural, n)


@cache
def babel_locale(code: str) -> Locale:
    return Locale.parse(code)



def text_in(values: dict[str, str] | None, fallback: str, *, language: str | None = None) -> str:
    """A text given per language (`{en: ..., da: ...}`) in the request's language, else
    `fallback` (the programme's own language)."""
    if not values:
        return fallback
    return values.get(language or locale()) or fallback
