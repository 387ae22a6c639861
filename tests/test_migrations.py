"""Alembic is the only way the schema changes: the migrations, applied from scratch, give
exactly the tables, columns, indexes and constraints the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

import app.models  # noqa: F401  (every table on the metadata)
from app.db import metadata
from app.forum.search import in_schema


def test_the_migrated_schema_is_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": False,  # the search index is the migrations' own, not the models'
            "include_object": lambda _obj, name, type_, _reflected, _to: in_schema(name, type_)})
        differences = compare_metadata(context, metadata)
    assert differences == [], "\n".join(map(str, differences))
