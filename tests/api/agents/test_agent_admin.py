"""Admins manage the agent accounts; agents cannot."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.agents.service import create_agent

AGENTS = "/api/v1/agents"


def _login(client: TestClient, name: str, password: str) -> dict[str, str]:
    response = client.post(f"{AGENTS}/login", json={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_an_admin_creates_and_switches_off_accounts_and_an_agent_cannot(
    client: TestClient, db: Session
) -> None:
    create_agent(db=db, username="boss", display_name="Boss", password="pw", role=AgentRole.ADMIN)
    create_agent(db=db, username="anna", display_name="Anna", password="pw", role=AgentRole.AGENT)
    boss, anna = _login(client, "boss", "pw"), _login(client, "anna", "pw")

    new = {
        "username": "cecilia",
        "display_name": "Cecilia",
        "password": "lång-lösen-123",
        "queues": ["driver"],
    }
    refused = client.post(AGENTS, json=new, headers=anna)
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert client.get(AGENTS, headers=anna).status_code == 403

    made = client.post(AGENTS, json=new, headers=boss)
    assert made.status_code == 201 and made.json()["role"] == "agent"
    assert made.json()["queues"] == ["driver"] and made.json()["locked"] is False
    assert client.post(AGENTS, json=new, headers=boss).status_code == 409  # name taken
    short = client.post(AGENTS, json={**new, "username": "d", "password": "kort"}, headers=boss)
    assert short.status_code == 422
    cecilia = _login(client, "cecilia", "lång-lösen-123")
    assert client.get("/api/v1/tickets", params={"queue": "driver"}, headers=cecilia).is_success

    off = client.post(f"{AGENTS}/{made.json()['id']}/deactivate", headers=boss)
    assert off.json()["active"] is False
    # her session ends at once and she cannot log in again
    assert (
        client.get("/api/v1/tickets", params={"queue": "driver"}, headers=cecilia).status_code
        == 401
    )
    again = client.post(
        f"{AGENTS}/login", json={"username": "cecilia", "password": "lång-lösen-123"}
    )
    assert again.status_code == 401
    names = [a["username"] for a in client.get(AGENTS, headers=boss).json()["agents"]]
    assert names == ["anna", "boss", "cecilia"]
    assert client.post(f"{AGENTS}/999/deactivate", headers=boss).status_code == 404
    own = client.post(f"{AGENTS}/1/deactivate", headers=boss)  # not yourself
    assert own.status_code == 403
