"""checks for the cohort's and programme's words; signed-in browsers; site admins; token use

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "browser_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("started_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", app.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("method IN ('demo', 'oidc', 'password')",
                           name=op.f("ck_browser_sessions_method")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_browser_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_browser_sessions")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_browser_sessions_secret_hash")),
    )
    op.create_index(op.f("ix_browser_sessions_user_id"), "browser_sessions", ["user_id"])
    with op.batch_alter_table("cohorts") as batch:
        batch.create_check_constraint(op.f("ck_cohorts_enrolment"), "enrolment IN ('closed', 'open')")
        batch.create_check_constraint(
            op.f("ck_cohorts_posts_default_visibility"),
            "posts_default_visibility IN ('private', 'cohort', 'public')")
    with op.batch_alter_table("programs") as batch:
        batch.create_check_constraint(
            op.f("ck_programs_pitch_tie_break"), "pitch_tie_break IN ('trainer', 'shared')")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("is_admin", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("last_signed_in_at", app.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("last_used_at", app.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_index(op.f("ix_browser_sessions_user_id"), table_name="browser_sessions")
    op.drop_table("browser_sessions")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_signed_in_at")
        batch.drop_column("is_admin")
    with op.batch_alter_table("programs") as batch:
        batch.drop_constraint(op.f("ck_programs_pitch_tie_break"), type_="check")
    with op.batch_alter_table("cohorts") as batch:
        batch.drop_constraint(op.f("ck_cohorts_posts_default_visibility"), type_="check")
        batch.drop_constraint(op.f("ck_cohorts_enrolment"), type_="check")
