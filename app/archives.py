"""A cohort's whole record, or one person's, as one JSON archive; and forgetting a person.

The archive is read off the schema itself: a cohort's record is every row that hangs from the
cohort by foreign keys (people's memberships, completions, posts, comments, forum, groups,
pitches, pilots), and a person's is every row that names one of their memberships. What such
rows point at outside the record (accounts, programmes, Things, badges) comes along by key,
never with secrets: no password hash, token or session. Ballots are secret: a cohort's archive
holds the votes each group received, and no ballot.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    LargeBinary,
    Select,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlmodel import Session, SQLModel, col

import app.models  # noqa: F401 (every table, so that the schema is whole)
from app import db as ting_db
from app.auth.models import User
from app.cohorts.models import Cohort, Membership
from app.errors import NotFound

FORMAT = "ting-archive"
VERSION = 1
SECRET = {"ballots", "ballot_choices"}  # how each person voted stays unknown to everyone
# accounts and what is kept about them elsewhere: never in an archive
ACCOUNT_TABLES = {"users", "account_links", "api_tokens", "browser_sessions", "sign_in_failures"}
# rows outside a record that its rows point at, shown by what names them across servers
REFERENCES = {"users": ("email", "name", "language"), "programs": ("key",),
              "things": ("program_id", "key"), "themes": ("program_id", "key"),
              "badges": ("program_id", "key"), "cohorts": ("key", "title"),
              "cohort_groups": ("cohort_id", "key", "name")}


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


def _key(table: Table) -> Any:
    return next(iter(table.primary_key.columns))


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _rows(session: Session, table: Table, chosen: Select[Any]) -> list[dict[str, Any]]:
    found = session.execute(select(table).where(_key(table).in_(chosen)).order_by(_key(table)))
    return [{c: _json(v) for c, v in row._mapping.items()} for row in found]


def _record(roots: dict[str, Select[Any]], *, follow: set[str] | None) -> dict[str, Select[Any]]:
    """Each table's chosen rows, as a query of their keys: the roots, then every row with a
    foreign key into chosen rows (only through the tables in `follow`, when given)."""
    chosen = dict(roots)
    for table in _tables():
        if table.name in chosen or table.name in SECRET or table.name in ACCOUNT_TABLES:
            continue
        links = [fk for fk in table.foreign_keys if fk.column.table.name in chosen
                 and (follow is None or fk.column.table.name in follow)]
        if links:
            chosen[table.name] = select(_key(table)).where(
                or_(*(fk.parent.in_(chosen[fk.column.table.name]) for fk in links)))
    return chosen


def _references(session: Session, chosen: dict[str, Select[Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows outside the record that its rows point at, by what names them."""
    wanted: dict[str, set[Any]] = {}
    for table in _tables():
        if table.name not in chosen:
            continue
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target in REFERENCES and target not in chosen:  # users: never chosen
                pointed = session.execute(select(fk.parent).where(
                    _key(table).in_(chosen[table.name]), fk.parent.is_not(None)).distinct())
                wanted.setdefault(target, set()).update(v for (v,) in pointed)
    found = {}
    for name, ids in sorted(wanted.items()):
        table = SQLModel.metadata.tables[name]
        columns = [table.c[c] for c in ("id", *REFERENCES[name])]
        rows = session.execute(select(*columns).where(table.c.id.in_(sorted(ids)))
                               .order_by(table.c.id))
        found[name] = [{c: _json(v) for c, v in row._mapping.items()} for row in rows]
    return found


def _archive(session: Session, chosen: dict[str, Select[Any]], scope: dict[str, str],
             now: datetime | None) -> dict[str, Any]:
    tables = {name: _rows(session, SQLModel.metadata.tables[name], query)
              for name, query in chosen.items()}
    return {"format": FORMAT, "version": VERSION, "scope": scope,
            "schema": ting_db.schema_revision(session.connection()),
            "exported_at": _json(now or datetime.now(UTC)),
            "tables": {name: rows for name, rows in tables.items() if rows},
            "references": _references(session, chosen)}


def export_cohort(session: Session, *, cohort_key: str, now: datetime | None = None) -> dict[str, Any]:
    """The cohort's whole record, with the votes each group received (no ballot)."""
    cohort = session.execute(select(Cohort).where(col(Cohort.key) == cohort_key)).scalar()
    if cohort is None:
        raise NotFound(f"No cohort '{cohort_key}' in Ting.")
    cohorts = SQLModel.metadata.tables["cohorts"]
    chosen = _record({"cohorts": select(cohorts.c.id).where(cohorts.c.id == cohort.id)},
                     follow=None)
    archive = _archive(session, chosen, {"cohort": cohort_key}, now)
    archive["votes"] = _votes(session, cohort_id=ting_db.id_of(cohort))
    return archive


