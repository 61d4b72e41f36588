"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import api.agents.models
import api.channels.models
import api.conversations.models
import api.knowledge.models
import api.outbox.models
import api.tickets.models  # noqa: F401
from api.database import Base, make_engine
from api.migrations import upgrade_database


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_database(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_database(engine)
    upgrade_database(engine)  # a restart must not fail or lose data
    engine.dispose()
