"""Fixtures of the webhook tests: an admin, a real receiver, and the outbox driven
in-process with the real WebhookSender."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.addresses import address_secret
from api.agents.models import AgentRole
from api.config import Settings
from api.database import make_engine, session_factory, utcnow
from api.outbox.senders import Sender, WebhookSender
from api.outbox.worker import deliver_due
from tests.api.desk import logged_in
from tests.api.webhooks.receiver import Receiver, receiver

ENDPOINTS = "/api/v1/webhooks/endpoints"


@pytest.fixture
def admin(client: TestClient, db: Session) -> dict[str, str]:
    return logged_in(client, db, "ada", role=AgentRole.ADMIN)


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


class Clock:
    """The sender's clock: the real time, moved on by `advance` (timestamps must be
    near now for a receiver to accept them, and differ between tries)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset


class Outbox:
    """The outbox worker's round, run on demand, with the real webhook sender."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self.settings, self.factory, self.clock = settings, factory, Clock()
        key = address_secret(settings)
        self.sender = WebhookSender(factory, key, timeout=5, clock=self.clock)
        self.senders: dict[str, Sender] = {"webhook": self.sender}
        self.key = key

    def deliver(self, *, later: timedelta = timedelta(0)) -> int:
        """One round, as if `later` had passed (backoffs end without waiting)."""
        self.clock.offset = later
        return deliver_due(
            factory=self.factory,
            senders=self.senders,
            settings=self.settings,
            secret=self.key,
            now=utcnow() + later,
        )


@pytest.fixture
def outbox(settings: Settings, client: TestClient) -> Iterator[Outbox]:
    engine = make_engine(settings.database_url)
    yield Outbox(settings, session_factory(engine))
    engine.dispose()


def register(client: TestClient, admin: dict[str, str], url: str, **fields: Any) -> dict[str, Any]:
    """An endpoint for `url` on this machine (so with both permissions), or as given."""
    body = {"url": url, "allow_http": True, "allow_private_network": True, **fields}
    response = client.post(ENDPOINTS, json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
