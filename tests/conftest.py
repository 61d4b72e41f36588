"""Shared fixtures: free ports, and the real assistant (actions, Rasa, API) once per run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import create_engine, text

from stack.postgres import running_postgres
from stack.processes import Ports, Service, free_port, running


@dataclass
class Stack:
    """The running assistant: its ports, database and processes."""

    ports: Ports
    database_url: str
    services: dict[str, Service]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def actions(self) -> str:
        return f"http://127.0.0.1:{self.ports.actions}"

    def chat(self, sender: str, message: str, **fields: object) -> httpx.Response:
        body = {"sender": sender, "message": message, "channel": "web", **fields}
        return httpx.post(f"{self.api}/api/v1/chat", json=body, timeout=60)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real action server, Rasa server (trained model) and API, on free ports."""
    ports = Ports(api=free_port(), rasa=free_port(), actions=free_port())
    database: Path = tmp_path_factory.mktemp("db") / "e2e.db"
    url = f"sqlite:///{database}"
    with running(ports, database_url=url) as services:
        yield Stack(ports, url, {s.name: s for s in services})


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server for this test run (installed and started here)."""
    with running_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite (the default runtime) and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server: str = request.getfixturevalue("postgres_server")
    name = f"t_{uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server.rsplit('/', 1)[0]}/{name}"
