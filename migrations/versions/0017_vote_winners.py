"""the vote's winners (the trainer's choice among tied groups, with the reason)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('voting_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('votings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('winners', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('tie_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('votings', schema=None) as batch_op:
        batch_op.drop_column('tie_reason')
        batch_op.drop_column('winners')

    with op.batch_alter_table('voting_changes', schema=None) as batch_op:
        batch_op.drop_column('note')
