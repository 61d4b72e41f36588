"""retention runs and erasure records (issue 15)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=256), nullable=True),
        sa.Column("started_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_index(
        op.f("ix_retention_runs_started_at"), "retention_runs", ["started_at"], unique=False
    )
    op.create_table(
        "retention_leases",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("until", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_retention_leases")),
    )
    op.create_table(
        "tracker_resets",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reset_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_tracker_resets_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_tracker_resets")),
    )
    op.create_table(
        "erasure_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("identifier_kind", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_records")),
    )
    op.create_index(
        op.f("ix_erasure_records_requested_at"), "erasure_records", ["requested_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_records_requested_at"), table_name="erasure_records")
    op.drop_table("erasure_records")
    op.drop_table("tracker_resets")
    op.drop_table("retention_leases")
    op.drop_index(op.f("ix_retention_runs_started_at"), table_name="retention_runs")
    op.drop_table("retention_runs")
