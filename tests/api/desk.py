"""What many API tests set up: an agent account logged in over HTTP, and a ticket."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.agents.models import AgentRole
from api.agents.service import create_agent
from api.conversations.models import Conversation, Message, MessageStatus
from api.tickets.models import Ticket
from api.tickets.service import open_ticket
from bot.triage import Triage


def logged_in(
    client: TestClient,
    db: Session,
    username: str,
    *,
    role: AgentRole = AgentRole.AGENT,
    queues: Iterable[str] = ("driver",),
) -> dict[str, str]:
    """The Authorization header of a new account, logged in through the API."""
    password = f"{username}-password"
    create_agent(
        db=db,
        username=username,
        display_name=username.title(),
        password=password,
        role=role,
        queues=queues,
    )
    response = client.post(
        "/api/v1/agents/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def conversation_with(
    db: Session, sender: str, *, channel: str = "web", language: str = "sv", said: str = ""
) -> Conversation:
    """A conversation, with the user's message `said` in it if given."""
    conversation = Conversation(channel=channel, sender=sender, language=language)
    db.add(conversation)
    if said:
        db.add(
            Message(
                conversation=conversation,
                author="user",
                text=said,
                language=language,
                status=MessageStatus.FOR_AGENT,
            )
        )
    db.commit()
    return conversation


def ticket_on(
    db: Session,
    conversation: Conversation,
    *,
    queue: str = "driver",
    priority: int = 3,
    description: str = "hjälp",
    key: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A ticket opened on `conversation` as a hand-off would open it."""
    return open_ticket(
        db=db,
        conversation=conversation,
        triage=Triage(conversation.language, queue, priority, False, []),
        description=description,
        contact=None,
        idempotency_key=key or f"ticket-{conversation.id}-{queue}",
        now=now,
    )
