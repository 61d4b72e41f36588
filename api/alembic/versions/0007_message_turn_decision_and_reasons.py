"""message turn decision and its reasons, conversation offered choices, ticket order

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reasons", sa.JSON(), nullable=True))
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_choices", sa.JSON(), nullable=True))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("order")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("offered_choices")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("reasons")
        batch_op.drop_column("decision")
