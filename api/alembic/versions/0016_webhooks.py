"""webhook endpoints for the case register (issue 15)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sealed_url", sa.Text(), nullable=False),
        sa.Column("display_url", sa.String(length=300), nullable=False),
        sa.Column("sealed_secret", sa.Text(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.String(length=200), nullable=True),
        sa.Column("allow_http", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("allow_private_network", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("private_network_allowed_by", sa.String(length=64), nullable=True),
        sa.Column(
            "private_network_allowed_at", api.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("secret_rotated_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )


def downgrade() -> None:
    op.drop_table("webhook_endpoints")
