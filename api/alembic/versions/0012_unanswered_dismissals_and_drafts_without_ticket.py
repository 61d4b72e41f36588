"""unanswered dismissals, and knowledge drafts without a ticket

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unanswered_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("dismissed_by", sa.String(length=64), nullable=False),
        sa.Column("dismissed_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["knowledge_drafts.id"],
            name=op.f("fk_unanswered_dismissals_draft_id_knowledge_drafts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_dismissals")),
        sa.UniqueConstraint("key", name=op.f("uq_unanswered_dismissals_key")),
    )
    with op.batch_alter_table("knowledge_drafts", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("knowledge_drafts", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("unanswered_dismissals")
