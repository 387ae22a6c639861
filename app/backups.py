"""Copies of an SQLite database: made online while the server writes, checked before they are
trusted, and put back over a database only when asked to. (PostgreSQL has pg_dump.)"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Set as AbstractSet
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


class BackupProblem(Exception):
    """A copy that is not a sound Ting database, or a restore that was not asked for plainly."""


@dataclass(frozen=True)
class Inventory:
    """What a database holds, to compare two: rows and a checksum of them, table by table."""

    revision: str | None
    tables: dict[str, tuple[int, str]]  # name: (rows, SHA-256 of the rows)

    @property
    def rows(self) -> int:
        return sum(count for count, _ in self.tables.values())


def inventory(path: Path) -> Inventory:
    """Read-only: the schema revision, and every table's rows and checksum."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        tables = {}
        for name in names:
            # sorted, so the checksum says which rows there are, not how they are stored
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{name}"'))
            digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass"))
            tables[name] = (len(rows), digest.hexdigest())
        revision = None
        if "alembic_version" in names:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
    return Inventory(revision, tables)


def check(path: Path, *, known_revisions: AbstractSet[str]) -> Inventory:
    """That a file is a whole SQLite database of Ting's, at a schema this version knows."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path} is not an SQLite database ({exc}).") from None
    if verdict != "ok":
        raise BackupProblem(f"{path} is damaged: SQLite's integrity check says {verdict!r}.")
    found = inventory(path)
    if found.revision is None:
        raise BackupProblem(f"{path} is an SQLite database, but not one of Ting's "
                            "(it has no schema revision).")
    if found.revision not in known_revisions:
        raise BackupProblem(f"{path} was made by a newer Ting (schema {found.revision}); "
                            "restore it with that version or a later one.")
    return found


def copy(source: Path, target: Path) -> None:
    """SQLite's online backup of `source` into `target`: consistent while others write."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def back_up(source: Path, file: Path, *, known_revisions: AbstractSet[str]) -> Inventory:
    """Copy the database to `file` (by way of a file beside it, so a failed copy leaves an
    existing `file` as it was), then check the copy against the database as copied."""
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        copy(source, partial)
        made = check(partial, known_revisions=known_revisions)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, file)
    return made


def restore(file: Path, target: Path, *, known_revisions: AbstractSet[str], force: bool) -> Inventory:
    """Put a checked copy in place of the database. An existing database is replaced only with
    `force`; it is replaced through SQLite (not by moving files), so a server that has it open
    reads the restored data, never a half-written file."""
    copied = check(file, known_revisions=known_revisions)
    if target.exists() and target.stat().st_size > 0 and not force:
        raise BackupProblem(f"{target} holds a database already; restoring replaces everything "
                            "in it. Add --force to do so.")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy(file, target)
    restored = inventory(target)
    if restored.tables != copied.tables:
        raise BackupProblem(f"{target} does not match {file} after restoring; try again.")
    return restored
