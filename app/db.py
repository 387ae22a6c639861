"""Engine, sessions and migrations. Alembic is the only thing that changes the schema."""

from __future__ import annotations

import fcntl
import functools
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, DateTime, MetaData, String, Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from app.config import ROOT

MIGRATIONS_DIR = ROOT / "migrations"

# Connections per process. A request takes one on the event loop and holds it to its end,
# across several thread-pool hops; so the app admits no more requests at once than the pool
# keeps for them (app.main.ConcurrencyLimit). One more connection belongs to the background
# loop (the mail sender and its chores, one session at a time). Were a request to wait for a
# connection, it would wait on the event loop, where the requests holding connections need to
# run to give them back: the server would stall until the pool's timeout.
MAX_REQUESTS = 20
BACKGROUND_CONNECTIONS = 1
POOL_SIZE = 10
POOL_OVERFLOW = MAX_REQUESTS + BACKGROUND_CONNECTIONS - POOL_SIZE
SQLITE_BUSY_TIMEOUT_S = 15  # how long a writer waits for SQLite's write lock

# Stable constraint names, so migrations can refer to them on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC and always hands back aware datetimes (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an instant is stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalise_url(url: str) -> str:
    """Let people write postgresql:// and still get the psycopg 3 driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
            **({"poolclass": StaticPool} if in_memory
               else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if not in_memory:
            WriterQueue(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=POOL_SIZE,
                         max_overflow=POOL_OVERFLOW)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_writer_queues: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def writer_queue(engine: Engine) -> WriterQueue | None:
    """The queue of an SQLite file's writers (None for PostgreSQL and in-memory databases)."""
    return _writer_queues.get(engine)


class WriterQueue:
    """Writers to one SQLite file take turns here, within this process.

    SQLite lets one connection write at a time. The others wait in its busy handler, which
    sleeps and retries at growing intervals (up to 100 ms a nap), so in a burst of writes some
    wait many turns longer than they need to. Queued on a lock instead, the next writer starts
    the moment the one before it commits or rolls back. Other processes still meet the busy
    handler, which stays the guarantee; a wait here that runs out goes on to meet it too.
    """

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._holder: Any = None  # the DB-API connection whose transaction holds the turn
        _writer_queues[engine] = self
        dialect = engine.dialect
        commit, rollback = dialect.do_commit, dialect.do_rollback

        def do_commit(dbapi_connection: Any) -> None:
            try:
                commit(dbapi_connection)
            finally:
                self.release(dbapi_connection)

        def do_rollback(dbapi_connection: Any) -> None:
            try:
                rollback(dbapi_connection)
            finally:
                self.release(dbapi_connection)

        dialect.do_commit = do_commit  # type: ignore[method-assign]
        dialect.do_rollback = do_rollback  # type: ignore[method-assign]
        event.listen(engine, "before_cursor_execute", self._before_execute)
        event.listen(engine.pool, "close", lambda dbapi_connection, _record: self.release(
            dbapi_connection))

    def _before_execute(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        writes = statement.lstrip()[:7].upper().startswith(_WRITES)
        if writes and self._holder is not cursor.connection and self._lock.acquire(
                timeout=SQLITE_BUSY_TIMEOUT_S):  # no turn in time: SQLite's busy handler decides
            self._holder = cursor.connection

    @property
    def held(self) -> bool:
        return self._lock.locked()

    def release(self, connection: Any) -> None:
        # the dialect is handed the pool's proxy; the pool's events, the DB-API connection
        dbapi_connection = getattr(connection, "dbapi_connection", connection)
        if self._holder is not None and self._holder is dbapi_connection:
            self._holder = None
            self._lock.release()


def plan_for_actual_values(session: Session) -> None:
    """On PostgreSQL, plan the rest of this transaction's queries for their actual values. A
    prepared statement's generic plan cannot see how many rows a list of ids selects; for the
    set-based figures of a large cohort it was about twice as slow."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def upgrade_under_lock(engine: Engine) -> None:
    """Migrate an SQLite database, one process at a time: servers started side by side on the
    same file wait for the first one's migration instead of racing it (a lock file beside the
    database; an in-memory database needs none)."""
    path = sqlite_path(engine)
    if path is None:
        upgrade(engine)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".migrating"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            upgrade(engine)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return schema_revision(connection)


def schema_revision(connection: Connection) -> str | None:
    """The migration a database is at (None: not migrated at all)."""
    return MigrationContext.configure(connection).get_current_revision()


@functools.cache
def _migration_scripts() -> ScriptDirectory:
    """The migrations folder, read once a process."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def head_revision() -> str | None:
    """The newest migration."""
    return _migration_scripts().get_current_head()


def known_revisions() -> frozenset[str]:
    """Every migration there is (a backup at any of them can be restored)."""
    return frozenset(r.revision for r in _migration_scripts().walk_revisions())


def sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return Path(database) if database and database != ":memory:" else None


