"""The gateway in-process (TestClient) on a fresh database, SQLite and PostgreSQL.

Rasa and the action server point at ports nobody listens on: these tests
are about the gateway itself, including what it does when the assistant is
down. Conversations with the real assistant are in tests/e2e.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.database import make_engine, session_factory
from api.main import create_app
from api.migrations import upgrade_database
from stack.processes import free_port
from tests.web_chat import WebChat


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_url=f"http://127.0.0.1:{free_port()}",
        rasa_timeout_seconds=2,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def web(client: TestClient) -> WebChat:
    """Web chat users on the in-process app, each keeping their conversation token."""
    return WebChat(client)


@pytest.fixture
def db(settings: Settings, client: TestClient) -> Iterator[Session]:
    """A session on the same database the client writes to."""
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh, migrated database, for tests of services without the app."""
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield session_factory(engine)
    engine.dispose()
