"""pitches: every saved version of a group's pitch

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pitch_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('plan_html', sa.Text(), nullable=False),
    sa.Column('slides_url', sa.String(length=2000), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['memberships.id'], name=op.f('fk_pitch_versions_author_id_memberships')),
    sa.ForeignKeyConstraint(['group_id'], ['cohort_groups.id'], name=op.f('fk_pitch_versions_group_id_cohort_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_versions')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_pitch_versions_group_id_number'))
    )
    with op.batch_alter_table('pitch_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_versions_group_id'), ['group_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pitch_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitch_versions_group_id'))

    op.drop_table('pitch_versions')