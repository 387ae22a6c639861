"""pilots: the winning idea approved by a manager, and the group's dated updates

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pilots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('resources', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('approved', 'running', 'done')", name=op.f('ck_pilots_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_pilots_approved_by_id_users')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_pilots_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['group_id'], ['cohort_groups.id'], name=op.f('fk_pilots_group_id_cohort_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilots')),
    sa.UniqueConstraint('group_id', name=op.f('uq_pilots_group_id'))
    )
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilots_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('pilot_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['memberships.id'], name=op.f('fk_pilot_updates_author_id_memberships')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_updates_pilot_id_pilots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_updates'))
    )
    with op.batch_alter_table('pilot_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_updates_pilot_id'), ['pilot_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pilot_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_updates_pilot_id'))

    op.drop_table('pilot_updates')
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilots_cohort_id'))

    op.drop_table('pilots')