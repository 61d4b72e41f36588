"""What the incident tests set up: an admin and agents logged in, and incidents
published through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from tests.api.desk import logged_in

LOGIN_TROUBLE = {
    "sv": {
        "title": "Inloggningen i chaufförsklienten krånglar",
        "text": "Många förare kan inte logga in just nu. Vi felsöker.",
    },
    "en": {
        "title": "Logging in to the driver client fails",
        "text": "Many drivers cannot log in right now. We are on it.",
    },
    "fi": {
        "title": "Kirjautuminen kuljettajasovellukseen ei toimi",
        "text": "Moni kuljettaja ei pääse nyt kirjautumaan. Selvitämme vikaa.",
    },
}


def admin_login(client: TestClient, db: Session, name: str = "incident-admin") -> dict[str, str]:
    return logged_in(client, db, name, role=AgentRole.ADMIN, queues=())


def publish(
    client: TestClient,
    admin: dict[str, str],
    *,
    areas: tuple[str, ...] = ("driver",),
    texts: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An incident published by the admin; its JSON."""
    body = {"texts": texts or LOGIN_TROUBLE, "areas": list(areas), **fields}
    response = client.post("/api/v1/incidents", json=body, headers=admin)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found
