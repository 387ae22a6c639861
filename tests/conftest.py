"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
TING_TEST_DATABASE_URL points at one (make test runs both)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

import app.models  # noqa: F401  (every table on the metadata)
from app.config import Settings
from app.db import make_engine, metadata, normalise_url, upgrade
from app.main import create_app
from app.programs import service as programs_service

TEST_SECRET = "test-secret-" + "x" * 40


def _postgres_url() -> str | None:
    url = os.environ.get("TING_TEST_DATABASE_URL", "").strip()
    return normalise_url(url) if url else None


@contextmanager
def throwaway_database(prefix: str, folder: Path) -> Iterator[str]:
    """A fresh database (an SQLite file in `folder`, or a new PostgreSQL database when
    TING_TEST_DATABASE_URL is set), dropped again afterwards."""
    pg = _postgres_url()
    if pg is None:
        yield f"sqlite:///{folder / (prefix + '.db')}"
        return
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test session."""
    with throwaway_database("ting_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)  # tests start from the real migrations
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    programs_service.forget_all()  # ids are reused after emptying; so is the process cache
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session on an empty database; everything is removed again after the test."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
    _empty_all_tables(engine)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, secret_key=TEST_SECRET, demo=True,
                    base_url="http://testserver", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def web(settings: Settings, engine: Engine, db: Session) -> FastAPI:
    """The app in demo mode (its demo login is how tests sign in), on the test database."""
    return create_app(settings, engine=engine)


@pytest.fixture
def client(web: FastAPI) -> Iterator[TestClient]:
    with TestClient(web, follow_redirects=False) as test_client:
        yield test_client
