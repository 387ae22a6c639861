"""badges: what programmes award, and who earned them

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 06:43:27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('badges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('rule', sa.String(length=12), nullable=False),
    sa.Column('theme_key', sa.String(length=100), nullable=True),
    sa.Column('things_needed', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('criteria', sa.String(), nullable=False),
    sa.Column('criteria_html', sa.String(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('archived_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=True),
    sa.CheckConstraint("rule IN ('programme', 'theme')", name=op.f('ck_badges_rule')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_badges_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges')),
    sa.UniqueConstraint('program_id', 'key', name=op.f('uq_badges_program_id_key'))
    )
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_program_id'), ['program_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('awarded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('revoked_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_awards_badge_id_badges')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_awards_membership_id_memberships')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_awards_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('membership_id', 'badge_id', name=op.f('uq_awards_membership_id_badge_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_awards_public_id'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_badge_id'), ['badge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_membership_id'), ['membership_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_membership_id'))
        batch_op.drop_index(batch_op.f('ix_awards_badge_id'))

    op.drop_table('awards')
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_program_id'))

    op.drop_table('badges')
