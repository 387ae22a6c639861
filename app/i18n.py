"""gettext for Python code and templates. No catalogues ship yet; strings are English."""

from __future__ import annotations

import gettext as _gettext

from babel.support import NullTranslations, Translations

from app.config import ROOT

TRANSLATIONS_DIR = ROOT / "app" / "translations"
DEFAULT_LOCALE = "en"


def load_translations(locale: str = DEFAULT_LOCALE) -> _gettext.NullTranslations:
    if (TRANSLATIONS_DIR / locale).is_dir():
        return Translations.load(str(TRANSLATIONS_DIR), [locale])
    return NullTranslations()


_active = load_translations()


def _(message: str) -> str:
    return _active.gettext(message)


def translations() -> _gettext.NullTranslations:
    return _active
