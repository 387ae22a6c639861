"""groups: a resource person and an idea; forum topics in a group's space, and their answer

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cohort_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resource_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('idea', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cohort_groups_resource_user_id_users'), 'users', ['resource_user_id'], ['id'])

    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_forum_topics_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_forum_topics_group_id_cohort_groups'), 'cohort_groups', ['group_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_forum_topics_answered_by_id_memberships'), 'memberships', ['answered_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('forum_topics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_forum_topics_answered_by_id_memberships'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_forum_topics_group_id_cohort_groups'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_forum_topics_group_id'))
        batch_op.drop_column('answered_by_id')
        batch_op.drop_column('answer_post_id')
        batch_op.drop_column('group_id')

    with op.batch_alter_table('cohort_groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohort_groups_resource_user_id_users'), type_='foreignkey')
        batch_op.drop_column('idea')
        batch_op.drop_column('resource_user_id')
