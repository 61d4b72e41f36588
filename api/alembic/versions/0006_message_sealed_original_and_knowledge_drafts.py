"""message sealed original and knowledge drafts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("path", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_knowledge_drafts_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_drafts")),
    )
    with op.batch_alter_table("knowledge_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_drafts_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_knowledge_drafts_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_original", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("sealed_original")

    with op.batch_alter_table("knowledge_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_drafts_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_drafts_status"))

    op.drop_table("knowledge_drafts")
