"""ticket reopened_at, agent active flag

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:30:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column("reopened_at", api.database.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("agents") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("active")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("reopened_at")
