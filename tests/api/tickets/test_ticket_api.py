"""The agent API over HTTP: log in, find the ticket, work it, resolve it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.tickets.service import open_ticket
from bot.triage import Triage


@pytest.fixture
def ticket_id(db: Session) -> int:
    conversation = Conversation(channel="web", sender="driver-9", language="fi")
    db.add(conversation)
    db.add(
        Message(
            conversation=conversation,
            author="user",
            text="en pääse sisään",
            language="fi",
            status=MessageStatus.RECEIVED,
        )
    )
    db.commit()
    triage = Triage("fi", "driver", 1, False, ["Kuljettaja jumissa"])
    ticket = open_ticket(
        db=db,
        conversation=conversation,
        triage=triage,
        description="en pääse sisään",
        contact=None,
        idempotency_key="t1",
    )
    for name in ("anna", "bo"):
        create_agent(
            db=db,
            username=name,
            display_name=name.title(),
            password=f"{name}-pw",
            role=AgentRole.AGENT,
            queues=["driver"],
        )
    return ticket.id


def _login(client: TestClient, name: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/agents/login", json={"username": name, "password": f"{name}-pw"}
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_without_a_valid_token_nothing_is_shown(client: TestClient, ticket_id: int) -> None:
    assert client.get("/api/v1/tickets", params={"queue": "driver"}).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=bad).status_code == 401
    wrong = client.post("/api/v1/agents/login", json={"username": "anna", "password": "x"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "not_authenticated"


def test_an_agent_works_a_ticket_from_queue_to_resolved(
    client: TestClient, ticket_id: int, db: Session
) -> None:
    anna = _login(client, "anna")
    listing = client.get("/api/v1/tickets", params={"queue": "driver"}, headers=anna).json()
    assert [t["id"] for t in listing["tickets"]] == [ticket_id]
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=anna).json()
    assert ticket["transcript"][0]["text"] == "en pääse sisään"
    # a reason stored as plain text (before reasons were data) reads in every language
    assert ticket["triage_reasons"] == [
        {"sv": "Kuljettaja jumissa", "en": "Kuljettaja jumissa", "fi": "Kuljettaja jumissa"}
    ]

    assert client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=anna).status_code == 200
    bo = _login(client, "bo")
    second = client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=bo)
    assert second.status_code == 409 and second.json()["code"] == "already_claimed"

    client.post(
        f"/api/v1/tickets/{ticket_id}/reply", json={"text": "Kokeile nyt uudelleen"}, headers=anna
    )
    client.post(f"/api/v1/tickets/{ticket_id}/notes", json={"text": "soitin FMC:hen"}, headers=anna)
    done = client.post(f"/api/v1/tickets/{ticket_id}/resolve", headers=anna).json()
    assert done["status"] == "resolved"
    # the user is told, in Finnish, that the case is closed and how to reopen it, and
    # asked once how it went
    assert [m["author"] for m in done["transcript"]] == ["user", "agent", "notice", "feedback"]
    assert done["transcript"][-2]["text"].startswith(f"Tapaus {ticket_id} on nyt ratkaistu")
    assert [e["action"] for e in done["events"]] == [
        "opened",
        "claimed",
        "replied",
        "note",
        "resolved",
    ]
    db.expire_all()
    assert db.get(Conversation, 1).state == ConversationState.BOT  # type: ignore[union-attr]
    again = client.post(f"/api/v1/tickets/{ticket_id}/reopen", headers=anna).json()
    assert again["status"] == "open" and again["events"][-1]["actor"] == "anna"
    db.expire_all()
    assert db.get(Conversation, 1).state == ConversationState.HUMAN  # type: ignore[union-attr]
    twice = client.post(f"/api/v1/tickets/{ticket_id}/reopen", headers=anna)
    assert twice.status_code == 409


def test_transfer_and_priority_changes_are_checked(client: TestClient, ticket_id: int) -> None:
    anna = _login(client, "anna")
    no_reason = client.post(
        f"/api/v1/tickets/{ticket_id}/priority", json={"priority": 2, "reason": ""}, headers=anna
    )
    assert no_reason.status_code == 422
    changed = client.post(
        f"/api/v1/tickets/{ticket_id}/priority",
        json={"priority": 3, "reason": "Inte stoppande"},
        headers=anna,
    ).json()
    assert changed["priority"] == 3
    bad_queue = client.post(
        f"/api/v1/tickets/{ticket_id}/transfer",
        json={"queue": "x", "reason": "fel kö"},
        headers=anna,
    )
    assert bad_queue.status_code == 422 and bad_queue.json()["code"] == "unknown_queue"
    same = client.post(
        f"/api/v1/tickets/{ticket_id}/transfer",
        json={"queue": "driver", "reason": "fel kö"},
        headers=anna,
    )
    assert same.status_code == 409
    moved = client.post(
        f"/api/v1/tickets/{ticket_id}/transfer",
        json={"queue": "access", "reason": "gäller behörighet"},
        headers=anna,
    ).json()
    assert moved["queue"] == "access" and moved["status"] == "open"
    # Anna works the driver queue only: the ticket has left her sight.
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=anna).status_code == 404
    assert client.get("/api/v1/tickets/999", headers=anna).status_code == 404
    unknown = client.get("/api/v1/tickets", params={"queue": "x"}, headers=anna)
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_queue"


def test_a_resolved_ticket_is_not_transferred(client: TestClient, ticket_id: int) -> None:
    anna = _login(client, "anna")
    client.post(f"/api/v1/tickets/{ticket_id}/resolve", headers=anna)
    refused = client.post(
        f"/api/v1/tickets/{ticket_id}/transfer",
        json={"queue": "access", "reason": "gäller behörighet"},
        headers=anna,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert "reopen it first" in refused.json()["detail"]
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=anna).json()
    assert (ticket["queue"], ticket["status"]) == ("driver", "resolved")
    assert ticket["events"][-1]["action"] == "resolved"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/tickets/{big}"),
        ("POST", "/api/v1/tickets/{big}/claim"),
        ("POST", "/api/v1/tickets/{ticket}/reveal/{big}"),
        ("POST", "/api/v1/agents/{big}/deactivate"),
        ("POST", "/api/v1/knowledge/drafts/{big}/approve"),
        ("GET", "/api/v1/chat/messages?sender=driver-9&after={big}"),
    ],
)
def test_an_id_too_large_for_the_database_is_refused_not_a_server_error(
    client: TestClient, db: Session, ticket_id: int, method: str, path: str
) -> None:
    create_agent(
        db=db, username="cleo", display_name="Cleo", password="cleo-pw", role=AgentRole.ADMIN
    )
    # 2**63 overflowed in the database driver and came back as a 500.
    url = path.format(big=2**63, ticket=ticket_id)
    response = client.request(method, url, headers=_login(client, "cleo"))
    assert response.status_code in (404, 422), response.text
    assert response.status_code != 500
