"""saved replies, and who has a ticket open (issue 15)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["agents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "queue", "language", "title", name=op.f("uq_saved_replies_queue_language_title")
        ),
    )
    op.create_table(
        "ticket_presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("typing_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "ticket_id", "agent_id", name=op.f("uq_ticket_presence_ticket_id_agent_id")
        ),
    )
    op.create_index(op.f("ix_ticket_presence_seen_at"), "ticket_presence", ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_presence_seen_at"), table_name="ticket_presence")
    op.drop_table("ticket_presence")
    op.drop_table("saved_replies")
