"""issuer keys: the Ed25519 keys that sign badges

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 06:58:40
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('issuer_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('public_multibase', sa.String(length=100), nullable=False),
    sa.Column('private_pem', sa.String(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_keys')),
    sa.UniqueConstraint('public_multibase', name=op.f('uq_issuer_keys_public_multibase'))
    )


def downgrade() -> None:
    op.drop_table('issuer_keys')
