"""The web chat's history (GET /api/v1/chat/messages?history=true): after a
reload the widget shows the conversation again, for the token's holder only,
while the conversation is open; agents' replies say who wrote them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.conversations.models import Conversation, ConversationState, Message
from api.database import utcnow
from api.tickets.service import open_ticket
from bot.triage import Triage
from tests.web_chat import TOKEN_HEADER, WebChat

MESSAGES = "/api/v1/chat/messages"


def _history(web: WebChat, sender: str, **params: object) -> list[dict[str, Any]]:
    response = web.http.get(
        MESSAGES,
        params={"sender": sender, "history": "true", **params},
        headers=web.headers(sender),
    )
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def _case(db: Session, sender: str) -> int:
    """A ticket on `sender`'s web conversation, and two agents of its queue."""
    conversation = db.query(Conversation).filter_by(channel="web", sender=sender).one()
    triage = Triage("sv", "driver", 3, False, ["test"])
    ticket = open_ticket(
        db=db,
        conversation=conversation,
        triage=triage,
        description="appen visar fel vikt",
        contact=None,
        idempotency_key=f"history-{sender}",
    )
    for name, shown in (("anna", "Anna Berg"), ("bo", "Bo Ek")):
        create_agent(
            db=db,
            username=name,
            display_name=shown,
            password=f"{name}-password-long",
            role=AgentRole.AGENT,
            queues=["driver"],
        )
    return ticket.id


def _agent(client: TestClient, name: str) -> dict[str, str]:
    login = {"username": name, "password": f"{name}-password-long"}
    token = client.post("/api/v1/agents/login", json=login).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _reply(client: TestClient, ticket_id: int, agent: dict[str, str], text: str) -> None:
    response = client.post(f"/api/v1/tickets/{ticket_id}/reply", json={"text": text}, headers=agent)
    assert response.status_code == 200, response.text


def test_the_history_is_the_whole_conversation_with_each_agent_named(
    web: WebChat, client: TestClient, db: Session
) -> None:
    web.send("reload-1", "ring mig på 070-123 45 67")
    ticket_id = _case(db, "reload-1")
    anna, bo = _agent(client, "anna"), _agent(client, "bo")
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=anna).raise_for_status()
    _reply(client, ticket_id, anna, "Hej! Jag ringer dig på 070-123 45 67 i eftermiddag.")
    client.post(f"/api/v1/tickets/{ticket_id}/release", headers=anna).raise_for_status()
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=bo).raise_for_status()
    _reply(client, ticket_id, bo, "Jag tar över ärendet.")

    history = _history(web, "reload-1")
    # The assistant is down in these tests: the gateway's own answer ("system") is shown.
    assert [m["author"] for m in history] == ["user", "system", "agent", "agent"]
    # The user's own words come back masked, as stored; an agent's as written.
    assert history[0]["text"] == "ring mig på [telefon]"
    assert history[2]["text"] == "Hej! Jag ringer dig på 070-123 45 67 i eftermiddag."
    assert [m["agent_name"] for m in history] == [None, None, "Anna Berg", "Bo Ek"]
    ids = [m["id"] for m in history]
    assert ids == sorted(ids)
    # `after` still applies; polling (no history) gives the agents' and notices only.
    assert [m["id"] for m in _history(web, "reload-1", after=ids[2])] == ids[3:]
    polled = web.poll("reload-1").json()["messages"]
    assert [(m["author"], m["agent_name"]) for m in polled] == [
        ("agent", "Anna Berg"),
        ("agent", "Bo Ek"),
    ]


@pytest.mark.parametrize("headers", [{}, {TOKEN_HEADER: "guessed"}])
def test_only_the_tokens_holder_reads_the_history(
    web: WebChat, client: TestClient, headers: dict[str, str]
) -> None:
    web.send("reload-2", "min kod kommer inte")
    refused = client.get(
        MESSAGES, params={"sender": "reload-2", "history": "true"}, headers=headers
    )
    assert refused.status_code == 403 and refused.json()["code"] == "conversation_token"
    assert "messages" not in refused.json()
    assert _history(web, "reload-2")  # the holder does


def test_a_conversation_idle_for_a_day_is_closed_unless_a_person_has_it(
    web: WebChat, db: Session
) -> None:
    web.send("reload-3", "hej")
    assert len(_history(web, "reload-3")) == 2
    day_ago = utcnow() - timedelta(hours=24, minutes=1)
    db.execute(update(Message).values(created_at=day_ago))
    db.commit()
    assert _history(web, "reload-3") == []  # the widget starts a new conversation
    db.execute(update(Conversation).values(state=ConversationState.HUMAN))
    db.commit()
    assert len(_history(web, "reload-3")) == 2  # a case waits: still open


def test_the_history_is_rate_limited_like_polling(client: TestClient, web: WebChat) -> None:
    web.send("reload-4", "hej")
    statuses = {
        client.get(
            MESSAGES,
            params={"sender": "reload-4", "history": "true"},
            headers=web.headers("reload-4"),
        ).status_code
        for _ in range(95)
    }
    assert statuses == {200, 429}  # VIOL3_RATE_LIMIT_MESSAGES_PER_SENDER: 90/minute
