"""forum moderation: pinned, locked and hidden topics, hidden and edited posts, and the record

forum_posts only gains columns (no rebuild), so the search triggers of 0011 stay.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forum_moderation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=False),
    sa.Column('at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('pin', 'unpin', 'lock', 'unlock', 'move', 'hide', 'unhide')", name=op.f('ck_forum_moderation_action')),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_forum_moderation_by_user_id_users')),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_moderation_post_id_forum_posts')),
    sa.ForeignKeyConstraint(['topic_id'], ['forum_topics.id'], name=op.f('fk_forum_moderation_topic_id_forum_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_moderation'))
    )
    with op.batch_alter_table('forum_moderation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_moderation_topic_id'), ['topic_id'], unique=False)

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', app.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('locked_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_forum_topics_cohort_activity'))
        batch_op.create_index('ix_forum_topics_cohort_pinned_activity', ['cohort_id', 'pinned', 'last_activity_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_index('ix_forum_topics_cohort_pinned_activity')
        batch_op.create_index(batch_op.f('ix_forum_topics_cohort_activity'), ['cohort_id', 'last_activity_at', 'id'], unique=False)
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('locked_at')
        batch_op.drop_column('pinned')

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('edited_at')

    with op.batch_alter_table('forum_moderation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_moderation_topic_id'))

    op.drop_table('forum_moderation')