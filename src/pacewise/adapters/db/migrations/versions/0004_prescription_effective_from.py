"""Prescription versions take effect from a date: a change applies from a plan week onward and
never rewrites the weeks before it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_from", sa.Date(), nullable=True))
    # Every version stored before this migration was the one in force from the plan's start.
    op.execute("UPDATE prescriptions SET effective_from = start_date")
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.alter_column("effective_from", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.drop_column("effective_from")