def id_of(row: Any) -> int:
    """The primary key of a row that has been flushed (SQLModel types ids as optional)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet; flush the session first")
    return int(row.id)


# -- the domain's words in columns ----------------------------------------------------------


class StrEnumType(TypeDecorator[StrEnum]):
    """A StrEnum stored as its text, handed back as the enum (never a bare string)."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length=length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)


def enum_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """The CHECK constraint that keeps a column to an enum's values, named after the column."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=column)


# -- units of work --------------------------------------------------------------------------

SessionFactory = Callable[[], Session]
_WROTE = "ting_wrote"
_LOOP_THREAD = "ting_loop_thread"


def session_factory(bind: Engine | Connection) -> SessionFactory:
    """Sessions for requests and commands. Bound to a connection (tests), each session works
    in a savepoint of that connection's transaction, so a test can roll everything back."""
    if isinstance(bind, Connection):
        return lambda: Session(bind=bind, expire_on_commit=False,
                               join_transaction_mode="create_savepoint")
    return lambda: Session(bind, expire_on_commit=False)


def has_writes(session: Session) -> bool:
    """Whether this unit of work changed anything, so that it has something to commit."""
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def discard_writes(session: Session) -> None:
    """Undo what this unit of work wrote so far: for a form whose service was refused after it
    had begun to write, so the form shown again leaves the database as it was."""
    session.rollback()
    session.info.pop(_WROTE, None)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "before_flush")
def _refuse_writes_on_the_event_loop(session: Session, _context: Any, _instances: Any) -> None:
    _check_off_the_event_loop(session)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _check_off_the_event_loop(state.session)
        state.session.info[_WROTE] = True


def mark_event_loop_session(session: Session) -> None:
    """A request's session is made on the event loop's thread; note which thread that is."""
    session.info[_LOOP_THREAD] = threading.get_ident()


def _check_off_the_event_loop(session: Any) -> None:
    """A write may wait for a lock; on the event loop that would stall every request."""
    if session.info.get(_LOOP_THREAD) == threading.get_ident():
        raise RuntimeError("a database write on the event loop: make the route or dependency "
                           "that writes a plain `def`, so it runs in the thread pool")


@contextmanager
def unit_of_work(engine: Engine, *, commit: bool = True) -> Iterator[Session]:
    """One transaction for a command (import, demo, token): committed at the end when all went
    well (and `commit` is true), otherwise rolled back. Services inside only flush."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        if commit:
            session.commit()
        else:
            session.rollback()


def insert_or_ignore(session: Session, row: SQLModel) -> bool:
    """Insert a row unless it would break a unique constraint (someone else was first);
    returns whether it was inserted. No exception, so the unit of work stays usable (and the
    `do_orm_execute` listener above notes the write)."""
    table = type(row).__table__  # type: ignore[attr-defined]
    values = {c.name: getattr(row, c.key) for c in table.columns if getattr(row, c.key) is not None}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    result = session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def insert_all_or_ignore(session: Session, rows: Sequence[SQLModel], *, batch: int = 500) -> int:
    """Insert rows of one table, each unless a unique constraint already holds it; how many
    were inserted. A few statements however many rows, and no exception."""
    if not rows:
        return 0
    table = type(rows[0]).__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = 0
    for start in range(0, len(rows), batch):
        # the same columns in every row: a multi-row VALUES needs them (a new id left out)
        values = [{c.name: getattr(row, c.key) for c in table.columns
                   if not (c.primary_key and getattr(row, c.key) is None)}
                  for row in rows[start:start + batch]]
        # counted by what comes back: psycopg gives no row count for a multi-row VALUES
        statement = dialect.insert(table).values(values).on_conflict_do_nothing()
        key = next(iter(table.primary_key.columns))
        inserted += len(session.execute(statement.returning(key)).all())
    return inserted


def insert_new_id(session: Session, table: Table, values: dict[str, Any]) -> int | None:
    """Insert a row unless a unique constraint already holds one (someone was first): the new
    row's id, or None. One statement, and no exception to spoil the unit of work."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    new_id = session.execute(statement.returning(table.c.id)).scalar()
    return None if new_id is None else int(new_id)


class StampedRows:
    """Rows that change only when a trainer imports (cohorts, programmes), kept per process as
    detached copies and checked against the `updated_at` stamp each request reads anyway: a
    newer stamp loads the row again, so no worker serves a stale one."""

    def __init__(self, model: type[SQLModel], limit: int = 10_000) -> None:
        self.model = model
        self.limit = limit
        self._rows: dict[int, tuple[datetime, Any]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, row_id: int, stamp: datetime) -> Any:
        cached = self._rows.get(row_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        row = session.get(self.model, row_id, populate_existing=True)
        if row is None:
            raise LookupError(f"{self.model.__name__} {row_id} is gone")
        session.expunge(row)  # shared between requests: no session may expire or change it
        with self._lock:
            if len(self._rows) >= self.limit:
                self._rows.clear()
            self._rows[row_id] = (row.updated_at, row)  # type: ignore[attr-defined]
        return row

    def forget_all(self) -> None:
        with self._lock:
            self._rows.clear()
