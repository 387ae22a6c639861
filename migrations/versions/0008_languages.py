"""languages: a person's chosen language, a cohort's own; a reflection's draft link

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(length=10), nullable=True))
    with op.batch_alter_table('cohorts') as batch:
        batch.add_column(sa.Column('language', sa.String(length=10), nullable=True))
    with op.batch_alter_table('posts') as batch:
        batch.add_column(sa.Column('draft_link', sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('posts') as batch:
        batch.drop_column('draft_link')
    with op.batch_alter_table('cohorts') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('language')
