"""Each patient's ranking for the clinician's list, kept between requests.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 18:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient_status",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("computed_version", sa.Integer(), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=True),
        sa.Column("rank", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["users.id"],
            name=op.f("fk_patient_status_patient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_patient_status")),
    )
    op.execute(
        "INSERT INTO patient_status (patient_id, version, computed_version, rank, reasons) "
        "SELECT id, 0, -1, '[]', '[]' FROM users WHERE role = 'patient'"
    )


def downgrade() -> None:
    op.drop_table("patient_status")
