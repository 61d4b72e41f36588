"""When Rasa is unreachable the user still gets an answer and nothing is lost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.conversations.models import Conversation, Message, MessageStatus
from api.conversations.service import messages_needing_follow_up
from tests.web_chat import WebChat

CHAT = "/api/v1/chat"


@pytest.mark.parametrize(
    ("message", "language", "words"),
    [
        ("jag kan inte logga in i chaufförsklienten", "sv", "tillfälligt"),
        ("I cannot log in to the driver app", "en", "temporarily unavailable"),
        ("en pääse kirjautumaan sovellukseen", "fi", "käytettävissä"),
    ],
)
def test_the_user_is_told_in_their_language_how_to_reach_support(
    web: WebChat, client: TestClient, message: str, language: str, words: str
) -> None:
    response = web.send("driver-7", message)
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == language
    assert body["assistant_available"] is False
    text = body["messages"][0]["text"]
    assert words in text
    assert "support.viol3@biometria.se" in text and "010-228 59 00" in text


def test_the_message_is_stored_for_follow_up(web: WebChat, client: TestClient, db: Session) -> None:
    web.send("driver-7", "koden kommer inte fram")
    web.send("driver-7", "hallå?")
    pending = messages_needing_follow_up(db=db)
    assert [m.text for m in pending] == ["koden kommer inte fram", "hallå?"]
    assert all(m.status == MessageStatus.NEEDS_FOLLOW_UP for m in pending)
    conversation = db.scalars(select(Conversation)).one()
    assert (conversation.channel, conversation.sender) == ("web", "driver-7")


def test_personal_data_is_masked_in_what_is_stored(
    web: WebChat, client: TestClient, db: Session
) -> None:
    web.send("d1", "mitt pnr 811218-9876, ring 070-123 45 67 el. a@b.se")
    stored = db.scalars(select(Message).where(Message.author == "user")).one()
    assert "811218" not in stored.text and "070" not in stored.text and "a@b.se" not in stored.text
    assert "[personnummer]" in stored.text


def test_health_reports_rasa_and_actions_down(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "degraded"
    assert body["rasa"]["status"] == "down"
    assert body["action_server"]["status"] == "down"
    assert body["database"]["status"] == "up"
