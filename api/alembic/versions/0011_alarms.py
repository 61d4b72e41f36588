"""alarms: a queue told of a breached or a new priority-1 ticket, once per event

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 04:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alarms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("raised_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("told_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_alarms_ticket_id"), "alarms", ["ticket_id"])
    op.create_index(op.f("ix_alarms_queue"), "alarms", ["queue"])
    op.create_index(op.f("ix_alarms_raised_at"), "alarms", ["raised_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alarms_raised_at"), table_name="alarms")
    op.drop_index(op.f("ix_alarms_queue"), table_name="alarms")
    op.drop_index(op.f("ix_alarms_ticket_id"), table_name="alarms")
    op.drop_table("alarms")
