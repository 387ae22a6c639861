"""Alembic is the only way the schema changes: the migrations, applied from scratch, give
exactly the tables, columns, indexes and constraints the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

import app.models  # noqa: F401  (every table on the metadata)
from app.db import metadata


def test_the_migrated_schema_is_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == [], "\n".join(map(str, differences))
