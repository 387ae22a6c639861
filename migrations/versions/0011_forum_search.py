"""forum search: the database's own full-text index over topics' titles and posts' bodies

SQLite: an FTS5 table over forum_posts, kept by triggers. A later migration that rebuilds
forum_posts in batch mode drops those triggers and must create them again.
PostgreSQL: a generated tsvector column (title weighted above body) with a GIN index.
Both tokenise the same way (lower case, no stemming, accents kept), so a search finds the same
posts on either database; each word also matches as a prefix.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE forum_posts_fts USING fts5(title, body, content='forum_posts', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER forum_posts_fts_insert AFTER INSERT ON forum_posts BEGIN "
    "INSERT INTO forum_posts_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER forum_posts_fts_delete AFTER DELETE ON forum_posts BEGIN "
    "INSERT INTO forum_posts_fts(forum_posts_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER forum_posts_fts_update AFTER UPDATE OF title, body ON forum_posts BEGIN "
    "INSERT INTO forum_posts_fts(forum_posts_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO forum_posts_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO forum_posts_fts(forum_posts_fts) VALUES ('rebuild')",
]
POSTGRES_UP = [
    "ALTER TABLE forum_posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) "
    "STORED",
    "CREATE INDEX ix_forum_posts_search ON forum_posts USING gin (search_vector)",
]


def upgrade() -> None:
    with op.batch_alter_table('forum_posts') as batch:
        batch.add_column(sa.Column('title', sa.String(length=200), nullable=False,
                                   server_default=''))
    # the opening posts carry their topic's title
    op.execute("UPDATE forum_posts SET title = (SELECT t.title FROM forum_topics t "
               "WHERE t.id = forum_posts.topic_id) "
               "WHERE id IN (SELECT min(id) FROM forum_posts GROUP BY topic_id)")
    for statement in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER forum_posts_fts_{name}")
        op.execute("DROP TABLE forum_posts_fts")
    else:
        op.execute("DROP INDEX ix_forum_posts_search")
        op.execute("ALTER TABLE forum_posts DROP COLUMN search_vector")
    with op.batch_alter_table('forum_posts') as batch:
        batch.drop_column('title')
