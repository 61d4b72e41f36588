"""A phone number that arrives as the sender is never stored in clear."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.conversations.models import Conversation, Message


def test_an_sms_sender_is_stored_as_a_pseudonym_and_answered_as_itself(
    client: TestClient, db: Session
) -> None:
    number = "+358401234567"
    body = client.post(
        "/api/v1/chat", json={"sender": number, "message": "hei", "channel": "sms"}
    ).json()
    assert body["sender"] == number and body["language"] == "fi"  # +358: Finnish
    client.post("/api/v1/chat", json={"sender": number, "message": "onko ketään", "channel": "sms"})
    conversations = db.scalars(select(Conversation)).all()
    assert len(conversations) == 1  # the same number finds the same conversation
    assert "401234567" not in conversations[0].sender
    stored = " ".join(m.text for m in db.scalars(select(Message)))
    assert "401234567" not in stored
