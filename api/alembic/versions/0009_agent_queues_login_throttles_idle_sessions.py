"""agent queues, login throttles, idle sessions, the outbox's sealed text

Agents become members of queues. The agents there already keep every queue
(what they saw before), so the upgrade does not stop anyone's work; admins then
narrow them down. Sessions get an idle limit: the sessions open before it are
ended (everyone logs in once more), so no row is left without one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import api.database

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The spec's queues (bot/triage/training.py QUEUES) as they were at this revision.
QUEUES = (
    "driver",
    "measurement",
    "accounting",
    "transport",
    "production",
    "access",
    "integration",
    "general",
)


def upgrade() -> None:
    agent_queues = op.create_table(
        "agent_queues",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_queues_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("agent_id", "queue", name=op.f("pk_agent_queues")),
    )
    agents = sa.table("agents", sa.column("id", sa.Integer()), sa.column("role", sa.String()))
    existing = op.get_bind().execute(sa.select(agents.c.id).where(agents.c.role == "agent"))
    rows = [{"agent_id": agent_id, "queue": q} for (agent_id,) in existing for q in QUEUES]
    if rows:
        op.bulk_insert(agent_queues, rows)

    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=256), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", api.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_at", api.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("kind", "subject", name=op.f("uq_login_throttles_kind_subject")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_failed_at"), ["last_failed_at"], unique=False
        )

    op.execute(sa.text("DELETE FROM agent_tokens"))
    # Recreated on SQLite, which cannot add a NOT NULL column without a default.
    with op.batch_alter_table("agent_tokens", schema=None, recreate="always") as batch_op:
        batch_op.add_column(
            sa.Column("last_used_at", api.database.UTCDateTime(timezone=True), nullable=False)
        )
        batch_op.add_column(sa.Column("idle_seconds", sa.Integer(), nullable=False))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sealed_text")

    with op.batch_alter_table("agent_tokens", schema=None) as batch_op:
        batch_op.drop_column("idle_seconds")
        batch_op.drop_column("last_used_at")

    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_failed_at"))
    op.drop_table("login_throttles")
    op.drop_table("agent_queues")
