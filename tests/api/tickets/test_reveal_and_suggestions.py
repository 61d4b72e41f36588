"""The ticket view: masked text opened only on an audited click, and suggested answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import Settings
from api.conversations.models import Conversation, Message, MessageStatus
from tests.api.desk import logged_in, ticket_on
from tests.web_chat import WebChat

ORIGINAL = "Jag kommer inte in, mejla mig på anna.berg@example.se"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"address_key": SecretStr("test-address-key")})


@pytest.fixture
def anna(client: TestClient, db: Session) -> dict[str, str]:
    return logged_in(client, db, "anna")


def _ticket_for(db: Session, sender: str, description: str) -> int:
    conversation = db.scalars(select(Conversation).where(Conversation.sender == sender)).one()
    return ticket_on(db, conversation, description=description).id


def test_a_masked_message_is_revealed_on_request_and_the_audit_log_says_who(
    client: TestClient, web: WebChat, db: Session, anna: dict[str, str]
) -> None:
    # The assistant is down in these tests: the message is still stored, masked.
    web.send("u1", ORIGINAL)
    web.send("u1", "hallå?")
    ticket_id = _ticket_for(db, "u1", "kommer inte in")

    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=anna).json()
    masked, plain = [line for line in ticket["transcript"] if line["author"] == "user"]
    assert masked["masked"] is True and "anna.berg" not in masked["text"]
    assert plain["masked"] is False

    opened = client.post(f"/api/v1/tickets/{ticket_id}/reveal/{masked['id']}", headers=anna)
    assert opened.status_code == 200
    assert opened.json() == {"message_id": masked["id"], "text": ORIGINAL}

    events = client.get(f"/api/v1/tickets/{ticket_id}", headers=anna).json()["events"]
    assert events[-1]["action"] == "revealed" and events[-1]["actor"] == "anna"
    assert events[-1]["detail"] == {"message_id": masked["id"]}

    nothing = client.post(f"/api/v1/tickets/{ticket_id}/reveal/{plain['id']}", headers=anna)
    assert nothing.status_code == 404 and nothing.json()["code"] == "nothing_to_reveal"
    unknown = client.post(f"/api/v1/tickets/{ticket_id}/reveal/99999", headers=anna)
    assert unknown.status_code == 404
    assert client.post(f"/api/v1/tickets/{ticket_id}/reveal/{masked['id']}").status_code == 401


def test_a_message_of_another_conversation_is_not_revealed(
    client: TestClient, web: WebChat, db: Session, anna: dict[str, str]
) -> None:
    web.send("u1", ORIGINAL)
    web.send("u2", "hej")
    other = _ticket_for(db, "u2", "hej")
    foreign = db.scalars(select(Message).where(Message.sealed_original.is_not(None))).one()
    response = client.post(f"/api/v1/tickets/{other}/reveal/{foreign.id}", headers=anna)
    assert response.status_code == 404


def test_an_agents_reply_is_masked_and_can_be_revealed(
    client: TestClient, web: WebChat, db: Session, anna: dict[str, str]
) -> None:
    web.send("u3", "hjälp")
    ticket_id = _ticket_for(db, "u3", "hjälp")
    client.post(f"/api/v1/tickets/{ticket_id}/claim", headers=anna)
    text = "Ring oss på 010-228 59 00 så hjälper vi dig"
    client.post(f"/api/v1/tickets/{ticket_id}/reply", json={"text": text}, headers=anna)
    line = client.get(f"/api/v1/tickets/{ticket_id}", headers=anna).json()["transcript"][-1]
    assert line["author"] == "agent" and line["masked"] is True
    opened = client.post(f"/api/v1/tickets/{ticket_id}/reveal/{line['id']}", headers=anna)
    assert opened.json()["text"] == text


def test_suggestions_are_articles_in_the_tickets_language(
    client: TestClient, db: Session, anna: dict[str, str]
) -> None:
    conversation = Conversation(channel="web", sender="u4", language="en")
    db.add(conversation)
    db.add(
        Message(
            conversation=conversation,
            author="user",
            text="the two-factor code never arrives when I log in to the driver client",
            language="en",
            status=MessageStatus.RECEIVED,
        )
    )
    db.commit()
    ticket_id = _ticket_for(db, "u4", "2FA code does not arrive")  # the conversation is in English
    response = client.get(f"/api/v1/tickets/{ticket_id}/suggestions", params={"k": 2}, headers=anna)
    assert response.status_code == 200
    found = response.json()["suggestions"]
    assert len(found) == 2
    assert "driver_2fa" in [s["topic"] for s in found]
    assert all(s["title"] and s["text"] for s in found)
