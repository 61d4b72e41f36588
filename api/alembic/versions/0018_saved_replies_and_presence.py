"""saved replies, and who has a ticket open (issue 15)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
