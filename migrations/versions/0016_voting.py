"""the final vote: its state and record, and one ballot per participant

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('voting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=10), nullable=False),
    sa.Column('to_state', sa.String(length=10), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_voting_changes_by_user_id_users')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_voting_changes_cohort_id_cohorts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_changes'))
    )
    with op.batch_alter_table('voting_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voting_changes_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('votings',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('closes_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('changed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('closed', 'open', 'counted', 'published')", name=op.f('ck_votings_state')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_votings_cohort_id_cohorts')),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_votings'))
    )
    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('cast_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_ballots_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_ballots_membership_id_memberships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('cohort_id', 'membership_id', name=op.f('uq_ballots_cohort_id_membership_id'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('ballot_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_choices_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['group_id'], ['cohort_groups.id'], name=op.f('fk_ballot_choices_group_id_cohort_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_choices')),
    sa.UniqueConstraint('ballot_id', 'group_id', name=op.f('uq_ballot_choices_ballot_id_group_id'))
    )
    with op.batch_alter_table('ballot_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_choices_ballot_id'), ['ballot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ballot_choices_group_id'), ['group_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ballot_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_choices_group_id'))
        batch_op.drop_index(batch_op.f('ix_ballot_choices_ballot_id'))

    op.drop_table('ballot_choices')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_cohort_id'))

    op.drop_table('ballots')
    op.drop_table('votings')
    with op.batch_alter_table('voting_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voting_changes_cohort_id'))

    op.drop_table('voting_changes')