"""The one turn every channel goes through, driven by a test double of a channel,
on a real database (the assistant is down in tests/api, so its answer is the
gateway's own "temporarily unavailable")."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.assistant.client import RasaClient
from api.channels.turn import assistant_text, handle
from api.config import Settings
from api.conversations.models import Conversation, ConversationState, Message, MessageStatus
from api.tickets.service import open_ticket
from bot.triage import triage
from tests.api.channels.recording import RecordingChannel


@pytest.fixture
def turn_parts(settings: Settings, factory: sessionmaker[Session]):
    with factory() as db, httpx.Client() as http:
        yield db, RasaClient(settings, http), settings


def test_a_message_is_stored_masked_before_the_assistant_is_asked(turn_parts) -> None:
    db, assistant, settings = turn_parts
    channel = RecordingChannel()
    said = handle(
        channel, ("u1", "ring mig på 070-123 45 67"), db=db, assistant=assistant, settings=settings
    )
    assert said is not None and "support.viol3@biometria.se" in said[0]  # how else to reach us
    stored = db.scalars(select(Message).where(Message.author == "user")).one()
    assert "070" not in stored.text and stored.sealed_original is not None
    assert stored.status == MessageStatus.NEEDS_FOLLOW_UP  # nothing lost while Rasa is down


@pytest.mark.parametrize(("text", "words"), [("   ", "skriv"), ("x" * 3000, "2000")])
def test_a_message_the_user_can_fix_is_answered_with_why_and_not_stored(
    turn_parts, text: str, words: str
) -> None:
    db, assistant, settings = turn_parts
    said = handle(RecordingChannel(), ("u2", text), db=db, assistant=assistant, settings=settings)
    assert said is not None and words in said[0].lower()
    assert db.scalars(select(Message)).all() == []


def test_while_a_case_is_open_the_message_goes_to_the_ticket(turn_parts) -> None:
    db, assistant, settings = turn_parts
    channel = RecordingChannel()
    handle(channel, ("u3", "hej"), db=db, assistant=assistant, settings=settings)
    conversation = db.scalars(select(Conversation)).one()
    ticket = open_ticket(
        db=db,
        conversation=conversation,
        triage=triage("kan inte logga in", "sv", "web"),
        description="kan inte logga in",
        contact=None,
        idempotency_key="turn-1",
        now=datetime.now(UTC),
    )
    conversation.state = ConversationState.HUMAN
    db.commit()
    said = handle(
        channel, ("u3", "det gäller bil ABC123"), db=db, assistant=assistant, settings=settings
    )
    assert said is not None and str(ticket.id) in said[0]
    latest = db.scalars(
        select(Message).where(Message.author == "user").order_by(Message.id.desc())
    ).first()
    assert latest is not None and latest.status == MessageStatus.FOR_AGENT


@pytest.mark.parametrize(
    ("text", "read_as"), [("/restart", "restart"), ("//ask_human", "ask_human"), ("/", "?")]
)
def test_a_leading_slash_is_text_never_a_command(text: str, read_as: str) -> None:
    conversation = Conversation(channel="test", sender="u4", language="sv")
    message = Message(conversation=conversation, author="user", text=text, language="sv")
    assert assistant_text(conversation, message) == read_as
