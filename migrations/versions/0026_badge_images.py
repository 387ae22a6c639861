"""badge images: a picture shipped beside the programme YAML

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 09:47:23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('badge_images',
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_badge_images_badge_id_badges')),
    sa.PrimaryKeyConstraint('badge_id', name=op.f('pk_badge_images'))
    )
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_type', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('image_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_column('image_sha256')
        batch_op.drop_column('image_type')

    op.drop_table('badge_images')
