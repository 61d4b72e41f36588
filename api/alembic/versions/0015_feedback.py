"""customer feedback (CSAT) asked after a resolve (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("question_message_id", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("asked_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment_until", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["question_message_id"], ["messages.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id"),
    )
    op.create_index(op.f("ix_feedback_conversation_id"), "feedback", ["conversation_id"])
    op.create_index(op.f("ix_feedback_queue"), "feedback", ["queue"])
    op.create_index(op.f("ix_feedback_asked_at"), "feedback", ["asked_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_feedback_asked_at"), table_name="feedback")
    op.drop_index(op.f("ix_feedback_queue"), table_name="feedback")
    op.drop_index(op.f("ix_feedback_conversation_id"), table_name="feedback")
    op.drop_table("feedback")
