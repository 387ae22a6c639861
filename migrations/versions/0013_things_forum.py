"""a Thing's place in the forum: {category, topic} from the programme file

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 23:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('things', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forum', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('things', schema=None) as batch_op:
        batch_op.drop_column('forum')
