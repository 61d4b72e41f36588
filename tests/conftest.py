"""Shared fixtures: free ports, and the real assistant (actions, Rasa, API) once per run."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import create_engine, text

from stack.postgres import running_postgres
from stack.processes import ROOT, Ports, Service, free_port, running
from tests.fakes import FakeProvider, fake_provider
from tests.web_chat import WebChat

# Channel credentials the stack runs with in tests (the providers are fakes).
TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "telegram-webhook-secret"
TWILIO_SID = "AC" + "1" * 32
TWILIO_TOKEN = "twilio-auth-token"
ACTIONS_TOKEN = "test-actions-token"  # the action server's shared secret (endpoints.yml)
TWILIO_NUMBER = "+46700000000"


def wait_until(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Until `check()` holds (another process is at work); the deadline only turns a
    hang into a failure."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def unique(prefix: str) -> str:
    """A sender or user name no earlier test (or earlier repeat of this one) has used:
    the stack's database lives for the whole run."""
    return f"{prefix}-{uuid4().hex[:8]}"


@dataclass
class Stack:
    """The running assistant: its ports, database and processes, and the fake
    Telegram and Twilio servers it sends to."""

    ports: Ports
    database_url: str
    services: dict[str, Service]
    telegram: FakeProvider
    twilio: FakeProvider
    web: WebChat  # web chat users, each with their conversation token
    attachments: Path  # the API's folder for users' files

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def actions(self) -> str:
        return f"http://127.0.0.1:{self.ports.actions}"

    def chat(self, sender: str, message: str, **fields: object) -> httpx.Response:
        """A web chat message from `sender`, with its conversation token."""
        return self.web.send(sender, message, **fields)

    def poll(self, sender: str, after: int = 0) -> httpx.Response:
        """The agents' replies and notices for `sender`, with its conversation token."""
        return self.web.poll(sender, after)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The real action server, Rasa server (trained model), API and outbox sender,
    on free ports, with Telegram and SMS connected to fake provider servers."""
    ports = Ports(api=free_port(), rasa=free_port(), actions=free_port())
    database: Path = tmp_path_factory.mktemp("db") / "e2e.db"
    url = f"sqlite:///{database}"
    attachments = tmp_path_factory.mktemp("attachments")
    # Approved drafts are written as articles: into a copy, never into the repository.
    knowledge = tmp_path_factory.mktemp("knowledge") / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    with fake_provider("telegram") as telegram, fake_provider("twilio") as twilio:
        env = {
            "VIOL3_PUBLIC_URL": f"http://127.0.0.1:{ports.api}",
            "VIOL3_ADDRESS_KEY": "test-address-key",
            "VIOL3_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "VIOL3_TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "VIOL3_TELEGRAM_API_URL": f"{telegram.url}/bot",
            "VIOL3_TWILIO_ACCOUNT_SID": TWILIO_SID,
            "VIOL3_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "VIOL3_TWILIO_FROM_NUMBER": TWILIO_NUMBER,
            "VIOL3_TWILIO_API_URL": twilio.url,
            "VIOL3_OUTBOX_POLL_SECONDS": "0.2",
            "VIOL3_ACTIONS_TOKEN": ACTIONS_TOKEN,
            "VIOL3_ATTACHMENTS_DIR": str(attachments),
            "VIOL3_KNOWLEDGE_DIR": str(knowledge),
            # Short, so that tests waiting for a resolve notice wait little, and long
            # enough for the console's undo to be clicked.
            "VIOL3_RESOLVE_UNDO_SECONDS": "6",
        }
        with (
            running(ports, database_url=url, env=env) as services,
            httpx.Client(timeout=60) as http,
        ):
            web = WebChat(http, f"http://127.0.0.1:{ports.api}")
            services_by_name = {s.name: s for s in services}
            yield Stack(ports, url, services_by_name, telegram, twilio, web, attachments)


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
