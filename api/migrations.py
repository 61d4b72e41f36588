"""Apply the Alembic migrations (api/alembic) to a database.

Every process that uses the database (the API, the outbox sender, Telegram
polling, the agents CLI) upgrades it before it works, so none finds a table
missing, whichever starts first. Upgrades are serialised across processes: one
migrates, the others wait for it and then find nothing left to do.
"""

from __future__ import annotations

import logging
import threading
import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

SCRIPTS = Path(__file__).parent / "alembic"
# PostgreSQL advisory lock held while one process migrates (any fixed bigint).
MIGRATION_LOCK = zlib.crc32(b"viol3-assist: alembic upgrade")

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    """An Alembic configuration that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


def upgrade_database(engine: Engine) -> None:
    """Bring the database behind `engine` to the newest schema; safe to call from
    several processes at once, and a no-op when it is current."""
    config = alembic_config()
    with engine.begin() as connection:
        _hold_migration_lock(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _hold_migration_lock(connection: Connection) -> None:
    """Keep other processes from migrating until this transaction ends.

    Two unserialised upgrades of an empty database both see no tables and both
    create them: the second fails ("already exists")."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        # pysqlite runs DDL outside any transaction unless one is begun explicitly;
        # IMMEDIATE takes the write lock now, so another upgrade waits (busy_timeout).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade_when_reachable(
    engine: Engine, stop: threading.Event, retry_seconds: float = 1.0
) -> bool:
    """Upgrade the database, trying again while it cannot be reached (a server that
    is still starting); False if `stop` is set first."""
    while not stop.is_set():
        try:
            upgrade_database(engine)
            return True
        except OperationalError as exc:
            log.warning("database not reachable (%s), trying again", type(exc.orig).__name__)
            stop.wait(retry_seconds)
    return False


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
