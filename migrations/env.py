"""Alembic environment: the engine comes from the caller (app.db.upgrade) or from settings."""

from __future__ import annotations

from alembic import context

import app.models  # noqa: F401  (registers every table on the metadata)
from app.config import get_settings
from app.db import make_engine, metadata
from app.forum.search import in_schema

config = context.config


def run_migrations() -> None:
    engine = config.attributes.get("engine") or make_engine(get_settings().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=lambda _obj, name, type_, _reflected, _to: in_schema(name, type_),
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
