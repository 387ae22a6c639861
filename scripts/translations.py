"""The message catalogues: `update` extracts every gettext string and merges it into each
language's catalogue (English is the source language: its catalogue repeats each message);
`check` fails on a message that is untranslated, fuzzy, obsolete or has lost a placeholder, in
any language; `compile` writes the .mo files the app loads."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "app" / "translations"
TEMPLATE = DIR / "messages.pot"
LANGUAGES = ("en", "da", "nl", "fi")
SOURCE_LANGUAGE = "en"
PLACEHOLDER = re.compile(r"\{(\w*)\}|%\((\w+)\)s")


def _po(language: str) -> Path:
    return DIR / language / "LC_MESSAGES" / "messages.po"


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, omit_header=False, sort_output=True,
                 include_previous=False, no_location=True)


def _extract(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "--no-location", "--sort-output",
         "--project", "Ting", "-o", str(target), "."],
        cwd=ROOT, check=True, capture_output=True)


def update() -> None:
    _extract(TEMPLATE)
    for language in LANGUAGES:
        template = _read(TEMPLATE)  # read afresh: update() shares the template's messages
        path = _po(language)
        catalog = _read(path, language) if path.exists() else Catalog(locale=language, project="Ting")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        catalog.copyright_holder = catalog.project = "Ting"
        catalog.header_comment = f"# Ting's messages in {language}."
        catalog.last_translator = catalog.language_team = "Ting"
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id:
                    message.string = message.id
        _write(path, catalog)


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def problems(language: str, template_ids: set[str]) -> list[str]:
    path = _po(language)
    if not path.exists():
        return [f"{path.relative_to(ROOT)}: missing; run make translations"]
    catalog = _read(path, language)
    where = path.relative_to(ROOT)
    found = [f"{where}: {message!r} is obsolete" for message in catalog.obsolete.values()]
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    found += [f"{where}: {missing!r} is not in the catalogue; run make translations"
              for missing in sorted(template_ids - ids)]
    found += [f"{where}: {extra!r} is no longer in the code; run make translations"
              for extra in sorted(ids - template_ids)]
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"{where}: {source!r} is fuzzy")
        if not all(forms) or len(forms) < (catalog.num_plurals if message.pluralizable else 1):
            found.append(f"{where}: {source!r} is not translated")
            continue
        ids_text = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        for form in forms:
            if _placeholders(form) != _placeholders(ids_text):
                found.append(f"{where}: {source!r} has placeholders "
                             f"{sorted(_placeholders(ids_text))}, its translation {form!r}")
        for error in message.check(catalog):
            found.append(f"{where}: {source!r}: {error}")
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    mo = path.with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compiled.getvalue():
        found.append(f"{mo.relative_to(ROOT)} is not compiled from its .po; run make translations")
    return found


def check() -> int:
    """What the code asks for now (extracted afresh) against every catalogue."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        _extract(fresh)
        template_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _read(fresh) if m.id}
    found = [problem for language in LANGUAGES for problem in problems(language, template_ids)]
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} translation problems", file=sys.stderr)
    return 1 if found else 0


def compile_all() -> None:
    for language in LANGUAGES:
        catalog = _read(_po(language), language)
        with (_po(language).with_suffix(".mo")).open("wb") as file:
            write_mo(file, catalog, use_fuzzy=False)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
        compile_all()
    elif command == "compile":
        compile_all()
    else:
        sys.exit(check())
