"""The Alembic migrations build exactly the schema the models describe, and
several processes starting at once may all run them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

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
from api.database import Base, make_engine
from api.migrations import schema_is_current, upgrade_database
from stack.processes import MAIN_PYTHON, ROOT
from tests.conftest import wait_until


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


# One process: says it is ready (a file), waits for the start signal, then upgrades.
_UPGRADE = """
import pathlib, sys, time
from api.database import make_engine
from api.migrations import upgrade_database
engine = make_engine(sys.argv[1])
pathlib.Path(sys.argv[3]).touch()
while not pathlib.Path(sys.argv[2]).exists():
    time.sleep(0.001)
upgrade_database(engine)
"""


def test_concurrent_upgrades_of_an_empty_database_all_succeed(
    database_url: str, tmp_path: Path
) -> None:
    # The API, the outbox sender and Telegram polling start together, each upgrading.
    go, ready = tmp_path / "go", [tmp_path / f"ready-{i}" for i in range(4)]
    processes = [
        subprocess.Popen(
            [str(MAIN_PYTHON), "-c", _UPGRADE, database_url, str(go), str(flag)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for flag in ready
    ]
    wait_until(lambda: all(flag.exists() for flag in ready), "the processes to start")
    go.touch()
    outputs = [process.communicate(timeout=120)[0].decode() for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, outputs
    engine = make_engine(database_url)
    assert schema_is_current(engine)
    engine.dispose()
