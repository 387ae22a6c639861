"""issuer keys of two kinds: RSA keys (VC-JWT) beside Ed25519, named by a public id

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_issuer_keys_public_multibase', type_='unique')
        batch_op.alter_column('public_multibase', new_column_name='public_id',
                              existing_type=sa.String(length=100), existing_nullable=False)
        batch_op.alter_column('private_pem', existing_type=sa.String(length=1000),
                              type_=sa.String(length=4000), existing_nullable=False)
    # a second pass: the constraint names the column by its new name
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_issuer_keys_public_id'), ['public_id'])


def downgrade() -> None:
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_issuer_keys_public_id'), type_='unique')
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.alter_column('private_pem', existing_type=sa.String(length=4000),
                              type_=sa.String(length=1000), existing_nullable=False)
        batch_op.alter_column('public_id', new_column_name='public_multibase',
                              existing_type=sa.String(length=100), existing_nullable=False)
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_issuer_keys_public_multibase', ['public_multibase'])