def _votes(session: Session, *, cohort_id: int) -> dict[str, int]:
    ballots, choices = (SQLModel.metadata.tables[n] for n in ("ballots", "ballot_choices"))
    groups = SQLModel.metadata.tables["cohort_groups"]
    counted = session.execute(
        select(groups.c.key, func.count()).join(choices, choices.c.group_id == groups.c.id)
        .join(ballots, ballots.c.id == choices.c.ballot_id)
        .where(ballots.c.cohort_id == cohort_id).group_by(groups.c.key).order_by(groups.c.key))
    return {key: count for key, count in counted}


def export_person(session: Session, *, email: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything Ting holds about one person (a data request): their account's details, and
    every row that names one of their memberships, in every cohort."""
    user = _user(session, email)
    memberships = SQLModel.metadata.tables["memberships"]
    chosen = _record({"memberships": select(memberships.c.id).where(
        memberships.c.user_id == user.id)}, follow={"memberships"})
    archive = _archive(session, chosen, {"person": user.email}, now)
    archive["account"] = {"email": user.email, "name": user.name, "language": user.language,
                          "created_at": _json(user.created_at),
                          "last_signed_in_at": _json(user.last_signed_in_at),
                          "has_password": user.password_hash is not None}
    return archive


def _user(session: Session, email: str) -> User:
    user = session.execute(select(User).where(col(User.email) == email.strip().lower())).scalar()
    if user is None:
        raise NotFound(f"Nobody with the address {email.strip()} in Ting.")
    return user


REMOVED = "(removed at this person's request)"

# What forgetting a person changes. The words they wrote, or that were written about them:
# by table, the column saying whose (one of their memberships) and what each text becomes;
# an empty text stays empty. Then the rows of their ways of signing in, by their account or
# their address. tests/test_archives.py checks that every text column of the schema is here,
# on the account itself, or known to hold no one's words.
PERSONAL_TEXT: dict[str, tuple[str, dict[str, str | None]]] = {
    "posts": ("author_id", {"title": REMOVED, "body": REMOVED, "body_html": f"<p>{REMOVED}</p>",
                            "draft_link": None}),
    "comments": ("author_id", {"body": REMOVED}),
    "forum_topics": ("author_id", {"title": REMOVED}),
    "forum_posts": ("author_id", {"title": REMOVED, "body": REMOVED,
                                  "body_html": f"<p>{REMOVED}</p>"}),
    "completions": ("membership_id", {"evidence_url": None}),
    "approval_decisions": ("membership_id", {"comment": ""}),  # the trainer's words on theirs
    "awards": ("membership_id", {"revoked_reason": REMOVED}),  # ditto, on a revoked badge
}
DELETED_WITH_THE_ACCOUNT = ("account_links", "api_tokens", "browser_sessions")  # by user_id
DELETED_BY_ADDRESS = {"sign_in_failures": "email", "outbox_mails": "to_address"}


def forget(session: Session, *, email: str) -> dict[str, int]:
    """Anonymise a person: their name and address, their words (PERSONAL_TEXT) and their ways
    of signing in go; the rows stay, so that every figure (completions, posts, badges, votes)
    stays right. What was done, by kind."""
    user = _user(session, email)
    user_id = ting_db.id_of(user)
    address = user.email
    theirs = select(col(Membership.id)).where(col(Membership.user_id) == user_id)
    tables = SQLModel.metadata.tables
    done: dict[str, int] = {}
    for name, (whose, values) in PERSONAL_TEXT.items():
        table = tables[name]
        result = session.execute(update(table).where(table.c[whose].in_(theirs)).values({
            column: None if value is None
            else case((table.c[column].is_(None), None), (table.c[column] == "", ""),
                      else_=literal(value))
            for column, value in values.items()}))
        done[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    for name in DELETED_WITH_THE_ACCOUNT:
        gone = session.execute(delete(tables[name]).where(tables[name].c.user_id == user_id))
        done[name] = int(gone.rowcount or 0)  # type: ignore[attr-defined]
    for name, column in DELETED_BY_ADDRESS.items():
        gone = session.execute(delete(tables[name]).where(tables[name].c[column] == address))
        done[name] = int(gone.rowcount or 0)  # type: ignore[attr-defined]
    user.email = f"forgotten-{user_id}@forgotten.invalid"
    user.name = "Former participant"
    user.password_hash = None
    user.last_signed_in_at = None
    user.is_admin = user.is_author = False
    session.flush()
    return {k: v for k, v in done.items() if v}


def rows_of(archive: dict[str, Any]) -> Iterable[tuple[str, int]]:
    """Each table of an archive and its number of rows."""
    return ((name, len(rows)) for name, rows in archive["tables"].items())


class ArchiveProblem(Exception):
    """An archive this server cannot take: in words for the operator."""


def import_archive(session: Session, *, archive: dict[str, Any]) -> dict[str, int]:
    """Recreate a cohort from its archive on this server (moving it between servers): its rows
    get new ids, and what they point at outside the record is found here by key: programmes,
    Things, themes and badges must be imported first (from their YAML); people are matched by
    address, or added. The rows added, by table."""
    if archive.get("format") != FORMAT or archive.get("version") != VERSION:
        raise ArchiveProblem("This is not a Ting archive (or one of another version).")
    if "cohort" not in archive.get("scope", {}):
        raise ArchiveProblem("This archive is one person's (a data request); only a cohort's "
                             "archive can be imported.")
    here = ting_db.schema_revision(session.connection())
    if archive.get("schema") != here:
        raise ArchiveProblem(f"The archive was made at schema {archive.get('schema')}, this "
                             f"server is at {here}: bring both to the same version first.")
    key = archive["scope"]["cohort"]
    if session.execute(select(col(Cohort.id)).where(col(Cohort.key) == key)).first():
        raise ArchiveProblem(f"There is a cohort '{key}' here already.")
    ids: dict[str, dict[Any, Any]] = _outside(session, archive.get("references", {}))
    added: dict[str, int] = {}
    answers: list[tuple[int, int]] = []  # a topic's answer names a forum post not yet added
    for table in _tables():
        rows = archive["tables"].get(table.name, [])
        for row in rows:
            values = {c.name: _python(c, row.get(c.name)) for c in table.columns if c.name in row}
            for fk in table.foreign_keys:
                value = values.get(fk.parent.name)
                if value is not None:
                    found = ids.get(fk.column.table.name, {}).get(value)
                    if found is None:
                        raise ArchiveProblem(f"{table.name} row {row.get('id')} points at "
                                             f"{fk.column.table.name} {value}, which the archive "
                                             "does not hold.")
                    values[fk.parent.name] = found
            if table.name == "forum_topics" and values.get("answer_post_id") is not None:
                answers.append((row["id"], values.pop("answer_post_id")))
            key_column = _key(table)
            if key_column.foreign_keys:  # keyed by its parent's key (a cohort's voting)
                session.execute(insert(table).values(values))
                ids.setdefault(table.name, {})[row[key_column.name]] = values[key_column.name]
            else:
                old = values.pop(key_column.name)
                new = session.execute(insert(table).values(values).returning(key_column)).scalar()
                ids.setdefault(table.name, {})[old] = new
            added[table.name] = added.get(table.name, 0) + 1
    topics = SQLModel.metadata.tables["forum_topics"]
    for topic, answer in answers:
        session.execute(update(topics).where(topics.c.id == ids["forum_topics"][topic])
                        .values(answer_post_id=ids.get("forum_posts", {}).get(answer)))
    session.flush()
    return added


def _outside(session: Session, references: dict[str, list[dict[str, Any]]]) -> dict[str, dict[Any, Any]]:
    """The archive's ids of rows outside the record, mapped to this server's rows."""
    tables = SQLModel.metadata.tables
    ids: dict[str, dict[Any, Any]] = {}
    programs = tables["programs"]
    program_keys = {r["id"]: r["key"] for r in references.get("programs", [])}
    for old, key in program_keys.items():
        found = session.execute(select(programs.c.id).where(programs.c.key == key)).scalar()
        if found is None:
            raise ArchiveProblem(f"There is no programme '{key}' here: import its YAML first.")
        ids.setdefault("programs", {})[old] = found
    for name in ("things", "themes", "badges"):
        table = tables[name]
        for ref in references.get(name, []):
            program = ids.get("programs", {}).get(ref["program_id"])
            found = session.execute(select(table.c.id).where(
                table.c.program_id == program, table.c.key == ref["key"])).scalar()
            if found is None:
                raise ArchiveProblem(f"The programme here has no {name[:-1]} '{ref['key']}'; "
                                     "import the programme's YAML the archive was made with.")
            ids.setdefault(name, {})[ref["id"]] = found
    users = tables["users"]
    for ref in references.get("users", []):
        found = session.execute(select(users.c.id).where(users.c.email == ref["email"])).scalar()
        if found is None:
            person = User(email=ref["email"], name=ref["name"], language=ref.get("language"))
            session.add(person)
            session.flush()
            found = person.id
        ids.setdefault("users", {})[ref["id"]] = found
    return ids


def _python(column: Any, value: Any) -> Any:
    """A value from the archive's JSON, as the column holds it."""
    if value is None or not isinstance(value, str):
        return value
    kind = getattr(column.type, "impl", column.type)  # what a decorated type stores
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value
