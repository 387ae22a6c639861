"""forum subscriptions: following a topic or a category by mail, and each person's last digest

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forum_digests',
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_forum_digests_membership_id_memberships')),
    sa.PrimaryKeyConstraint('membership_id', name=op.f('pk_forum_digests'))
    )
    op.create_table('forum_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('each', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_forum_subscriptions_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_forum_subscriptions_membership_id_memberships')),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_subscriptions_topic_id_forum_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_subscriptions')),
    sa.UniqueConstraint('membership_id', 'topic_id', 'category', name=op.f('uq_forum_subscriptions_membership_id_topic_id_category'))
    )
    with op.batch_alter_table('forum_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_subscriptions_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forum_subscriptions_topic_id'), ['topic_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('forum_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_subscriptions_topic_id'))
        batch_op.drop_index(batch_op.f('ix_forum_subscriptions_membership_id'))

    op.drop_table('forum_subscriptions')
    op.drop_table('forum_digests')