"""revision history: each revision's programmes, and its changes in a trainer's words

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 06:22:13
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('revision_programs',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_revision_programs_program_id_programs')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_revision_programs_revision_id_revisions')),
    sa.PrimaryKeyConstraint('revision_id', 'program_id', name=op.f('pk_revision_programs'))
    )
    with op.batch_alter_table('revision_programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_programs_program_id'), ['program_id'], unique=False)

    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.JSON(), nullable=False, server_default='[]'))

    # revisions kept before: part of the history of the programmes they name, and of those
    # of the cohorts they name
    bind = op.get_bind()
    programs = dict(bind.execute(sa.text("SELECT key, id FROM programs")).all())
    of_cohort = dict(bind.execute(sa.text("SELECT key, program_id FROM cohorts")).all())
    for revision_id, named_programs, named_cohorts in bind.execute(
            sa.text("SELECT id, programs, cohorts FROM revisions")).all():
        keys = json.loads(named_programs) if isinstance(named_programs, str) else named_programs
        cohorts = json.loads(named_cohorts) if isinstance(named_cohorts, str) else named_cohorts
        ids = {programs[k] for k in keys if k in programs} | {
            of_cohort[k] for k in cohorts if k in of_cohort}
        for program_id in sorted(ids):
            bind.execute(sa.text("INSERT INTO revision_programs (revision_id, program_id) "
                                 "VALUES (:r, :p)"), {"r": revision_id, "p": program_id})


def downgrade() -> None:
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('summary')

    with op.batch_alter_table('revision_programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_programs_program_id'))

    op.drop_table('revision_programs')
