"""Alembic environment: uses the caller's connection, or the configured database."""

from alembic import context
from sqlalchemy import Connection

import api.agents.models
import api.alarms.models
import api.attachments.models
import api.channels.models
import api.conversations.models
import api.feedback.models
import api.incidents.models
import api.insights.models
import api.knowledge.models
import api.mail.models
import api.outbox.models
import api.replies.models
import api.retention.models
import api.tickets.models
import api.webhooks.models  # noqa: F401
from api.config import get_settings
from api.database import Base, make_engine

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = make_engine(get_settings().database_url)
        with engine.begin() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    # Batch mode lets the same migrations alter tables on SQLite.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
