"""Retention tests: the gateway with a stand-in for Rasa's HTTP API (a real local
server that records what it is asked), attachments in a temporary folder, small
batches, and the start-up run of the job finished before a test begins."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.assistant.client import RasaClient
from api.config import Settings
from api.retention.models import RetentionRun, RunStatus
from tests.api.desk import logged_in
from tests.conftest import wait_until

RASA_TOKEN = "rasa-test-token"


@dataclass
class FakeRasa:
    """What Rasa was asked: (method, path, query, body) per request."""

    url: str
    requests: list[tuple[str, str, dict[str, list[str]], object]] = field(default_factory=list)

    def resets(self) -> list[str]:
        """The conversation keys whose tracker events were replaced by none."""
        return [
            path.split("/")[2]
            for method, path, _, body in self.requests
            if method == "PUT" and path.endswith("/tracker/events") and body == []
        ]


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    calls: list[tuple[str, str, dict[str, list[str]], object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            url = urlsplit(self.path)
            calls.append(("PUT", url.path, parse_qs(url.query), body))
            ok = parse_qs(url.query).get("token") == [RASA_TOKEN]
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield FakeRasa(f"http://127.0.0.1:{server.server_port}", calls)
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(database_url: str, rasa: FakeRasa, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        rasa_url=rasa.url,
        rasa_token=SecretStr(RASA_TOKEN),
        address_key=SecretStr("test-address-key"),
        action_server_url=rasa.url,
        rasa_timeout_seconds=2,
        attachments_dir=tmp_path / "attachments",
        retention_batch_size=2,
    )


@pytest.fixture
def started(client: TestClient, db: Session) -> TestClient:
    """The client, once the job's start-up run has finished (it holds the lease)."""

    def finished() -> bool:
        db.rollback()  # a fresh look
        done = select(RetentionRun).where(RetentionRun.status != RunStatus.RUNNING)
        return db.scalar(done) is not None

    wait_until(finished, "the start-up retention run")
    return client


@pytest.fixture
def admin(started: TestClient, db: Session) -> dict[str, str]:
    return logged_in(started, db, "rita", role=AgentRole.ADMIN, queues=("driver", "general"))


@pytest.fixture
def assistant(settings: Settings) -> Iterator[RasaClient]:
    with httpx.Client() as http:
        yield RasaClient(settings, http)
