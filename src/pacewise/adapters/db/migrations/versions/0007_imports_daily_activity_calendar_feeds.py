"""Import jobs with their progress, daily activity totals from exports, calendar feeds.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 21:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=True),
        sa.Column("exercise_minutes", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "exercise_minutes >= 0", name=op.f("ck_daily_activity_exercise_minutes_not_negative")
        ),
        sa.CheckConstraint("steps >= 0", name=op.f("ck_daily_activity_steps_not_negative")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["users.id"],
            name=op.f("fk_daily_activity_patient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_activity")),
        sa.UniqueConstraint(
            "patient_id", "date", "source", name=op.f("uq_daily_activity_patient_id_date_source")
        ),
    )
    with op.batch_alter_table("daily_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_daily_activity_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_patient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_feeds_patient_id"), ["patient_id"], unique=False
        )

    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("stored_path", sa.String(length=1000), nullable=False, server_default="")
        )
        for name in ("bytes_total", "bytes_read"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
            )
        for name in ("records_seen", "daily_totals", "attempts"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("skipped_reasons", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_import_jobs_created_by_users"),
            "users",
            ["created_by"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            "status", "status IN ('pending', 'running', 'done', 'failed')"
        )
    # The defaults above only filled existing rows; the application always sets these columns.
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        for name in ("stored_path", "bytes_total", "bytes_read", "records_seen"):
            batch_op.alter_column(name, server_default=None)
        for name in ("daily_totals", "attempts", "skipped_reasons", "updated_at"):
            batch_op.alter_column(name, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_constraint("ck_import_jobs_status", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_import_jobs_created_by_users"), type_="foreignkey")
        for name in (
            "updated_at",
            "attempts",
            "daily_totals",
            "skipped_reasons",
            "records_seen",
            "bytes_read",
            "bytes_total",
            "stored_path",
            "created_by",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_patient_id"))
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("daily_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_daily_activity_patient_id"))
    op.drop_table("daily_activity")
